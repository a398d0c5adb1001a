/** Jest globalTeardown: stops, by PID, the servers that global-setup.ts started (none it did not start). */
import type { StartedTestServer } from './global-setup';

export default async function globalTeardown(): Promise<void> {
  const servers: StartedTestServer[] = globalThis.__beatflowTestServers ?? [];
  globalThis.__beatflowTestServers = undefined;
  globalThis.__beatflowPrepared = undefined;
  const results = await Promise.allSettled(servers.map((s) => s.stop()));
  const failures = results
    .map((r, i) => (r.status === 'rejected' ? `${servers[i].what}: ${String(r.reason)}` : undefined))
    .filter((f): f is string => f !== undefined);
  if (failures.length > 0) throw new Error(`could not stop test servers:\n${failures.join('\n')}`);
}

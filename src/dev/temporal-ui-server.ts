/**
 * The Temporal Web UI of `npm start` and of the tests: the UI server (provision.ts) on 127.0.0.1 beside a headless dev
 * server, configured as docker-compose.yml configures the UI image — the codec endpoint called with the browser's
 * credentials (the API's sign-in cookie), write actions off — which the dev server's own UI cannot be told.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LOOPBACK, spawnOwned, stopOwned, waitForPort } from './processes';

export interface TemporalUiServerOptions {
  serverPath: string;
  /** host:port of the Temporal frontend. */
  temporalAddress: string;
  port: number;
  /** The API's codec endpoint, as the browser reaches it (the UI posts to its /decode). */
  codecEndpoint: string;
  timeoutMs?: number;
}

export interface TemporalUiServerHandle {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** The UI server's configuration (its `config/<env>.yaml`; JSON is YAML). */
export function uiServerConfig(opts: Pick<TemporalUiServerOptions, 'temporalAddress' | 'port' | 'codecEndpoint'>): Record<string, unknown> {
  return {
    temporalGrpcAddress: opts.temporalAddress,
    host: LOOPBACK,
    port: opts.port,
    enableUi: true,
    defaultNamespace: 'default',
    hideLogs: true,
    notifyOnNewVersion: false,
    // Supervisors look; cases change through the API only.
    disableWriteActions: true,
    // The UI's own CSRF cookie over plain http on loopback.
    cors: { cookieInsecure: true },
    codec: { endpoint: opts.codecEndpoint, includeCredentials: true, passAccessToken: false },
  };
}

/** Starts the UI server and waits until it answers; `stop()` ends that process by PID. */
export async function startTemporalUiServer(opts: TemporalUiServerOptions): Promise<TemporalUiServerHandle> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'beatflow-ui-'));
  fs.mkdirSync(path.join(root, 'config'));
  fs.writeFileSync(path.join(root, 'config', 'beatflow.yaml'), JSON.stringify(uiServerConfig(opts), null, 2));
  const proc = spawnOwned(opts.serverPath, ['--root', root, '--config', 'config', '--env', 'beatflow', 'start']);
  const stop = async (): Promise<void> => {
    await stopOwned(proc, 'SIGTERM', 5_000);
    fs.rmSync(root, { recursive: true, force: true });
  };
  try {
    await waitForPort(proc, 'Temporal UI server', LOOPBACK, opts.port, opts.timeoutMs ?? 30_000);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url: `http://${LOOPBACK}:${opts.port}`, pid: proc.pid, stop };
}

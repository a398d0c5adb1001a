/**
 * `npm run token -- --role officer --station S-01 --sub P-20931 [--role …] [--station …] [--ttl-hours 8]`: mints a
 * bearer token signed with AUTH_JWT_SECRET, or with the development secret `npm start` keeps in BEATFLOW_DATA_DIR.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { maxTokenLifetimeSeconds } from '../api/plugins/auth';
import { mintToken, principalClaims } from '../api/tokens';
import { loadConfig } from '../config';
import type { Role } from '../domain/roles';
import { devSecret } from './dev-secret';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      role: { type: 'string', multiple: true },
      station: { type: 'string', multiple: true },
      sub: { type: 'string' },
      'ttl-hours': { type: 'string', default: '8' },
    },
  });
  const config = loadConfig();
  const secret = config.AUTH_JWT_SECRET ?? (await devSecret(path.resolve(config.BEATFLOW_DATA_DIR), false));
  if (!secret) throw new Error('no signing secret: set AUTH_JWT_SECRET, or run `npm start` once to create the development secret');
  const ttlHours = Number(values['ttl-hours']);
  if (!Number.isFinite(ttlHours) || ttlHours <= 0 || ttlHours * 3600 > maxTokenLifetimeSeconds) {
    throw new Error(`--ttl-hours: a positive number of hours, at most ${maxTokenLifetimeSeconds / 3600} (the API refuses longer-lived tokens)`);
  }
  if (!values.role?.length || !values.sub) throw new Error('usage: npm run token -- --role <role> --station <id> --sub <id>');
  const bad = principalClaims.safeParse({ sub: values.sub, roles: values.role, stationIds: values.station ?? [] });
  if (!bad.success) throw new Error(bad.error.issues.map((i) => `${i.path.join('.') || 'claims'}: ${i.message}`).join('; '));
  const token = await mintToken({
    secret,
    issuer: config.AUTH_ISSUER,
    audience: config.AUTH_AUDIENCE,
    sub: values.sub,
    roles: values.role as Role[],
    stationIds: values.station ?? [],
    ttlSeconds: Math.round(ttlHours * 3600),
  });
  console.log(token);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});

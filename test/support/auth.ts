import { mintToken } from '../../src/api/tokens';
import type { AuthConfig } from '../../src/config';
import { systemId } from '../../src/procedures/schema';
import { procedureOfCaseId, rolesForAction } from '../../src/procedures/index';
import type { Role } from '../../src/domain/roles';

/** The tests' HS256 secret: every test app (fake-backed, real, and the end-to-end processes) verifies with it. */
export const testSecret = 'beatflow-test-secret-0123456789-abcdefghijklmnop';

export const testAuth: AuthConfig = { jwtSecret: testSecret, issuer: 'beatflow', audience: 'beatflow-api' };

/** The environment of an API process that verifies the tests' tokens. */
export const testAuthEnv = { AUTH_JWT_SECRET: testSecret, AUTH_ISSUER: testAuth.issuer, AUTH_AUDIENCE: testAuth.audience };

export interface Caller {
  role: Role;
  /** Default: S-01 (the test cases' station); a supervisor may be given ['*']. */
  stationIds?: readonly string[];
  /** Default: P-20931 (the test cases' officer and actor). */
  sub?: string;
}

/** A bearer token for a caller, signed with the tests' secret. */
export function tokenFor({ role, stationIds = ['S-01'], sub = 'P-20931' }: Caller, ttlSeconds = 3600): Promise<string> {
  return mintToken({
    secret: testSecret,
    issuer: testAuth.issuer,
    audience: testAuth.audience,
    sub,
    roles: [role],
    stationIds: [...stationIds],
    ttlSeconds,
  });
}

/** The Authorization header of a caller. */
export async function authHeader(caller: Caller): Promise<{ authorization: string }> {
  return { authorization: `Bearer ${await tokenFor(caller)}` };
}

/**
 * Who makes a request in the tests that are not about roles: the role that may, at `stationIds` (S-01 by default).
 * The station system starts cases (for the start's station), the first role an action type names sends it (as its
 * actor), an admin loads the calendar, a station leader redelivers, and a supervisor of every station reads. Who may
 * do what is tested in test/api/auth.test.ts.
 */
export function callerFor(method: string, url: string, payload?: unknown, stationIds: readonly string[] = ['S-01']): Caller {
  const body = (payload && typeof payload === 'object' ? payload : {}) as { type?: unknown; actor?: unknown; stationId?: unknown };
  const actions = /^\/v1\/cases\/([^/]+)\/actions$/.exec(url);
  if (actions) {
    let procedure: ReturnType<typeof procedureOfCaseId>;
    try {
      procedure = procedureOfCaseId(decodeURIComponent(actions[1]));
    } catch {
      procedure = undefined;
    }
    const role = (procedure && rolesForAction(procedure, String(body.type))[0]) || 'officer';
    // An actor the schema would refuse is refused there (400), before the caller is compared with it.
    return { role, stationIds, sub: systemId.safeParse(body.actor).success ? (body.actor as string) : 'P-20931' };
  }
  if (method === 'POST' && url === '/v1/cases') {
    return {
      role: 'station-system',
      stationIds: systemId.safeParse(body.stationId).success ? [body.stationId as string] : stationIds,
      sub: 'SYS-01',
    };
  }
  if (method === 'POST' && url.startsWith('/v1/imports')) return { role: 'station-system', stationIds, sub: 'SYS-01' };
  if (method === 'PUT' && url.startsWith('/v1/calendar/')) return { role: 'admin', stationIds: [], sub: 'ADM-1' };
  if (method === 'POST' && url.startsWith('/v1/notices/')) return { role: 'station-leader', stationIds, sub: 'L-01' };
  return { role: 'supervisor', stationIds: ['*'], sub: 'SUP-1' };
}

/** The Authorization header of the caller `callerFor` picks. */
export function authFor(method: string, url: string, payload?: unknown, stationIds?: readonly string[]): Promise<{ authorization: string }> {
  return authHeader(callerFor(method, url, payload, stationIds));
}

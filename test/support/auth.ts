import { mintToken } from '../../src/api/tokens';
import type { AuthConfig } from '../../src/config';
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
  return mintToken({ secret: testSecret, issuer: testAuth.issuer, audience: testAuth.audience, sub, roles: [role], stationIds: [...stationIds], ttlSeconds });
}

/** The Authorization header of a caller. */
export async function authHeader(caller: Caller): Promise<{ authorization: string }> {
  return { authorization: `Bearer ${await tokenFor(caller)}` };
}

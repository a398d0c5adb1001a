import { SignJWT } from 'jose';
import { z } from 'zod';
import { systemId } from '../procedures/schema';
import { allStations, type Principal, type Role, roles } from '../domain/roles';

/** The claims of a bearer token that make a caller: who (`sub`), in which roles, for which stations. */
export const principalClaims = z
  .object({
    sub: systemId,
    roles: z.array(z.enum(roles)).min(1).max(roles.length),
    stationIds: z.array(z.union([z.literal(allStations), systemId])).max(500),
  })
  .superRefine((claims, ctx) => {
    // Every station is a supervisor's scope: a token that may act may not reach every station.
    if (claims.stationIds.includes(allStations) && claims.roles.some((role) => role !== 'supervisor')) {
      ctx.addIssue({ code: 'custom', path: ['stationIds'], message: `'${allStations}' (every station) is for a supervisor only` });
    }
  });

export interface MintOptions {
  secret: string;
  issuer: string;
  audience: string;
  sub: string;
  roles: Role[];
  stationIds: string[];
  /** Seconds until it expires. */
  ttlSeconds: number;
}

/** Signs an HS256 token for a caller: development and tests, where the API verifies with the same secret. */
export async function mintToken(options: MintOptions): Promise<string> {
  const claims: Omit<Principal, 'sub'> = principalClaims.parse({ sub: options.sub, roles: options.roles, stationIds: options.stationIds });
  return new SignJWT({ roles: claims.roles, stationIds: claims.stationIds })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(options.sub)
    .setIssuer(options.issuer)
    .setAudience(options.audience)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + options.ttlSeconds)
    .sign(new TextEncoder().encode(options.secret));
}

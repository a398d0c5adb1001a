import type { FastifyRequest } from 'fastify';
import { allStations, coversStation, hasRole, type Principal, type Role } from '../domain/roles';
import { HttpError } from './errors';

/** The verified caller of a request in the authenticated scope (the auth plugin answered 401 otherwise). */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new HttpError(401, 'unauthorized', 'a bearer token is required');
  return request.principal;
}

/** 403 unless the caller holds one of `allowed`; the refusal is recorded as 'role'. */
export function requireRole(request: FastifyRequest, allowed: readonly Role[], what: string): Principal {
  const principal = principalOf(request);
  if (!hasRole(principal, ...allowed)) {
    request.refusal = 'role';
    throw new HttpError(403, 'forbidden', `${what} needs the role ${allowed.join(' or ')}`);
  }
  return principal;
}

/**
 * A case the caller may see: one of its stations. Any other answers 404 exactly as a case that does not exist, so a
 * caller learns nothing of another station's cases; the refusal is recorded as 'station'.
 */
export function requireCaseStation(request: FastifyRequest, stationId: string | undefined): Principal {
  const principal = principalOf(request);
  if (stationId === undefined || !coversStation(principal, stationId)) {
    request.refusal = 'station';
    throw new HttpError(404, 'case-not-found', 'no such case');
  }
  return principal;
}

/** The stations a list is limited to: undefined for a caller of every station. */
export function stationScope(principal: Principal): string[] | undefined {
  return principal.stationIds.includes(allStations) ? undefined : principal.stationIds;
}

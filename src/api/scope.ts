import type { FastifyInstance, FastifyRequest } from 'fastify';
import { allStations, coversStation, hasRole, type Principal, type Role } from '../domain/roles';
import { caseAssignmentOf } from '../temporal/cases';
import { HttpError } from './errors';

/** The verified caller of a request in the authenticated scope (the auth plugin answered 401 otherwise). */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new HttpError(401, 'unauthorized', 'a bearer token is required');
  return request.principal;
}

/** 403 unless the caller holds one of `allowed`; the refusal is recorded as 'role', the role acted in otherwise. */
export function requireRole(request: FastifyRequest, allowed: readonly Role[], what: string): Principal {
  const principal = principalOf(request);
  if (!hasRole(principal, ...allowed)) {
    request.refusal = 'role';
    throw new HttpError(403, 'forbidden', `${what} needs the role ${allowed.join(' or ')}`);
  }
  request.actingRole = principal.roles.find((role) => allowed.includes(role));
  return principal;
}

/** Where a case belongs now: its station and the officer it is assigned to. */
export interface CaseAssignment {
  stationId: string;
  officerId?: string;
}

/** An officer sees the cases assigned to them; any other role of a station sees all of the station's cases. */
export function seesOwnCasesOnly(principal: Principal): boolean {
  return principal.roles.every((role) => role === 'officer');
}

/** Whether the caller works the case (its station's leader, or the officer it is assigned to) and so reads its people unmasked. */
export function mayReadUnmasked(principal: Principal, assignment: CaseAssignment): boolean {
  if (!coversStation(principal, assignment.stationId)) return false;
  if (hasRole(principal, 'station-leader')) return true;
  return hasRole(principal, 'officer') && assignment.officerId === principal.sub;
}

/**
 * A case the caller may see: one of its stations and, for an officer, one assigned to them. Any other answers 404
 * exactly as a case that does not exist, so a caller learns nothing of another station's or officer's cases; the
 * refusal is recorded as 'station' or 'assignment'.
 */
export function requireCase(request: FastifyRequest, assignment: CaseAssignment | undefined): Principal {
  const principal = principalOf(request);
  const refusal = scopeRefusal(principal, assignment);
  if (refusal) {
    request.refusal = refusal;
    throw new HttpError(404, 'case-not-found', 'no such case');
  }
  return principal;
}

/** Why a case is outside what the caller may see ('station': not one of theirs, or no case; 'assignment': another officer's), if it is. */
export function scopeRefusal(principal: Principal, assignment: CaseAssignment | undefined): 'station' | 'assignment' | undefined {
  if (assignment === undefined || !coversStation(principal, assignment.stationId)) return 'station';
  if (seesOwnCasesOnly(principal) && assignment.officerId !== principal.sub) return 'assignment';
  return undefined;
}

/**
 * Where a case belongs now, as `requireCase` needs it for this caller (the officer only for an officer's request), from
 * the read model, or from the case's search attributes while its first write has not landed (or the database cannot
 * answer); undefined for a case that does not exist.
 */
export async function caseAssignment(app: FastifyInstance, request: FastifyRequest, caseId: string): Promise<CaseAssignment | undefined> {
  const withOfficer = seesOwnCasesOnly(principalOf(request));
  const fromReadModel = await Promise.all([app.db.cases.station(caseId), withOfficer ? app.db.cases.officer(caseId) : undefined]).catch(
    () => undefined,
  );
  if (fromReadModel?.[0] !== undefined) return { stationId: fromReadModel[0], officerId: fromReadModel[1] };
  return caseAssignmentOf(app.temporal, caseId);
}

/** The stations a list is limited to: undefined for a caller of every station. */
export function stationScope(principal: Principal): string[] | undefined {
  return principal.stationIds.includes(allStations) ? undefined : principal.stationIds;
}

/**
 * Who may do what (Art. 109): the roles a caller's token names. The domain decides which role may send which action;
 * the API enforces it.
 */
export const roles = ['station-system', 'officer', 'station-leader', 'supervisor', 'admin'] as const;
export type Role = (typeof roles)[number];

/** Every station, in a token's `stationIds`: a supervisor of the whole county or city. */
export const allStations = '*';

/** The caller, from a verified token: `sub` is the officer's or system's id. */
export interface Principal {
  sub: string;
  roles: Role[];
  stationIds: string[];
}

/** Whether the caller's stations include `stationId`. */
export function coversStation(principal: Principal, stationId: string): boolean {
  return principal.stationIds.includes(allStations) || principal.stationIds.includes(stationId);
}

export function hasRole(principal: Principal, ...wanted: Role[]): boolean {
  return principal.roles.some((role) => wanted.includes(role));
}

/** Roles that may send an action: the callers who report what was done. A supervisor and an admin act on no case. */
export const actingRoles = ['station-system', 'officer', 'station-leader'] as const satisfies readonly Role[];
export type ActingRole = (typeof actingRoles)[number];

/** Each action type of a procedure with the roles that may send it: a type left out is a compile error. */
export type ActionRoles<Type extends string> = { readonly [T in Type]: readonly ActingRole[] };

/**
 * Who may use each resource that is not an action. Anything about one case of another station answers 404 to every
 * role; these answer 403 only for what a role may never do, whichever case.
 */
export const resourceRoles = {
  /** POST /v1/cases and POST /v1/imports, for the caller's own stations. */
  startCase: ['station-system'],
  /** GET /v1/cases, /v1/cases/:caseId, /v1/cases/records-blocked: the caller's stations, all with '*'. */
  readCases: ['station-system', 'officer', 'station-leader', 'supervisor'],
  /** GET /v1/obligations: the duties of the caller's stations' cases, all with '*'. */
  readObligations: ['station-system', 'officer', 'station-leader', 'supervisor'],
  /** GET /v1/kpis, /v1/kpis/:kpi/cases: the rates a station is judged by, for its leader and the supervisors. */
  readKpis: ['station-leader', 'supervisor'],
  /** GET /v1/notices: the outbox rows of the caller's stations' cases. */
  readNotices: ['station-system', 'station-leader', 'supervisor'],
  /** POST /v1/notices/:id/redeliver, for the caller's stations' cases. */
  redeliverNotice: ['station-system', 'station-leader'],
  /** POST /codec/decode: the Temporal UI's payloads, personal data as the API shows it to the role. */
  openPayloads: ['supervisor', 'station-leader', 'officer'],
  /** PUT /v1/calendar/:year: the working-day calendar moves every open case's deadlines. */
  loadCalendar: ['admin'],
} as const satisfies Record<string, readonly Role[]>;

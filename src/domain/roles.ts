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

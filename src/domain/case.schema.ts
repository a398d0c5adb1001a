import { z } from 'zod';
import type { ProcedureDescriptor } from './procedure';

/** Identifiers of the station system: no spaces, no personal data, safe in a workflow id and a URL. */
export const systemId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'letters, digits, ".", "_" or "-", at most 64');
export const localDate = z.iso.date();
export const instant = z.iso.datetime({ offset: true });

export const caseStartBase = z.object({
  caseNumber: systemId,
  stationId: systemId,
  officerId: systemId,
});

export const actionBase = z.object({
  actionId: z.uuid(),
  actor: systemId,
  at: instant.optional(),
});

/** A procedure's descriptor with the schemas of its start and its actions: what the registry lists. */
export function plugIn<D extends ProcedureDescriptor, Start extends z.ZodType, Action extends z.ZodType>(
  descriptor: D,
  schemas: { start: Start; action: Action },
): D & { start: Start; action: Action } {
  return { ...descriptor, ...schemas };
}

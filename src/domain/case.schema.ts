import { z } from 'zod';
import { parseInstant, localDate as localDateOf } from './legal-time';
import type { ProcedureDescriptor } from './procedure';

/** Dates the API accepts: no real case lies outside, and legal time arithmetic is exact within. */
export const earliestDate = '2000-01-01';
export const latestDate = '2100-12-31';
/** Whether a local date lies in the window of dates the API accepts. */
export const inWindow = (date: string) => date >= earliestDate && date <= latestDate;
const windowMessage = `between ${earliestDate} and ${latestDate}`;

/** No control character but tab and newline, and no half of a UTF-16 surrogate pair without its other half. */
function isCleanText(v: string): boolean {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a) || c === 0x7f) return false;
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = v.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return false;
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) return false;
  }
  return true;
}

/** Free text, trimmed and bounded; no NUL or other control character (PostgreSQL's jsonb refuses NUL). */
export function text(max: number, what?: string) {
  return z.string().trim().min(1, what).max(max).refine(isCleanText, 'text without control characters or broken characters');
}

/** Identifiers of the station system: no spaces, no personal data, safe in a workflow id and a URL. */
export const systemId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'letters, digits, ".", "_" or "-", at most 64');
export const localDate = z.iso.date().refine(inWindow, `a date ${windowMessage}`);
export const instant = z.iso.datetime({ offset: true }).refine((v) => inWindow(localDateOf(parseInstant(v))), `a time ${windowMessage}`);

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

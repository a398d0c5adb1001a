import { z } from 'zod';
import { parseInstant } from '../case/legal-time';
import { adoptionConfirmed } from '../case/adoption';
import { caseReassigned } from '../case/reassignment';
import { adoptionReviewOutcomes } from '../case/obligation';
import type { ProcedureDescriptor } from '../case/procedure';
import type { ActionRoles } from '../domain/roles';

/** Dates the API accepts: no real case lies outside, and legal time arithmetic is exact within. */
export const earliestDate = '2000-01-01';
export const latestDate = '2100-12-31';
/** Whether a local date lies in the window of dates the API accepts. */
export const inWindow = (date: string) => date >= earliestDate && date <= latestDate;
const windowMessage = `between ${earliestDate} and ${latestDate}`;
/**
 * The window as the year a date or time is written with, a pattern the API document states: what the document calls
 * valid the API accepts. (A time's offset may move it a few hours across the edge; legal time counts there too.)
 */
export const windowYear = /^(20[0-9]{2}|2100)-/;

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
  return (
    z
      .string()
      // It aborts: what it refuses the check below would refuse again (broken characters are that one's), and a field
      // is named once.
      // eslint-disable-next-line no-control-regex -- the pattern names the control characters it refuses
      .regex(/^[^\x00-\x08\x0e-\x1f\x7f]*$/, { message: 'text without control characters or broken characters', abort: true })
      .trim()
      .min(1, what)
      .max(max)
      .refine(isCleanText, 'text without control characters or broken characters')
  );
}

/** Identifiers of the station system: no spaces, no personal data, safe in a workflow id and a URL. */
export const systemId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'letters, digits, ".", "_" or "-", at most 64');

/** Whether a value is a time legal time arithmetic reads; never throws. */
function isInstant(value: string): boolean {
  try {
    return Number.isFinite(parseInstant(value));
  } catch {
    return false;
  }
}

/** An identity document number: letters and digits only. */
export const identityNumber = z.string().regex(/^[0-9A-Za-z]{6,30}$/, 'an identity document number');

// `abort`: a value of the wrong form or outside the window stops here, so no refinement of the object around it reads it.
export const localDate = z.iso
  .date({ error: 'a date, YYYY-MM-DD', abort: true })
  .regex(windowYear, { error: `a date ${windowMessage}`, abort: true });
export const instant = z.iso
  .datetime({ offset: true, error: 'a date and time with seconds and an offset, e.g. 2026-03-02T09:00:00+08:00', abort: true })
  .regex(windowYear, { error: `a time ${windowMessage}`, abort: true })
  .refine(isInstant, { error: 'a date and time with seconds and an offset, e.g. 2026-03-02T09:00:00+08:00', abort: true });
/** A calendar month, YYYY-MM, in the window. */
export const month = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, { error: 'a month, YYYY-MM', abort: true })
  .regex(windowYear, `a month ${windowMessage}`);

/**
 * A bounded list that names a set: the same item twice is refused at its index. `key` says what makes two items the
 * same (by default the whole item).
 */
export function setOf<T extends z.ZodType>(item: T, max: number, key: (v: z.output<T>) => unknown = (v) => v) {
  return (
    z
      .array(item)
      .max(max)
      // The document says so too (exactly, for a set of plain values; for a key, the same items at the least).
      .meta({ uniqueItems: true })
      .superRefine((items, ctx) => {
        const seen = new Map<string, number>();
        items.forEach((v, index) => {
          const id = JSON.stringify(key(v));
          const first = seen.get(id);
          if (first === undefined) seen.set(id, index);
          else ctx.addIssue({ code: 'custom', path: [index], message: `the same as item ${first}: each is named once` });
        });
      })
  );
}

/**
 * The `adoption` block of a start: from when beatflow keeps the case (`adoptedAt`, default: the start) and the facts
 * established before it, named by the procedure; a fact it does not know is refused, never ignored.
 */
export function adoptionBlock<Facts extends z.ZodRawShape>(facts: Facts) {
  return z.strictObject({ adoptedAt: instant.optional(), facts: z.strictObject(facts).optional() }).optional();
}

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

/**
 * A well-formed start (without the fields every start names) and one well-formed action of each type (without its
 * envelope): the API docs' examples and what the role matrix sends. A type left out is a compile error.
 */
export interface ProcedureExample<Start, Action extends { type: string }> {
  start: Omit<Start, 'caseNumber' | 'stationId' | 'officerId'>;
  actions: { [T in Action['type']]: ActionFields<Extract<Action, { type: T }>> };
}
type ActionFields<A> = A extends unknown ? Omit<A, 'type' | 'actionId' | 'actor' | 'at'> : never;

/**
 * A procedure's descriptor with the schemas of its start and its actions, the roles that may send each action type and
 * an example of each: what the registry lists.
 */
export function plugIn<D extends ProcedureDescriptor, Start extends z.ZodType, Action extends z.ZodType<{ type: string }>>(
  descriptor: D,
  schemas: {
    start: Start;
    action: Action;
    actionRoles: ActionRoles<z.output<Action>['type']>;
    example: ProcedureExample<z.input<Start>, z.output<Action>>;
  },
): D & {
  start: Start;
  action: Action;
  actionRoles: ActionRoles<z.output<Action>['type']>;
  example: ProcedureExample<z.input<Start>, z.output<Action>>;
} {
  return { ...descriptor, ...schemas };
}

/**
 * The officer's review of a duty due before adoption that no fact settled (any procedure): it was done (on `doneOn`,
 * when known) or not done. Either way nothing is escalated; the review is audited like every action.
 */
export const adoptionConfirmedSchema = actionBase.extend({
  type: z.literal(adoptionConfirmed),
  key: z.string().regex(/^[a-z][a-z0-9-]{0,63}$/, 'a duty key'),
  period: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9.-]{0,31}$/, 'a period')
    .optional(),
  outcome: z.enum(adoptionReviewOutcomes),
  doneOn: localDate.optional(),
});

/** The station leader moves a case to another officer of the station, saying why (any procedure). */
export const caseReassignedSchema = actionBase.extend({
  type: z.literal(caseReassigned),
  officerId: systemId,
  reason: text(500),
});

/** Who reviews what adoption left open: the officer and the station leader, on every procedure. */
export const adoptionActionRoles = { [adoptionConfirmed]: ['officer', 'station-leader'] } as const satisfies ActionRoles<typeof adoptionConfirmed>;

/** The actions every procedure takes besides its own, with who may send them. */
export const caseActionSchemas = [adoptionConfirmedSchema, caseReassignedSchema] as const;
export const caseActionRoles = { ...adoptionActionRoles, [caseReassigned]: ['station-leader'] } as const satisfies ActionRoles<
  typeof adoptionConfirmed | typeof caseReassigned
>;

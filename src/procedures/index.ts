import { z } from 'zod';
import { caseActionRoles, caseActionSchemas } from './schema';
import { StartRefused } from '../case/adoption';
import { type AnyProcedureDefinition, Case } from '../case/case';
import type { CalendarYear } from '../case/calendar';
import { caseIdOf } from '../case/contract';
import { defaultEnginePolicy } from '../case/obligation';
import type { Role } from '../domain/roles';
import { bailSurveillancePlugin } from './bail-surveillance/schema';
import { caseFollowUpPlugin } from './case-follow-up/schema';
import { deprivedRightsPlugin } from './deprived-rights/schema';
import { disputePlugin } from './dispute/schema';
import { hazardRectificationPlugin } from './hazard-rectification/schema';
import { procedureRules } from './rules';

/**
 * The registry: every procedure beatflow runs, each described once by its descriptor and schemas. Every list of
 * procedures (names, workflow types, titles, the start and action schemas, the API's tags, the replay list) is
 * derived from it. It carries zod: workflows import it by type only.
 */
export const procedureRegistry = [
  bailSurveillancePlugin,
  deprivedRightsPlugin,
  hazardRectificationPlugin,
  disputePlugin,
  caseFollowUpPlugin,
] as const;

type Registry = typeof procedureRegistry;
type Entry = Registry[number];
export type Procedure = Entry['name'];

export const procedures = procedureRegistry.map((p) => p.name) as Procedure[];

export function procedureOf<P extends Procedure>(name: P): Extract<Entry, { name: P }> {
  return procedureRegistry.find((p) => p.name === name) as Extract<Entry, { name: P }>;
}

/** The procedure a case id names (its prefix), if any. */
export function procedureOfCaseId(caseId: string): Procedure | undefined {
  const prefix = caseId.slice(0, caseId.indexOf(':'));
  return procedures.find((p) => p === prefix);
}

/** The policy a case of `procedure` starts with: its procedure's defaults and the engine's, pinned in its history. */
export function policyInForce(procedure: Procedure): Record<string, number> {
  return { ...procedureOf(procedure).policy, ...defaultEnginePolicy };
}

/**
 * The case a start begins, on the pure case as its workflow would begin it (the policy in force, `calendar` or the
 * built-in years), on a clock stopped at `now`, its first wake fired; throws when the procedure cannot begin it.
 */
export function beginCase(start: CaseStart, now: number, calendar?: CalendarYear[]): Case<CaseStart, never, unknown, Record<string, number>> {
  const definition: AnyProcedureDefinition = procedureRules[start.procedure];
  const kase = new Case(
    definition,
    caseIdOf(start.procedure, start.caseNumber),
    { start, calendar, policy: policyInForce(start.procedure) },
    () => now,
  );
  kase.fire();
  return kase;
}

/** The case begun at `now`, or why it cannot be begun (naming the start's field at fault, when one is). */
export function tryBeginCase(
  start: CaseStart,
  now: number,
  calendar?: CalendarYear[],
): { kase: ReturnType<typeof beginCase> } | { refused: string; field?: string } {
  try {
    return { kase: beginCase(start, now, calendar) };
  } catch (err) {
    if (err instanceof StartRefused) return { refused: err.message, field: err.field };
    return { refused: err instanceof Error ? err.message : String(err) };
  }
}

function byName<T>(pick: (entry: Entry) => T): Record<Procedure, T> {
  return Object.fromEntries(procedureRegistry.map((p) => [p.name, pick(p)])) as Record<Procedure, T>;
}

/** Workflow type of each procedure: the API starts cases by name and never imports workflow code. */
export const workflowTypes = byName((p) => p.workflowType);

/** The Temporal UI's one-line summary of a case starts with the procedure's Chinese title. */
export const procedureTitlesZh = byName((p) => p.titleZh);

// Mapped over a type parameter, so that a tuple maps to a tuple (what zod's unions take).
type StartsOf<T extends readonly unknown[]> = { -readonly [K in keyof T]: T[K] extends { start: infer S } ? S : never };
type ActionsOf<T extends readonly unknown[]> = { -readonly [K in keyof T]: T[K] extends { action: infer A } ? A : never };
type Starts = StartsOf<Registry>;
type Actions = ActionsOf<Registry>;

/** The body of POST /v1/cases: one member per procedure, told apart by `procedure`. */
export const caseStartSchema = z.discriminatedUnion('procedure', procedureRegistry.map((p) => p.start) as unknown as Starts);
export type CaseStart = z.infer<typeof caseStartSchema>;

/** Each procedure's actions; the case id says which procedure a case belongs to. */
export const actionSchemas = byName(
  (p) =>
    z.discriminatedUnion('type', [p.action as never, ...caseActionSchemas]) as unknown as z.ZodType<{
      type: string;
      actionId: string;
      actor: string;
      at?: string;
    }>,
);

/** For the API docs: any procedure's action. */
export const anyActionSchema = z.union([...(procedureRegistry.map((p) => p.action) as unknown as Actions), ...caseActionSchemas]);

/** Each procedure's action types with the roles that may send them, as the procedure declares them. */
export const actionRoles = byName((p) => ({ ...p.actionRoles, ...caseActionRoles }) as Readonly<Record<string, readonly Role[]>>);

/** The roles that may send `type` on a case of `procedure`; none for a type the procedure does not have. */
export function rolesForAction(procedure: Procedure, type: string): readonly Role[] {
  return Object.hasOwn(actionRoles[procedure], type) ? actionRoles[procedure][type] : [];
}

import type { ObligationSpec } from './obligation';
import type { PersonalRecord } from '../domain/personal';

/**
 * What a procedure is, as data: the descriptor every list of procedures is derived from. The pure half lives in
 * `src/domain/<procedure>.ts` (bundled into workflows); `src/domain/<procedure>.schema.ts` adds its zod schemas and
 * `src/procedures/index.ts` registers it.
 */

/** One row of a procedure's duty table: what is owed, under which article, by whom, and how it escalates. */
export type Duty = Omit<ObligationSpec, 'period' | 'dueAt' | 'opensAt' | 'basis'>;

export interface ProcedureDescriptor<Name extends string = string, Policy extends Record<string, number> = Record<string, number>> {
  /** Stable kebab-case name: the prefix of every case id and the `procedure` of a start. It is API. */
  name: Name;
  /** The exported workflow function's name in `workflows/index.ts`. */
  workflowType: string;
  titleZh: string;
  titleEn: string;
  /** The articles of the regulation the procedure carries out. */
  articles: string;
  /** The regulation's values, or the station's where it says only "promptly"; recorded on each case at its start. */
  policy: Policy;
  /** Every duty the procedure can declare, by a name its workflow uses. */
  duties: Record<string, Duty>;
  /**
   * The people a start of this procedure names (personal data): carried in the case's view, never in the read model,
   * masked for roles without need. Omitted: the procedure's starts name nobody.
   */
  // A method, so that each procedure takes its own start type.
  personal?(start: unknown): PersonalRecord[];
}

/** Declares a procedure's descriptor, keeping its literal types (the name, the duty names). */
export function defineProcedure<const Name extends string, Policy extends Record<string, number>, Duties extends Record<string, Duty>>(
  descriptor: ProcedureDescriptor<Name, Policy> & { duties: Duties },
): ProcedureDescriptor<Name, Policy> & { duties: Duties } {
  return descriptor;
}

/**
 * One well-formed start per procedure and one well-formed action per action type of every procedure, as each
 * procedure declares its example in the registry: what the role × route × station matrix sends.
 */
import { type CaseStart, type Procedure, procedureOf, procedures } from '../../src/procedures/index';

/** The example start of `procedure` for `stationId`, with a case number of its own. */
export function sampleStart(procedure: Procedure, stationId: string, caseNumber: string): CaseStart {
  return { ...procedureOf(procedure).example.start, caseNumber, stationId, officerId: 'P-20931' } as CaseStart;
}

/** The fields of one action of each type, by procedure (without actionId and actor). */
export const sampleActions = Object.fromEntries(procedures.map((p) => [p, procedureOf(p).example.actions])) as unknown as Record<
  Procedure,
  Record<string, Record<string, unknown>>
>;

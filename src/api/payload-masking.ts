/**
 * The personal data in a payload the codec opens for the Temporal UI, found as the API finds it: by the procedures'
 * declared personal fields (`personal(start)`) of any case start the payload holds, and the `personal` part of any case
 * view it holds. Masking replaces each of those values wherever it appears in the payload with the form every other
 * answer of the API shows (李志强 → 李*), so one role reads one value whichever door it uses.
 */
import { caseIdOf } from '../case/contract';
import { type PersonalRecord, maskAddress, maskIdNumber, maskName } from '../domain/personal';
import { procedureOf, procedureOfCaseId, procedures } from '../procedures/index';

export interface PersonalContent {
  /** The cases the payload names (a start's procedure and number, a view's or a record's case id). */
  caseIds: Set<string>;
  people: PersonalRecord[];
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/** The cases a decoded payload names and the people it carries. */
export function personalContent(value: unknown): PersonalContent {
  const found: PersonalContent = { caseIds: new Set(), people: [] };
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!isObject(node)) return;
    const { procedure, caseNumber, caseId, personal } = node;
    if (typeof procedure === 'string' && (procedures as string[]).includes(procedure) && typeof caseNumber === 'string') {
      const p = procedureOf(procedure as (typeof procedures)[number]);
      found.caseIds.add(caseIdOf(p.name, caseNumber));
      try {
        found.people.push(...(p.personal?.(node) ?? []));
      } catch {
        // not a start after all: its other fields are still walked below
      }
    }
    if (typeof caseId === 'string' && procedureOfCaseId(caseId)) found.caseIds.add(caseId);
    if (Array.isArray(personal)) found.people.push(...personal.filter((p): p is PersonalRecord => isObject(p) && typeof p.name === 'string'));
    Object.values(node).forEach(visit);
  };
  visit(value);
  return found;
}

/** `value` with every personal value of `people` masked wherever it appears, in keys' values and inside longer text. */
export function maskPeople<T>(value: T, people: readonly PersonalRecord[]): T {
  const replacements = new Map<string, string>();
  for (const p of people) {
    if (p.name) replacements.set(p.name, maskName(p.name));
    if (p.idNumber) replacements.set(p.idNumber, maskIdNumber(p.idNumber));
    if (p.address) replacements.set(p.address, maskAddress(p.address));
  }
  // Longest first, so an address is masked whole before a name inside it is.
  const ordered = [...replacements].sort(([a], [b]) => b.length - a.length);
  const mask = (node: unknown): unknown => {
    if (typeof node === 'string') return ordered.reduce((text, [plain, masked]) => text.split(plain).join(masked), node);
    if (Array.isArray(node)) return node.map(mask);
    if (isObject(node)) return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, mask(v)]));
    return node;
  };
  return ordered.length ? (mask(value) as T) : value;
}

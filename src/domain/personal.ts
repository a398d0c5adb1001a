/**
 * Personal data (Art. 109 data classification, Art. 31 confidentiality): the people a case names, as its procedure
 * declares them from the start. A case's view carries them for those who work the case (its station's leader, its
 * officer); every other answer masks them (脱敏). Pure: bundled into workflows.
 */

/** A person a case names: the subject of a measure, a guarantor, a party to a dispute. */
export interface PersonalRecord {
  role: 'subject' | 'guarantor' | 'party' | 'contact';
  name: string;
  idNumber?: string;
  address?: string;
  /** A dispute party's role (applicant, respondent …), in the order of the start's `parties`. */
  partyRole?: string;
}

const chars = (value: string) => Array.from(value);

/** 张三 → 张*: the first character, the rest hidden (its length too). */
export function maskName(name: string): string {
  const [first] = chars(name);
  return first === undefined ? '' : `${first}*`;
}

/** 510402199001011234 → 510402********1234: the region code and the last four; a short number is hidden whole. */
export function maskIdNumber(id: string): string {
  const c = chars(id);
  if (c.length <= 10) return '*'.repeat(c.length);
  return `${c.slice(0, 6).join('')}${'*'.repeat(c.length - 10)}${c.slice(-4).join('')}`;
}

/** 四川省攀枝花市东区某街1号 → 四川省攀枝花****: the first six characters (at most all but one). */
export function maskAddress(address: string): string {
  const c = chars(address);
  return `${c.slice(0, Math.min(6, Math.max(c.length - 1, 0))).join('')}****`;
}

export function maskPersonal(people: readonly PersonalRecord[]): PersonalRecord[] {
  return people.map((p) => ({
    ...p,
    name: maskName(p.name),
    ...(p.idNumber === undefined ? {} : { idNumber: maskIdNumber(p.idNumber) }),
    ...(p.address === undefined ? {} : { address: maskAddress(p.address) }),
  }));
}

/**
 * Requests generated from the API's own zod schemas (through zod's JSON Schema), for property and fuzz tests. A
 * derivation is valid-looking (every type, bound, format, pattern and enum respected; the schema's refinements, which
 * JSON Schema cannot say, are left to chance) or hostile, where any value may be replaced by one an attacker or a
 * broken client would send: NUL and other control characters, lone surrogates, huge strings, far or impossible dates,
 * wrong types, duplicates in sets, missing and extra fields.
 */
import fc from 'fast-check';
import { z } from 'zod';
import { formatInstant, localDate } from '../../src/case/legal-time';

interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  enum?: unknown[];
  const?: unknown;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  allOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
}

export interface Derivation {
  /** Around when valid-looking dates cluster (epoch ms); most fall within a year of it, some anywhere in the window. */
  around: number;
  /** The weight of dates anywhere in the window (and at its edges) against 32 for dates within 400 days of `around`; 4 unless given. */
  anywhere?: number;
  /** The weight of a hostile value at each node against 10 for a valid-looking one; 0: valid-looking only. */
  hostility?: number;
  /** Arbitraries for properties whose rule JSON Schema cannot say (a check digit), by property name. */
  overrides?: Record<string, fc.Arbitrary<unknown>>;
}

const day = 86_400_000;
const earliest = Date.parse('2000-01-01T00:00:00+08:00');
const latest = Date.parse('2100-12-31T23:59:59+08:00');

/** Values no field of the API takes, whatever its type. */
export const hostileStrings = [
  'left town\u0000',
  '\u0000',
  'broken \ud800 half',
  '\udc00',
  'bell\u0007',
  '\u001b[31mred',
  'del\u007f',
  '   ',
  '',
  'x'.repeat(100_000),
  '张'.repeat(5_000),
  '0001-01-01',
  '1000-01-01',
  '9999-12-31',
  '2025-02-30',
  '2025-01-01T24:00:00Z',
  '2025-01-01T10:00:00+08',
  '2100-12-31T23:59:59-12:00',
  '9999-12-31T23:59:59+08:00',
  '-1',
  '1e309',
  'NaN',
  '../../etc/passwd',
  "'; DROP TABLE cases; --",
];
const hostileScalars: unknown[] = [null, 0, -1, 1.5, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, true, false, [], {}, [null], { $gt: '' }];

/** An arbitrary of the values `schema` takes (its input side), valid-looking or hostile as `derivation` says. */
export function arbitraryOf(schema: z.ZodType, derivation: Derivation): fc.Arbitrary<unknown> {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  return derive(json, derivation);
}

function derive(node: JsonSchema, d: Derivation, name?: string): fc.Arbitrary<unknown> {
  const valid = (name !== undefined && d.overrides?.[name]) || validOf(node, d);
  if (!d.hostility) return valid;
  return fc.oneof({ arbitrary: valid, weight: 10 }, { arbitrary: hostileOf(node, valid), weight: d.hostility });
}

function validOf(node: JsonSchema, d: Derivation): fc.Arbitrary<unknown> {
  if (node.const !== undefined) return fc.constant(node.const);
  if (node.enum) return fc.constantFrom(...node.enum);
  const members = node.oneOf ?? node.anyOf;
  if (members) return fc.oneof(...members.map((m) => derive(m, d)));
  switch (node.type) {
    case 'object':
      return objectOf(node, d);
    case 'array': {
      const maxLength = Math.min(node.maxItems ?? 5, 5);
      return fc.array(derive(node.items ?? {}, d), { minLength: Math.min(node.minItems ?? 0, maxLength), maxLength });
    }
    case 'string':
      return stringOf(node, d);
    case 'integer':
      return fc.integer({ min: node.minimum ?? -1_000, max: node.maximum ?? 1_000 });
    case 'number':
      return fc.double({
        min: node.exclusiveMinimum ?? node.minimum ?? -1e6,
        max: node.exclusiveMaximum ?? node.maximum ?? 1e6,
        minExcluded: node.exclusiveMinimum !== undefined,
        maxExcluded: node.exclusiveMaximum !== undefined,
        noNaN: true,
        noDefaultInfinity: true,
      });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    default:
      return fc.oneof(fc.string(), fc.integer(), fc.boolean());
  }
}

function objectOf(node: JsonSchema, d: Derivation): fc.Arbitrary<Record<string, unknown>> {
  const properties = node.properties ?? {};
  const required = new Set(node.required ?? []);
  const shape = Object.fromEntries(Object.entries(properties).map(([key, value]) => [key, derive(value, d, key)]));
  return fc.record(shape, { requiredKeys: [...required].filter((key) => key in properties) });
}

function stringOf(node: JsonSchema, d: Derivation): fc.Arbitrary<string> {
  // zod writes its ISO date and time checks, with the window's year, as patterns under allOf rather than a format.
  const patterns = [node.pattern, ...(node.allOf ?? []).map((m) => m.pattern)].filter((p): p is string => p !== undefined);
  const isoDateTime = patterns.some((p) => p.includes(')))T(?:'));
  const isoDate = !isoDateTime && patterns.some((p) => p.startsWith('^(?:(?:\\d\\d[2468]'));
  if (node.format === 'date' || isoDate) return dateMs(d).map(localDate);
  if (node.format === 'date-time' || isoDateTime) return instantOf(d);
  if (node.format === 'uuid') return fc.uuid();
  // Free text declares the control characters it refuses as a pattern; real text (below) never holds them.
  if (node.pattern && !textChars.every((ch) => new RegExp(node.pattern!).test(ch))) return fc.stringMatching(new RegExp(node.pattern));
  const min = node.minLength ?? 0;
  const max = node.maxLength ?? 200;
  return fc.oneof(
    { arbitrary: fc.string({ unit: textUnit, minLength: min, maxLength: Math.min(max, 30) }), weight: 9 },
    { arbitrary: fc.string({ unit: textUnit, minLength: max, maxLength: max }), weight: 1 },
  );
}

/** Characters of real free text: Latin and Chinese letters, digits, punctuation, spaces, newlines and tabs. */
const latinChars = 'abcdefghijklmnopqrstuvwxyzABC0123456789 ,.-()/'.split('');
const chineseChars = '张王李某街道社区派出所整改纠纷调解，。、（）'.split('');
const spacingChars = ['\n', '\t', ' ', '😀'];
const textChars = [...latinChars, ...chineseChars, ...spacingChars];
const textUnit = fc.oneof(fc.constantFrom(...latinChars), fc.constantFrom(...chineseChars), fc.constantFrom(...spacingChars));

function dateMs(d: Derivation): fc.Arbitrary<number> {
  return fc.oneof(
    { arbitrary: fc.integer({ min: -400, max: 400 }).map((n) => d.around + n * day), weight: 32 },
    { arbitrary: fc.integer({ min: earliest, max: latest }), weight: d.anywhere ?? 4 },
    { arbitrary: fc.constantFrom(earliest, latest), weight: d.anywhere ?? 4 },
  );
}

function instantOf(d: Derivation): fc.Arbitrary<string> {
  const shifted = (ms: number, offsetHours: number) => {
    const local = formatInstant(ms + (offsetHours - 8) * 3_600_000).slice(0, 19);
    if (offsetHours === 0) return `${local}Z`;
    const sign = offsetHours < 0 ? '-' : '+';
    return `${local}${sign}${String(Math.abs(offsetHours)).padStart(2, '0')}:00`;
  };
  return fc
    .tuple(dateMs(d), fc.integer({ min: 0, max: day - 1 }), fc.constantFrom(8, 8, 8, 0, -5, 14))
    .map(([date, time, offset]) => shifted(Math.min(Math.max(date - (date % day) + time, earliest), latest), offset));
}

function hostileOf(node: JsonSchema, valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  const wrong = fc.constantFrom(...hostileStrings, ...hostileScalars);
  if (node.type === 'array') {
    const items = valid as fc.Arbitrary<unknown[]>;
    return fc.oneof(
      wrong,
      // The same item twice, and more items than allowed.
      items.filter((a) => a.length > 0).map((a) => [...a, a[0]]),
      items.filter((a) => a.length > 0).map((a) => Array.from({ length: (node.maxItems ?? 50) + 1 }, () => a[0])),
    );
  }
  if (node.type === 'object') {
    const objects = valid as fc.Arbitrary<Record<string, unknown>>;
    const keys = Object.keys(node.properties ?? {});
    return fc.oneof(
      wrong,
      objects.map((o) => ({ ...o, extra: 'field', constructor: { prototype: 1 } })),
      keys.length
        ? fc.tuple(objects, fc.constantFrom(...keys)).map(([o, key]) => Object.fromEntries(Object.entries(o).filter(([k]) => k !== key)))
        : wrong,
    );
  }
  return wrong;
}

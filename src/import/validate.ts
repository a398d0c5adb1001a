import { caseIdOf } from '../case/contract';
import { fingerprint } from '../case/fingerprint';
import { type CaseStart, caseStartSchema } from '../procedures/index';

/** A bad line of an import file: its number (from 1), the field (a dotted path; `line` for the line itself) and why. */
export interface LineError {
  line: number;
  field: string;
  message: string;
}

export interface ValidStart {
  line: number;
  caseId: string;
  start: CaseStart;
}

/**
 * Validates every line of an NDJSON import (one case start per line, as POST /v1/cases takes it) before anything is
 * started, and reports every bad line; blank lines are skipped.
 */
export function validateLines(text: string): { valid: ValidStart[]; errors: LineError[] } {
  const entries: Array<{ line: number; value: unknown }> = [];
  const errors: LineError[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    if (!raw.trim()) return;
    try {
      entries.push({ line: index + 1, value: JSON.parse(raw) });
    } catch {
      errors.push({ line: index + 1, field: 'line', message: 'not a JSON object' });
    }
  });
  const checked = validateStarts(entries);
  return { valid: checked.valid, errors: [...errors, ...checked.errors].sort((a, b) => a.line - b.line) };
}

/** Validates parsed starts, each with its line (or item) number; the same case twice with other content is an error. */
export function validateStarts(entries: Array<{ line: number; value: unknown }>): { valid: ValidStart[]; errors: LineError[] } {
  const valid: ValidStart[] = [];
  const errors: LineError[] = [];
  const seen = new Map<string, { line: number; digest: string }>();
  for (const { line, value } of entries) {
    const parsed = caseStartSchema.safeParse(value);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) errors.push({ line, field: issue.path.join('.') || 'line', message: issue.message });
      continue;
    }
    const caseId = caseIdOf(parsed.data.procedure, parsed.data.caseNumber);
    const digest = fingerprint(parsed.data);
    const first = seen.get(caseId);
    if (first && first.digest !== digest) {
      errors.push({ line, field: 'caseNumber', message: `case ${caseId} is on line ${first.line} with other content` });
      continue;
    }
    if (first) continue;
    seen.set(caseId, { line, digest });
    valid.push({ line, caseId, start: parsed.data });
  }
  return { valid, errors };
}

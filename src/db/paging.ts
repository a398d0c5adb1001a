/**
 * Keyset paging: a page ends with the sort key of its last row, given back as an opaque cursor; the next page starts
 * strictly after it, so rows written meanwhile never shift a page or repeat a row.
 */

/** The cursor of a sort key (its values as the query compares them). */
export function encodeCursor(key: readonly string[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** The sort key a cursor carries, or undefined when it is not one of ours with `length` values. */
export function decodeCursor(cursor: string, length: number): string[] | undefined {
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Array.isArray(key) || key.length !== length || !key.every((v) => typeof v === 'string' && v.length <= 200)) return undefined;
    return key;
  } catch {
    return undefined;
  }
}

/** A page of rows and, when more may follow, the cursor of the next. */
export interface Page<T> {
  rows: T[];
  nextCursor?: string;
}

/** Cuts the `limit + 1` rows a query fetched to a page: the extra row only says that another page exists. */
export function pageOf<R, T>(fetched: R[], limit: number, row: (r: R) => T, key: (r: R) => string[]): Page<T> {
  const rows = fetched.slice(0, limit);
  return {
    rows: rows.map(row),
    nextCursor: fetched.length > limit ? encodeCursor(key(rows[rows.length - 1])) : undefined,
  };
}

/**
 * The WHERE clause of a list, built from the filters given: each condition only when its filter is set, with its
 * values as parameters, so the planner sees exactly the predicates it can match to an index.
 */
export class Conditions {
  readonly params: unknown[] = [];
  private readonly clauses: string[] = [];

  /** A placeholder for `value`. */
  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  /** Adds `clause(placeholder)` when `value` is set. */
  when<T>(value: T | undefined, clause: (placeholder: string, value: T) => string): this {
    if (value !== undefined) this.clauses.push(clause(this.param(value), value));
    return this;
  }

  /** Adds a clause without parameters, when given. */
  add(clause: string | undefined): this {
    if (clause !== undefined) this.clauses.push(clause);
    return this;
  }

  /** `column` equal to one of `values` (= for one, so an index on it keeps its order). */
  oneOf(column: string, values: string[] | undefined): this {
    if (values !== undefined)
      this.clauses.push(values.length === 1 ? `${column} = ${this.param(values[0])}` : `${column} = ANY(${this.param(values)})`);
    return this;
  }

  get where(): string {
    return this.clauses.length ? `WHERE ${this.clauses.join(' AND ')}` : '';
  }
}

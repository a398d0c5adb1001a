import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import { formatInstant } from '../case/legal-time';

/**
 * What an audit row records: an accepted action (written by the case), or an access the API saw — a refused attempt
 * (wrong role, another station's case, an actor not the caller's, an action the case rejected), a calendar load, a read
 * that carried personal data unmasked.
 */
export type AuditKind = 'action' | 'case-started' | 'system' | 'refused' | 'calendar-loaded' | 'unmasked-read' | 'redelivered';
/** What the API writes; the case writes its actions, its start and what it did on its own. */
export type AccessKind = Exclude<AuditKind, 'action' | 'case-started' | 'system'>;

/** The chains of events that concern no case: calendar loads, and refusals or reads outside any case. */
export type NamedChain = 'calendar' | 'access';

/** An access the API records; the actor is always the verified caller. */
export interface AccessEntry {
  kind: AccessKind;
  actor: string;
  /** The role the actor acted in. */
  role?: string;
  /** The case it concerns, whose chain it joins; none: the named chain. */
  caseId?: string;
  chain?: NamedChain;
  /** The action type it concerns, if any. */
  type?: string;
  /** When the request arrived. */
  at: Date;
  /** What happened, never a request body: route, status, reason, year and version. */
  details: Record<string, unknown>;
}

/** A row of a chain as the API shows it, with the hashes that link it. */
export interface AuditRow {
  id: string;
  kind: AuditKind;
  caseId?: string;
  actionId?: string;
  type?: string;
  actor: string;
  role?: string;
  at: string;
  receivedAt: string;
  recordedAt: string;
  payload: unknown;
  prevHash: string | null;
  hash: string;
}

/** Whether every row's hash and link match a recomputation; otherwise the first row that does not. */
export type ChainCheck = { verified: true; rows: number } | { verified: false; rows: number; firstBrokenId: string };

/** Whether the case accepted an action with this id: the audit log holds one row per accepted action. */
export async function actionRecorded(pool: Pick<Pool, 'query'>, caseId: string, actionId: string): Promise<boolean> {
  const { rowCount } = await pool.query("SELECT 1 FROM audit_log WHERE case_id = $1 AND action_id = $2 AND kind = 'action'", [caseId, actionId]);
  return Boolean(rowCount);
}

/** Appends an access to its case's chain or to its named chain; the database links and hashes it. */
export async function recordAccess(pool: Pick<Pool, 'query'>, entry: AccessEntry): Promise<void> {
  const chain = entry.caseId ?? entry.chain ?? (entry.kind === 'calendar-loaded' ? 'calendar' : 'access');
  await pool.query(
    `INSERT INTO audit_log (chain, kind, case_id, type, actor, role, at, received_at, payload) VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8)`,
    [chain, entry.kind, entry.caseId ?? null, entry.type ?? null, entry.actor, entry.role ?? null, entry.at, entry.details],
  );
}

/** A chain's rows in order (a case id, or a named chain) and whether the chain verifies. */
export async function auditChain(pool: Pick<Pool, 'query'>, chain: string): Promise<{ rows: AuditRow[]; chain: ChainCheck }> {
  const { rows } = await pool.query(
    `SELECT a.id::text, a.kind, a.case_id, a.action_id, a.type, a.actor, a.role, a.at, a.received_at, a.recorded_at, a.payload, a.prev_hash, a.hash,
            audit_log_canonical(a) AS canonical
       FROM audit_log a WHERE a.chain = $1 ORDER BY a.id`,
    [chain],
  );
  return {
    rows: rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      caseId: r.case_id ?? undefined,
      actionId: r.action_id ?? undefined,
      type: r.type ?? undefined,
      actor: r.actor,
      role: r.role ?? undefined,
      at: formatInstant(r.at.getTime()),
      receivedAt: formatInstant(r.received_at.getTime()),
      recordedAt: formatInstant(r.recorded_at.getTime()),
      payload: r.payload,
      prevHash: r.prev_hash,
      hash: r.hash,
    })),
    chain: verifyChain(rows.map((r) => ({ id: r.id, prevHash: r.prev_hash, hash: r.hash, canonical: r.canonical }))),
  };
}

/**
 * Walks a chain oldest first: each row must link to the hash of the row before it (the first to none), and its stored
 * hash must be the sha256 of its canonical rendering, recomputed here rather than trusted from the database. A row
 * altered in place breaks its own hash; one removed, or altered with its hash recomputed, breaks the next row's link.
 */
export function verifyChain(rows: ReadonlyArray<{ id: string; prevHash: string | null; hash: string; canonical: string }>): ChainCheck {
  let previous: string | null = null;
  for (const row of rows) {
    const recomputed = createHash('sha256').update(row.canonical, 'utf8').digest('hex');
    if (row.prevHash !== previous || row.hash !== recomputed) return { verified: false, rows: rows.length, firstBrokenId: row.id };
    previous = row.hash;
  }
  return { verified: true, rows: rows.length };
}

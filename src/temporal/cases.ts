import { createHash } from 'node:crypto';
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import type { CalendarYear } from '../case/calendar';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { type ActionEnvelope, type CaseView, caseIdOf, caseViewQuery, submitActionUpdate } from '../case/contract';
import { canonicalJson, fingerprint } from '../case/fingerprint';
import { type CaseStart, policyInForce, procedureTitlesZh, workflowTypes } from '../procedures/index';
import { caseProcedureKey, caseStatusKey, officerIdKey, overdueCountKey, recordsBlockedSinceKey, stationIdKey } from '../domain/search-attributes';

export type StartOutcome = { caseId: string; created: true } | { caseId: string; created: false } | { caseId: string; conflict: true };

/**
 * Starts the case's workflow once: the workflow id is derived from (procedure, case number), and the digest of
 * the first start request rides in the memo, so a repeated arrival is recognised as the same or as a conflict.
 */
export async function startCase(
  client: Client,
  taskQueue: string,
  start: CaseStart,
  calendar: CalendarYear[],
  startedBy: { actor: string; role: string },
): Promise<StartOutcome> {
  const caseId = caseIdOf(start.procedure, start.caseNumber);
  const inputDigest = fingerprint(start);
  const inputSha256 = createHash('sha256').update(canonicalJson(start), 'utf8').digest('hex');
  try {
    await client.workflow.start(workflowTypes[start.procedure], {
      taskQueue,
      workflowId: caseId,
      args: [{ ...caseArgs(start, calendar), startedBy: { ...startedBy, inputSha256 } }],
      memo: { inputDigest },
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      workflowIdConflictPolicy: 'FAIL',
      typedSearchAttributes: [
        { key: caseProcedureKey, value: start.procedure },
        { key: stationIdKey, value: start.stationId },
        { key: officerIdKey, value: start.officerId },
        { key: caseStatusKey, value: 'open' },
        { key: overdueCountKey, value: 0 },
      ],
      staticSummary: `${procedureTitlesZh[start.procedure]} · 案件 ${start.caseNumber} · 派出所 ${start.stationId} · 民警 ${start.officerId}`,
    });
    return { caseId, created: true };
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    const description = await client.workflow.getHandle(caseId).describe();
    return description.memo?.inputDigest === inputDigest ? { caseId, created: false } : { caseId, conflict: true };
  }
}

/** The input of a case's workflow: the start, the calendar in force and the policy pinned for its whole life. */
export function caseArgs<S extends Pick<CaseStart, 'procedure'>>(start: S, calendar?: CalendarYear[]) {
  return { start, calendar, policy: policyInForce(start.procedure) };
}

/** The case as its workflow sees it now. */
export async function readCase(client: Client, caseId: string): Promise<CaseView> {
  return client.workflow.getHandle(caseId).query(caseViewQuery);
}

/**
 * Where a case belongs now, its station and the officer it is assigned to, from its search attributes (one describe
 * call), or from its view when a case carries none; undefined when there is no such case.
 */
export async function caseAssignmentOf(client: Client, caseId: string): Promise<{ stationId: string; officerId?: string } | undefined> {
  try {
    const attributes = (await client.workflow.getHandle(caseId).describe()).typedSearchAttributes;
    const stationId = attributes?.get(stationIdKey);
    if (stationId !== undefined) return { stationId, officerId: attributes?.get(officerIdKey) };
    const { officerId, stationId: viewStation } = await readCase(client, caseId);
    return { stationId: viewStation, officerId };
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}

export type ActionOutcome = { view: CaseView } | { closed: true };

/**
 * The Update id of an action: what it is and who reported it, in words, for the Temporal UI's timeline (SDK 1.24 puts
 * no summary on an Update, and its name is the one handler's), then its actionId and content, so the server answers a
 * retried request with the first result, while the same actionId with other content reaches the case's validator and
 * is refused there. The actor is the token's subject, an id, never a name.
 */
export function updateIdOf(action: ActionEnvelope): string {
  return `${action.type} by ${action.actor} · ${action.actionId}/${fingerprint(action)}`;
}

/**
 * Delivers an action as an Update, so a retried request is answered, not applied twice.
 * A case that has already ended takes no Update: the caller decides between "already recorded" and "closed".
 */
export async function submitAction(client: Client, caseId: string, action: ActionEnvelope): Promise<ActionOutcome> {
  const handle = client.workflow.getHandle(caseId);
  const sealed = { ...action, caseId };
  try {
    return { view: await handle.executeUpdate(submitActionUpdate, { args: [sealed], updateId: updateIdOf(sealed) }) };
  } catch (err) {
    if (await isClosed(client, caseId, err)) return { closed: true };
    throw err;
  }
}

async function isClosed(client: Client, caseId: string, err: unknown): Promise<boolean> {
  if (!(err instanceof WorkflowNotFoundError) && !/completed|closed/i.test(String((err as Error)?.message))) return false;
  try {
    const { status } = await client.workflow.getHandle(caseId).describe();
    return status.name !== 'RUNNING';
  } catch {
    return false;
  }
}

export interface BlockedCase {
  caseId: string;
  procedure?: string;
  stationId?: string;
  officerId?: string;
  recordsBlockedSince: string;
}

/**
 * The open cases (of `stationIds`, when given) that cannot write their records, longest blocked first. Read from Temporal's visibility, since the
 * read model is what they cannot write.
 */
export async function casesWithBlockedRecords(client: Client, limit: number, stationIds?: string[]): Promise<BlockedCase[]> {
  const blocked: BlockedCase[] = [];
  if (stationIds?.length === 0) return blocked;
  // Station ids are system ids (letters, digits, '.', '_', '-'): nothing in them can end the quoted string.
  const ofStations = stationIds ? ` AND ${stationIdKey.name} IN (${stationIds.map((s) => `'${s}'`).join(', ')})` : '';
  const query = `ExecutionStatus = 'Running' AND ${recordsBlockedSinceKey.name} IS NOT NULL${ofStations}`;
  for await (const execution of client.workflow.list({ query })) {
    const since = execution.typedSearchAttributes.get(recordsBlockedSinceKey);
    if (!since) continue;
    blocked.push({
      caseId: execution.workflowId,
      procedure: execution.typedSearchAttributes.get(caseProcedureKey),
      stationId: execution.typedSearchAttributes.get(stationIdKey),
      officerId: execution.typedSearchAttributes.get(officerIdKey),
      recordsBlockedSince: since.toISOString(),
    });
  }
  return blocked.sort((a, b) => a.recordsBlockedSince.localeCompare(b.recordsBlockedSince)).slice(0, limit);
}

/**
 * What a supervisor sees of a case in the Temporal UI besides its history: the current details and the search
 * attributes, published when they change, and the one-line summary of each flush in the timeline. Never personal data.
 */
import { setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import type { FlushInput } from '../activities/records';
import type { IssuedNotice } from '../src/case/obligation';
import { caseStatusKey, nextDueAtKey, officerIdKey, overdueCountKey, recordsBlockedSinceKey } from '../src/domain/search-attributes';
import type { AnyCase } from '../src/case/case';

/**
 * Publishes what a supervisor sees in the Temporal UI: the current details (which ride on the workflow task) when they
 * changed, and the search attributes (an event in the history) only when they changed.
 */
export function supervisorView(kase: AnyCase): () => void {
  let published = '';
  let detailed = '';
  return () => {
    const { state, engine } = kase;
    const nextDue = engine.nextDueAt();
    const attributes = { status: state.status, overdue: engine.overdueCount(), nextDue, blocked: state.recordsBlockedSince, officer: kase.officerId };
    const details = kase.details();
    if (details !== detailed) setCurrentDetails(details);
    detailed = details;
    const now = JSON.stringify(attributes);
    if (now === published) return;
    upsertSearchAttributes([
      { key: caseStatusKey, value: state.status },
      { key: officerIdKey, value: kase.officerId },
      { key: overdueCountKey, value: attributes.overdue },
      { key: nextDueAtKey, value: nextDue === undefined ? null : new Date(nextDue) },
      { key: recordsBlockedSinceKey, value: state.recordsBlockedSince === undefined ? null : new Date(state.recordsBlockedSince) },
    ]);
    published = now;
  };
}

/** The flush's line in the timeline: what it writes, never personal data (action types and notice titles only). */
export function flushSummary(notices: IssuedNotice[], audit: FlushInput['audit']): string {
  const parts = [
    ...audit.map((a) => (a.kind === 'case-started' ? '记录案件开始' : `记录行动：${a.type}`)),
    ...notices.map((n) => `写入通知：${n.titleZh} → ${n.recipient}`),
    '更新案件读模型',
  ];
  return parts.join('；');
}

/**
 * beatflow's own series, counted by the case where it decides: through the workflow's metric meter, which the SDK
 * skips while replaying, so each event is counted once however often a history is replayed. The worker exports them
 * beside the SDK's own (labels: workflowType, namespace, taskQueue, and the notice's kind); never personal data.
 */
import { metricMeter } from '@temporalio/workflow';
import type { IssuedNotice } from '../src/case/obligation';

interface Observed {
  engine: { notices: readonly IssuedNotice[]; all(): { id: string; status: string }[] };
}

const escalationKinds = new Set(['overdue-escalation', 'supervisor-escalation']);

const overdueIds = (kase: Observed) =>
  kase.engine
    .all()
    .filter((o) => o.status === 'overdue')
    .map((o) => o.id);

/**
 * Counts, each time it is called, what the case did since the last call: duties that fired (a reminder, an overdue
 * mark, an escalation, a system duty's notice), duties newly overdue, escalations. A new case starts from nothing (a
 * case begun after a deadline passed counts it); a run continued as new starts from what it carried, counted before.
 */
export function caseCounter(kase: Observed, carried: boolean): () => void {
  const overdueSeen = new Set(carried ? overdueIds(kase) : []);
  let noticesSeen = carried ? kase.engine.notices.length : 0;
  return () => {
    const overdue = overdueIds(kase).filter((id) => !overdueSeen.has(id));
    if (overdue.length) {
      for (const id of overdue) overdueSeen.add(id);
      metricMeter.createCounter('beatflow_duties_overdue', 'duties', 'Duties that became overdue').add(overdue.length);
    }
    const issued = kase.engine.notices.slice(noticesSeen);
    noticesSeen = kase.engine.notices.length;
    // A duty's notice has the key `<duty>/<due>/<kind>/<recipient>`; an action's starts with `action/`.
    const fired = new Set(issued.filter((n) => !n.key.startsWith('action/')).map((n) => n.key.slice(0, n.key.lastIndexOf('/'))));
    if (fired.size) metricMeter.createCounter('beatflow_duties_fired', 'duties', 'Duties that fired a notice when their time came').add(fired.size);
    const escalations = metricMeter.createCounter('beatflow_escalations', 'notices', 'Escalations to the station leader or the supervisor');
    for (const notice of issued) if (escalationKinds.has(notice.kind)) escalations.add(1, { kind: notice.kind });
  };
}

/** A notice the case wrote to the outbox. */
export function countNoticeWritten(kind: string): void {
  metricMeter.createCounter('beatflow_notices_written', 'notices', 'Notices written to the outbox').add(1, { kind });
}

/** A case that could not write its records and says so (RecordsBlockedSince); counted once per blocked spell. */
export function countRecordsBlocked(): void {
  metricMeter.createCounter('beatflow_records_blocked', 'cases', 'Cases whose records could not be written').add(1);
}

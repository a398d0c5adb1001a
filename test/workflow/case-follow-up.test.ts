import { randomUUID } from 'node:crypto';
import type { CaseView } from '../../src/case/contract';
import type { FollowUpRecords } from '../../src/procedures/case-follow-up/descriptor';
import type { FollowUpStart } from '../../src/procedures/case-follow-up/schema';
import { formatInstant, parseInstant } from '../../src/case/legal-time';
import { useCaseHarness } from '../support/case-harness';
import { act, action, inReminderWindow, noticesOf, obligation, view } from '../support/cases';

const hour = 3_600_000;

const harness = useCaseHarness();

/** A criminal case filed an hour before the test server's clock. */
function followUpStart(now: number): FollowUpStart {
  return {
    procedure: 'case-follow-up',
    caseNumber: `XA-${randomUUID().slice(0, 8)}`,
    stationId: 'S-01',
    officerId: 'P-20931',
    caseKind: 'criminal',
    filedAt: formatInstant(now - hour),
    victimCount: 1,
  };
}

// The legal dates are pinned in the simulator; this test keeps what only Temporal shows: the timers on the server,
// the notices through the outbox activity, and a history for the replay test.
test('filing visit finds a major risk, the case is concluded, the reminder fires on the server, the conclusion visit ends the case', async () => {
  await harness.withCase(followUpStart, async (handle) => {
    let v = await act(handle, action({ type: 'visited', visit: 'filing', covered: ['informed-progress', 'risk-assessment'], riskFound: true }));
    expect(obligation(v, 'filing-visit')).toMatchObject({ status: 'done', late: false });
    expect(noticesOf(v, 'major-risk')).toEqual([expect.objectContaining({ recipient: 'station-leader', obligationKey: 'filing-visit' })]);

    v = await act(handle, action({ type: 'case-concluded', actor: 'station-system' }));
    const due = parseInstant(obligation(v, 'conclusion-visit').dueAt);

    // Time-skip to noon of the last day, past any morning reminder: the officer has been reminded of the conclusion visit.
    await harness.skipTo(due - 12 * hour);
    v = await view(handle);
    expect(noticesOf(v, 'reminder')).toEqual([expect.objectContaining({ recipient: 'officer', obligationKey: 'conclusion-visit' })]);
    expect(inReminderWindow(noticesOf(v, 'reminder')[0].createdAt, due)).toBe(true);

    v = await act(handle, action({ type: 'visited', visit: 'conclusion', covered: ['informed-decision', 'heard-opinions'] }));
    expect(v).toMatchObject({ status: 'closed', outcome: 'followed-up' });
    const result = await harness.resultOf<CaseView<FollowUpRecords>>(handle);
    expect(result.records.kpi).toEqual({ filing: 'on-time', conclusion: 'on-time' });
    expect(result.notices.filter((n) => n.kind === 'overdue-escalation' || n.kind === 'supervisor-escalation')).toEqual([]);
    await harness.recordHistory(handle, 'case-follow-up-concluded');
    const { rows } = await harness.pool.query('SELECT kind, recipient FROM notices WHERE case_id = $1 ORDER BY kind', [handle.workflowId]);
    expect(rows).toEqual([
      { kind: 'major-risk', recipient: 'station-leader' },
      { kind: 'reminder', recipient: 'officer' },
    ]);
  });
});

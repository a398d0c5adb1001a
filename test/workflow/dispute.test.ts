import type { WorkflowHandle } from '@temporalio/client';
import type { CaseView } from '../../src/case/contract';
import { useCaseHarness } from '../support/case-harness';
import { act, action, disputeStart, fakeActivities, obligation } from '../support/cases';

// The legal paths of the dispute procedure are tested on the simulator (test/simulator/dispute.test.ts), the runtime
// (timers, the Update path, continue-as-new, the flush) in case-runtime.test.ts. Here the dispute's history for replay.

const hour = 3_600_000;
const day = 24 * hour;

const harness = useCaseHarness();

const resultOf = (handle: WorkflowHandle) => harness.resultOf<CaseView>(handle);
const iso = (ms: number) => new Date(ms).toISOString();

/** Skips to `at` in whole seconds and returns it, for an action reported as having happened then. */
async function moment(at: number): Promise<number> {
  const t = Math.floor(at / 1000) * 1000;
  await harness.skipTo(t);
  return t;
}

test('on-site mediation resolved, visited four days before the deadline (before any reminder), closed: the workflow returns the closed case; only its actions and read model were written (history dispute-resolved-on-site)', async () => {
  const fakes = fakeActivities();
  await harness.withCase(
    (now) => disputeStart(now),
    async (handle, _s, now) => {
      await act(handle, action({ type: 'triaged', decision: 'intervene' }));
      const mediatedAt = await moment(now + 2 * hour);
      const v = await act(handle, action({ type: 'mediated-on-site', at: iso(mediatedAt), outcome: 'resolved' }));
      const visitDue = Date.parse(obligation(v, 'follow-up-visit', '1').dueAt);

      // Before half of the visit's 7 days have passed: no reminder is owed yet (it comes in the second half).
      await harness.skipTo(visitDue - 4 * day);
      await act(handle, action({ type: 'follow-up-visited' }));
      await act(handle, action({ type: 'closed' }));
      const result = await resultOf(handle);
      expect(result).toMatchObject({ status: 'closed', outcome: 'resolved' });
      await harness.recordHistory(handle, 'dispute-resolved-on-site');
      expect(obligation(result, 'follow-up-visit', '1')).toMatchObject({ status: 'done', late: false });

      expect(fakes.noticeWritten).not.toHaveBeenCalled();
      expect(fakes.actionRecorded.mock.calls.map(([entry]) => entry.type)).toEqual(['triaged', 'mediated-on-site', 'follow-up-visited', 'closed']);
      expect(fakes.caseSaved.mock.calls.at(-1)?.[0].view).toMatchObject({ status: 'closed', outcome: 'resolved' });
    },
    { activities: fakes },
  );
});

/**
 * Temporal's side of every case: the action Update with its validator, the calendar signal, the view query, the main
 * loop that wakes the case when a duty's time comes, the outbox of side effects (notices, audit, read model), the
 * supervisor's view (search attributes, current details) and continue-as-new. What the case decides is in ./case.
 */
import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { CaseActivities } from '../activities';
import { type ActionEnvelope, type CaseView, calendarChangedSignal, caseStartRejected, caseViewQuery, submitActionUpdate } from '../src/domain/case';
import { fingerprint } from '../src/domain/fingerprint';
import { caseStatusKey, nextDueAtKey, overdueCountKey } from '../src/domain/search-attributes';
import { type CaseArgs, type CaseStartFields, type ProcedureDefinition, Case } from './case';

const { issueNotice, recordAction, saveCase } = proxyActivities<CaseActivities>({
  startToCloseTimeout: '30 seconds',
  // Notices and the record must eventually land: retry until the database is back, never give up.
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

/** Cases continue as new well before Temporal's own limits, so that years-long cases replay fast. */
const defaultMaxHistoryEvents = 1_000;

/** A procedure's workflow function; it carries its definition so tests and the registry can find it. */
export interface CaseWorkflow<S extends CaseStartFields, A extends ActionEnvelope, R, P extends Record<string, number>> {
  (args: CaseArgs<S, R>): Promise<CaseView<R>>;
  definition: ProcedureDefinition<S, A, R, P>;
}

/** The workflow function of a procedure: export it from workflows/index.ts under the descriptor's workflow type. */
export function caseWorkflow<S extends CaseStartFields, A extends ActionEnvelope, R, P extends Record<string, number>>(
  definition: ProcedureDefinition<S, A, R, P>,
): CaseWorkflow<S, A, R, P> {
  return Object.assign((args: CaseArgs<S, R>) => runCase(definition, args), { definition });
}

/** The case, begun or carried over; a start the procedure cannot begin fails the case with the reason, not its task forever. */
function startedCase<S extends CaseStartFields, A extends ActionEnvelope, R, P extends Record<string, number>>(
  definition: ProcedureDefinition<S, A, R, P>,
  args: CaseArgs<S, R>,
): Case<S, A, R, P> {
  try {
    return new Case(definition, workflowInfo().workflowId, args, () => Date.now());
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw ApplicationFailure.create({ type: caseStartRejected, message: `the case cannot start: ${reason}`, nonRetryable: true });
  }
}

/** Runs one case of a procedure to its end, across as many runs as its history needs. */
export async function runCase<S extends CaseStartFields, A extends ActionEnvelope, R, P extends Record<string, number>>(
  definition: ProcedureDefinition<S, A, R, P>,
  args: CaseArgs<S, R>,
): Promise<CaseView<R>> {
  const kase = startedCase(definition, args);
  const { state, engine, caseId } = kase;

  setHandler(caseViewQuery, () => kase.view());
  setHandler(calendarChangedSignal, (year) => kase.changeCalendar(year));
  setHandler(submitActionUpdate, (action) => kase.accept(action as A), {
    validator: (action) => {
      const rejection = kase.rejection(action as A);
      if (rejection) throw ApplicationFailure.create(rejection);
    },
    description: 'An officer or the station system reports a completed action',
  });

  let published = '';
  const flush = async () => {
    while (state.noticesWritten < engine.notices.length) {
      const notice = engine.notices[state.noticesWritten];
      await issueNotice.executeWithOptions({ startToCloseTimeout: '30 seconds', summary: `发出通知：${notice.titleZh} → ${notice.recipient}` }, [
        { caseId, ...notice },
      ]);
      state.noticesWritten++;
    }
    while (state.audit.length) {
      await recordAction.executeWithOptions({ startToCloseTimeout: '30 seconds', summary: `记录行动：${state.audit[0].type}` }, [
        { caseId, ...state.audit[0] },
      ]);
      state.audit.shift();
    }
    const current = kase.view();
    const fingerprintNow = fingerprint({ ...current, run: 0 });
    if (fingerprintNow !== published) {
      setCurrentDetails(kase.details());
      await saveCase.executeWithOptions({ startToCloseTimeout: '30 seconds', summary: '更新案件读模型' }, [
        { view: current, revision: state.revision },
      ]);
      const nextDue = engine.nextDueAt();
      upsertSearchAttributes([
        { key: caseStatusKey, value: state.status },
        { key: overdueCountKey, value: engine.overdueCount() },
        { key: nextDueAtKey, value: nextDue === undefined ? null : new Date(nextDue) },
      ]);
      published = fingerprintNow;
    }
  };

  const maxHistoryEvents = args.maxHistoryEvents ?? defaultMaxHistoryEvents;
  for (;;) {
    if (kase.fire()) state.revision++;
    const seen = state.revision;
    await flush();
    // An action that arrived while the flush awaited its activities has effects still to write.
    if (state.revision !== seen) continue;
    if (state.status === 'closed') break;
    const info = workflowInfo();
    if (info.continueAsNewSuggested || info.historyLength >= maxHistoryEvents) {
      await condition(allHandlersFinished);
      if (state.revision !== seen) continue;
      await continueAsNew<(a: CaseArgs<S, R>) => Promise<CaseView<R>>>({ ...args, carried: kase.carry() });
    }
    const wake = engine.nextWake(Date.now());
    if (wake) await condition(() => state.revision !== seen, Math.max(wake.at - Date.now(), 1), { summary: wake.summary });
    else await condition(() => state.revision !== seen);
  }
  await condition(allHandlersFinished);
  return kase.view();
}

/**
 * Temporal's side of every case: the action Update with its validator, the calendar signal, the view query, the main
 * loop that wakes the case when a duty's time comes, the outbox of side effects (notices, audit, read model) and
 * continue-as-new. What the case decides is in src/case; what a supervisor sees of it in the UI, in ./supervisor-view.
 */
import {
  ApplicationFailure,
  CancellationScope,
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  proxyLocalActivities,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { CaseActivities } from '../activities';
import type { CalendarYear } from '../src/case/calendar';
import {
  type ActionEnvelope,
  type CaseView,
  actionRejected,
  calendarChangedSignal,
  caseStartRejected,
  caseViewQuery,
  submitActionUpdate,
  unsealedReason,
} from '../src/case/contract';
import { type AnyCase, type CaseArgs, type CaseStartFields, type ProcedureDefinition, type Rejection, Case } from '../src/case/case';
import { caseCounter, countNoticeWritten, countRecordsBlocked } from './case-metrics';
import { flushSummary, supervisorView } from './supervisor-view';

// One flush per wake, as a local activity: it runs inside the workflow task that produced the records, so a flush costs
// the history one marker instead of an activity's three events and another workflow task. One attempt per task: a
// local activity's retries would hold the task (and the case's timers and Update answers) while PostgreSQL is down, so
// the case retries on its own timers (flushRetries) and only then says its records are blocked. A worker that dies
// mid-flush leaves the task to another worker, which runs the (idempotent) flush again.
const flushes = proxyLocalActivities<CaseActivities>({ startToCloseTimeout: '30 seconds', retry: { maximumAttempts: 1 } });
const flushRetries = [1_000, 2_000, 4_000];

const minute = 60_000;
const hour = 60 * minute;

/** Cases continue as new well before Temporal's own limits, so that years-long cases replay fast. */
const defaultMaxHistoryEvents = 1_000;
/** No run lives longer: a patch needs only outlive one release's runs before it is deprecated (README, Changing workflow code). */
const maxRunMs = 30 * 24 * hour;

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
  // A start sealed under a key this worker lacks is a configuration fault, not a forgery: the task is retried until the
  // key is configured again, and the case begins then, as it was started.
  if (unsealedReason(args) === 'unknown-key') throw new Error('the case was started under a payload key this worker does not hold');
  if (unsealedReason(args)) {
    throw ApplicationFailure.create({
      type: caseStartRejected,
      message: 'the case cannot start: its start did not come through the API',
      nonRetryable: true,
    });
  }
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

  setHandler(caseViewQuery, () => kase.view());
  setHandler(calendarChangedSignal, (year) => {
    if (unsealedReason(year)) log.warn('a calendar signal that did not come from beatflow was ignored', { reason: unsealedReason(year) });
    else kase.changeCalendar(year);
  });
  setHandler(submitActionUpdate, (action) => kase.accept(action as A), {
    validator: (action) => {
      const rejection = sealRejection(action, kase.caseId) ?? kase.rejection(action as A);
      if (rejection) throw ApplicationFailure.create(rejection);
    },
    description: 'An officer or the station system reports a completed action',
  });

  await runFlushingOncePerWake(kase, args, supervisorView(kase), caseCounter(kase, args.carried !== undefined));
  await condition(allHandlersFinished);
  return kase.view();
}

/**
 * The main loop: fires every duty whose time has come, then sleeps until the next one or until something happens.
 * What a wake (an action, a duty's time, a calendar change) leaves for the database is written by one local activity
 * in one transaction, beside the deadlines: a database that keeps failing delays the records, never a reminder or an
 * escalation, and the case says since when its records are blocked (search attribute, current details, view). The
 * wake timer is re-armed only when the next wake's time changed, not after every action.
 */
async function runFlushingOncePerWake(kase: AnyCase, args: CaseArgs<unknown, unknown>, publish: () => void, count: () => void): Promise<void> {
  const { state, engine, caseId } = kase;
  const pending = () => state.revision !== state.savedRevision || state.noticesWritten < engine.notices.length || state.audit.length > 0;
  let writing = false;
  const flush = async (): Promise<CalendarYear[]> => {
    const notices = engine.notices.slice(state.noticesWritten);
    const audit = state.audit.slice();
    const result = await flushes.flushRecords.executeWithOptions({ summary: flushSummary(notices, audit) }, [
      { caseId, notices, audit, view: kase.view(), revision: state.revision },
    ]);
    state.noticesWritten += notices.length;
    for (const notice of notices) countNoticeWritten(notice.kind);
    state.audit.splice(0, audit.length);
    return result.newerCalendarYears;
  };
  const drain = async () => {
    for (let retryIn = minute, failures = 0; ;) {
      await condition(pending);
      const revision = state.revision;
      writing = true;
      try {
        const newer = await flush();
        writing = false;
        state.savedRevision = revision;
        for (const year of newer) kase.changeCalendar(year);
        retryIn = minute;
        failures = 0;
        recordsUnblocked(state);
      } catch {
        writing = false;
        if (failures < flushRetries.length) {
          await sleep(flushRetries[failures++], { summary: '记录写入失败，重试' });
          continue;
        }
        recordsBlocked(state);
        publish();
        // New work (an action, a duty's time) tries again at once: its record is the one a station waits for. Only a
        // back-off that ran out doubles.
        const failedAt = state.revision;
        const newWork = await retryAfter(retryIn, () => state.revision !== failedAt);
        if (!newWork) retryIn = Math.min(retryIn * 2, hour);
      }
    }
  };
  void drain();

  let timer: { at: number; fired: boolean; scope: CancellationScope } | undefined;
  /** The timer of the next wake: the one armed when its time is unchanged, otherwise a new one (the old one cancelled). */
  const armFor = (wake: { at: number; summary: string } | undefined) => {
    if (timer && !timer.fired && timer.at === wake?.at) return timer;
    if (timer && !timer.fired) timer.scope.cancel();
    if (!wake) return (timer = undefined);
    const armed = { at: wake.at, fired: false, scope: new CancellationScope() };
    armed.scope
      .run(() => sleep(Math.max(wake.at - Date.now(), 1), { summary: wake.summary }))
      .then(
        () => {
          armed.fired = true;
        },
        () => undefined,
      );
    return (timer = armed);
  };

  const maxHistoryEvents = args.maxHistoryEvents ?? defaultMaxHistoryEvents;
  const runEnds = workflowInfo().runStartTime.getTime() + maxRunMs;
  const renewal = { at: runEnds, summary: '案件续跑（每 30 日开始新一段运行）' };
  for (;;) {
    if (kase.fire()) state.revision++;
    count();
    publish();
    if (state.status === 'closed') break;
    const seen = state.revision;
    const info = workflowInfo();
    const next = engine.nextWake(Date.now());
    const armed = armFor(Date.now() < runEnds && (!next || next.at > runEnds) ? renewal : next);
    const woken = () => state.revision !== seen || armed?.fired === true;
    if (info.continueAsNewSuggested || info.historyLength >= maxHistoryEvents || Date.now() >= runEnds) {
      // Once the records are written (or while they are blocked: the next run carries them), between two writes, and
      // never later than the next wake.
      const between = () => allHandlersFinished() && !writing && (!pending() || state.recordsBlockedSince !== undefined);
      await condition(() => between() || woken());
      if (!between() || woken()) continue;
      await continueAsNew<(a: CaseArgs<unknown, unknown>) => Promise<CaseView>>({ ...args, carried: kase.carry() });
    }
    await condition(woken);
  }
  await condition(() => !pending() && allHandlersFinished());
}

/**
 * An action only the API can send: one its codec sealed (not in the clear, not altered) for this case. Whoever reaches
 * Temporal's frontend without the payload keys can neither forge one nor move a sealed one from another case.
 */
function sealRejection(action: ActionEnvelope, caseId: string): Rejection | undefined {
  if (unsealedReason(action)) return { type: actionRejected, message: '操作未经 API 提交，不予受理 (the action did not come through the API)' };
  if (action.caseId !== caseId)
    return { type: actionRejected, message: `操作不属于本案件 (the action was sealed for ${action.caseId ?? 'no case'})` };
  return undefined;
}

/** Sleeps out the back-off (a timer the UI names) unless `woken` holds first; says whether it did. */
async function retryAfter(ms: number, woken: () => boolean): Promise<boolean> {
  const scope = new CancellationScope();
  try {
    return await scope.run(() =>
      Promise.race([sleep(ms, { summary: '记录写入受阻，稍后重试' }).then(() => false), condition(woken).then(() => true)]),
    );
  } finally {
    scope.cancel();
  }
}

/** The case's records could not be written: it says so (once, from the first failure) where supervisors look. */
function recordsBlocked(state: AnyCase['state']): void {
  if (state.recordsBlockedSince !== undefined) return;
  state.recordsBlockedSince = Date.now();
  state.revision++;
  countRecordsBlocked();
}

function recordsUnblocked(state: AnyCase['state']): void {
  if (state.recordsBlockedSince === undefined) return;
  state.recordsBlockedSince = undefined;
  state.revision++;
}

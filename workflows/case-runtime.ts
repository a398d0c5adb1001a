/**
 * Temporal's side of every case: the action Update with its validator, the calendar signal, the view query, the main
 * loop that wakes the case when a duty's time comes, the outbox of side effects (notices, audit, read model), the
 * supervisor's view (search attributes, current details) and continue-as-new. What the case decides is in ./case.
 */
import {
  type ActivityInterfaceFor,
  ApplicationFailure,
  CancellationScope,
  allHandlersFinished,
  condition,
  continueAsNew,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setCurrentDetails,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { CaseActivities } from '../activities';
import type { FlushInput } from '../activities/records';
import type { IssuedNotice } from '../src/case/obligation';
import type { CalendarYear } from '../src/case/calendar';
import {
  type ActionEnvelope,
  type CaseView,
  calendarChangedSignal,
  caseStartRejected,
  caseViewQuery,
  submitActionUpdate,
} from '../src/case/contract';
import { fingerprint } from '../src/case/fingerprint';
import { caseStatusKey, nextDueAtKey, overdueCountKey, recordsBlockedSinceKey } from '../src/domain/search-attributes';
import { type CaseArgs, type CaseStartFields, type ProcedureDefinition, Case } from '../src/case/case';
import { caseCounter, countNoticeWritten, countRecordsBlocked } from './case-metrics';

// Cases started before records drained beside the deadlines retry each write until the database is back.
const retryForever = proxyActivities<CaseActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});
// A few quick attempts, then the case says its records are blocked and tries again later, its deadlines unaffected.
const writes = proxyActivities<CaseActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '10 seconds', maximumAttempts: 4 },
});

// One flush per wake, as a local activity: it runs inside the workflow task that produced the records, so a flush costs
// the history one marker instead of an activity's three events and another workflow task. One attempt per task: a
// local activity's retries would hold the task (and the case's timers and Update answers) while PostgreSQL is down, so
// the case retries on its own timers (flushRetries) and only then says its records are blocked. A worker that dies
// mid-flush leaves the task to another worker, which runs the (idempotent) flush again.
const flushes = proxyLocalActivities<CaseActivities>({ startToCloseTimeout: '30 seconds', retry: { maximumAttempts: 1 } });
const flushRetries = [1_000, 2_000, 4_000];

const minute = 60_000;
const hour = 60 * minute;

type AnyCase = Case<CaseStartFields, ActionEnvelope, unknown, Record<string, number>>;

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

  setHandler(caseViewQuery, () => kase.view());
  setHandler(calendarChangedSignal, (year) => kase.changeCalendar(year));
  setHandler(submitActionUpdate, (action) => kase.accept(action as A), {
    validator: (action) => {
      const rejection = kase.rejection(action as A);
      if (rejection) throw ApplicationFailure.create(rejection);
    },
    description: 'An officer or the station system reports a completed action',
  });

  // Cases recorded before records were written beside the deadlines, or before one flush per wake, replay on the path
  // they took.
  const count = caseCounter(kase, args.carried !== undefined);
  if (patched('records-beside-deadlines')) {
    if (patched('one-flush-per-wake')) await runFlushingOncePerWake(kase, args, supervisorView(kase, true, true), count);
    else await runBesideRecords(kase, args, supervisorView(kase, true), count);
  } else await runWaitingOnRecords(kase, args, supervisorView(kase, false), count);
  await condition(allHandlersFinished);
  return kase.view();
}

/**
 * Publishes what a supervisor sees in the Temporal UI (search attributes, current details) when it changed, or when
 * told to. `attributesApart`: the search attributes (an event in the history) are upserted only when they changed,
 * not with every change of the details (which ride on the workflow task).
 */
function supervisorView(kase: AnyCase, withBlocked: boolean, attributesApart = false): (force?: boolean) => void {
  let published = '';
  let detailed = '';
  return (force = false) => {
    const { state, engine } = kase;
    const nextDue = engine.nextDueAt();
    const attributes = { status: state.status, overdue: engine.overdueCount(), nextDue, blocked: state.recordsBlockedSince };
    const details = kase.details();
    if (attributesApart) {
      if (details !== detailed) setCurrentDetails(details);
      detailed = details;
    }
    const now = attributesApart ? JSON.stringify(attributes) : fingerprint({ attributes, details });
    if (now === published && !force) return;
    if (!attributesApart) setCurrentDetails(details);
    upsertSearchAttributes([
      { key: caseStatusKey, value: state.status },
      { key: overdueCountKey, value: attributes.overdue },
      { key: nextDueAtKey, value: nextDue === undefined ? null : new Date(nextDue) },
      ...(withBlocked
        ? [{ key: recordsBlockedSinceKey, value: state.recordsBlockedSince === undefined ? null : new Date(state.recordsBlockedSince) }]
        : []),
    ]);
    published = now;
  };
}

/** Writes what the case owes the database (notices, audit rows, the read model) in order; each write is idempotent. */
async function writeRecords(
  kase: AnyCase,
  activities: ActivityInterfaceFor<CaseActivities>,
  saved: { fingerprint: string },
): Promise<CalendarYear[]> {
  const { state, engine, caseId } = kase;
  while (state.noticesWritten < engine.notices.length) {
    const notice = engine.notices[state.noticesWritten];
    await activities.issueNotice.executeWithOptions(
      { startToCloseTimeout: '30 seconds', summary: `发出通知：${notice.titleZh} → ${notice.recipient}` },
      [{ caseId, ...notice }],
    );
    state.noticesWritten++;
    countNoticeWritten(notice.kind);
  }
  while (state.audit.length) {
    await activities.recordAction.executeWithOptions({ startToCloseTimeout: '30 seconds', summary: `记录行动：${state.audit[0].type}` }, [
      { caseId, ...state.audit[0] },
    ]);
    state.audit.shift();
  }
  // The read model never holds personal data: it stays in the case (sealed in Temporal by the payload codec).
  const { personal: _personal, ...view } = kase.view();
  const current = fingerprint({ ...view, run: 0 });
  if (current !== saved.fingerprint) {
    const result = await activities.saveCase.executeWithOptions({ startToCloseTimeout: '30 seconds', summary: '更新案件读模型' }, [
      { view, revision: state.revision },
    ]);
    saved.fingerprint = current;
    return result.newerCalendarYears ?? [];
  }
  return [];
}

/**
 * The main loop: fires every duty whose time has come, then sleeps until the next one or until something happens.
 * Records drain beside it: a database that keeps failing delays the records, never a reminder or an escalation; the
 * case says since when its records are blocked (search attribute, current details, view) and retries with backoff.
 */
async function runBesideRecords(kase: AnyCase, args: CaseArgs<unknown, unknown>, publish: () => void, count: () => void): Promise<void> {
  const { state, engine } = kase;
  const saved = { fingerprint: '' };
  const pending = () => state.revision !== state.savedRevision || state.noticesWritten < engine.notices.length || state.audit.length > 0;
  let writing = false;
  const drain = async () => {
    for (let retryIn = minute; ;) {
      await condition(pending);
      const revision = state.revision;
      writing = true;
      try {
        const newer = await writeRecords(kase, writes, saved);
        writing = false;
        state.savedRevision = revision;
        // A calendar year stored since the case last heard (a broadcast that missed it) is applied like the signal.
        for (const year of newer) kase.changeCalendar(year);
        retryIn = minute;
        recordsUnblocked(state);
      } catch {
        writing = false;
        recordsBlocked(state);
        publish();
        await sleep(retryIn, { summary: '记录写入受阻，稍后重试' });
        retryIn = Math.min(retryIn * 2, hour);
      }
    }
  };
  void drain();

  const maxHistoryEvents = args.maxHistoryEvents ?? defaultMaxHistoryEvents;
  for (;;) {
    if (kase.fire()) state.revision++;
    count();
    publish();
    if (state.status === 'closed') break;
    const seen = state.revision;
    const info = workflowInfo();
    const wake = engine.nextWake(Date.now());
    if (info.continueAsNewSuggested || info.historyLength >= maxHistoryEvents) {
      // Once the records are written (or while they are blocked: the next run carries them), between two writes, and
      // never later than the next duty's time.
      const between = () => allHandlersFinished() && !writing && (!pending() || state.recordsBlockedSince !== undefined);
      const ready = wake ? await condition(between, Math.max(wake.at - Date.now(), 1)) : (await condition(between), true);
      if (!ready || state.revision !== seen) continue;
      await continueAsNew<(a: CaseArgs<unknown, unknown>) => Promise<CaseView>>({ ...args, carried: kase.carry() });
    }
    if (wake) await condition(() => state.revision !== seen, Math.max(wake.at - Date.now(), 1), { summary: wake.summary });
    else await condition(() => state.revision !== seen);
  }
  // A closed case ends once everything it owes the database is written.
  await condition(() => !pending() && allHandlersFinished());
}

/**
 * The main loop with one write per wake: what a wake (an action, a duty's time, a calendar change) leaves for the
 * database is written by one local activity in one transaction, beside the deadlines as in runBesideRecords. The wake
 * timer is re-armed only when the next wake's time changed, not after every action.
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
        await sleep(retryIn, { summary: '记录写入受阻，稍后重试' });
        retryIn = Math.min(retryIn * 2, hour);
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
  for (;;) {
    if (kase.fire()) state.revision++;
    count();
    publish();
    if (state.status === 'closed') break;
    const seen = state.revision;
    const info = workflowInfo();
    const armed = armFor(engine.nextWake(Date.now()));
    const woken = () => state.revision !== seen || armed?.fired === true;
    if (info.continueAsNewSuggested || info.historyLength >= maxHistoryEvents) {
      // As in runBesideRecords: once the records are written (or blocked), between two writes, never after the next wake.
      const between = () => allHandlersFinished() && !writing && (!pending() || state.recordsBlockedSince !== undefined);
      await condition(() => between() || woken());
      if (!between() || woken()) continue;
      await continueAsNew<(a: CaseArgs<unknown, unknown>) => Promise<CaseView>>({ ...args, carried: kase.carry() });
    }
    await condition(woken);
  }
  await condition(() => !pending() && allHandlersFinished());
}

/** The loop of cases started before records drained beside the deadlines: each wake writes its records first. */
async function runWaitingOnRecords(
  kase: AnyCase,
  args: CaseArgs<unknown, unknown>,
  publish: (force: boolean) => void,
  count: () => void,
): Promise<void> {
  const { state, engine } = kase;
  const saved = { fingerprint: '' };
  const maxHistoryEvents = args.maxHistoryEvents ?? defaultMaxHistoryEvents;
  for (;;) {
    if (kase.fire()) state.revision++;
    count();
    const seen = state.revision;
    const before = saved.fingerprint;
    await writeRecords(kase, retryForever, saved);
    if (saved.fingerprint !== before) publish(true);
    // An action that arrived while the records were written has effects still to write.
    if (state.revision !== seen) continue;
    if (state.status === 'closed') break;
    const info = workflowInfo();
    if (info.continueAsNewSuggested || info.historyLength >= maxHistoryEvents) {
      await condition(allHandlersFinished);
      if (state.revision !== seen) continue;
      await continueAsNew<(a: CaseArgs<unknown, unknown>) => Promise<CaseView>>({ ...args, carried: kase.carry() });
    }
    const wake = engine.nextWake(Date.now());
    if (wake) await condition(() => state.revision !== seen, Math.max(wake.at - Date.now(), 1), { summary: wake.summary });
    else await condition(() => state.revision !== seen);
  }
  await condition(allHandlersFinished);
}

/** The flush's line in the timeline: what it writes, never personal data (action types and notice titles only). */
function flushSummary(notices: IssuedNotice[], audit: FlushInput['audit']): string {
  const parts = [...audit.map((a) => `记录行动：${a.type}`), ...notices.map((n) => `写入通知：${n.titleZh} → ${n.recipient}`), '更新案件读模型'];
  return parts.join('；');
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

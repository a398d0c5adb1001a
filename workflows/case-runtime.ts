/**
 * What every case workflow shares: the action Update with its validator and idempotency, the main loop that
 * drives the obligation engine, the outbox of side effects, the supervisor's view (search attributes,
 * current details) and continue-as-new. A procedure only declares obligations and reacts to actions.
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
import type { AuditEntry, CaseActivities } from '../activities';
import { type CalendarYear, builtInCalendarYears, WorkingCalendar } from '../src/domain/calendar';
import {
  type ActionEnvelope,
  type CaseView,
  type Procedure,
  actionIdReused,
  actionRejected,
  calendarChangedSignal,
  caseViewQuery,
  procedureTitlesZh,
  submitActionUpdate,
} from '../src/domain/case';
import { fingerprint } from '../src/domain/fingerprint';
import { type DeadlineRule, computeDeadline, formatInstant, parseInstant } from '../src/domain/legal-time';
import { type DueBasis, type EnginePolicy, type Obligation, basisOf, defaultEnginePolicy, isOpen } from '../src/domain/obligation';
import { caseStatusKey, nextDueAtKey, overdueCountKey } from '../src/domain/search-attributes';
import { type EngineState, ObligationEngine } from './obligation-engine';

const { issueNotice, recordAction, saveCase } = proxyActivities<CaseActivities>({
  startToCloseTimeout: '30 seconds',
  // Notices and the record must eventually land: retry until the database is back, never give up.
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

/** Actions may report an act that happened a little earlier, never one in the future. */
const clockSkewMs = 5 * 60_000;
/** Cases continue as new well before Temporal's own limits, so that years-long cases replay fast. */
const defaultMaxHistoryEvents = 1_000;

export interface CaseStartFields {
  procedure: Procedure;
  caseNumber: string;
  stationId: string;
  officerId: string;
}

/** Everything a case carries from one run to the next. */
export interface CaseState<R> {
  startedAt: number;
  status: 'open' | 'closed';
  outcome?: string;
  closedAt?: number;
  records: R;
  policy: Record<string, number>;
  engine: EngineState;
  /** The working-day calendar in force, year by year; later versions arrive by signal. */
  calendar: CalendarYear[];
  /** actionId → fingerprint of the accepted action: the same id again is answered, never applied twice. */
  actions: Record<string, string>;
  audit: AuditEntry[];
  noticesWritten: number;
  revision: number;
  run: number;
}

export interface CaseArgs<S, R> {
  start: S;
  /** The calendar when the case arrived (the API reads it from the database); built-in data when absent. */
  calendar?: CalendarYear[];
  carried?: CaseState<R>;
  /** Continue as new once history reaches this many events (tests force it early). */
  maxHistoryEvents?: number;
}

/** What a procedure sees while it declares obligations and applies actions. */
export interface CaseContext<S, R> {
  readonly start: S;
  readonly records: R;
  readonly engine: ObligationEngine;
  readonly calendar: WorkingCalendar;
  now(): number;
  /** A legal deadline on the case's calendar, with the basis that lets a calendar change recompute it. */
  deadline(rule: DeadlineRule, from: string | number, n: number, sets?: DueBasis['sets']): { at: number; basis: DueBasis };
  close(outcome: string): void;
}

export interface ProcedureDefinition<S extends CaseStartFields, A extends ActionEnvelope, R, P extends Record<string, number>> {
  procedure: Procedure;
  policy: P;
  /** Declares the first obligations and returns the initial records. */
  begin(ctx: Omit<CaseContext<S, R>, 'records'>, policy: P): R;
  /** Why the action cannot be accepted now, or undefined. Must not change anything. */
  check(ctx: CaseContext<S, R>, action: A, at: number, policy: P): string | undefined;
  apply(ctx: CaseContext<S, R>, action: A, at: number, policy: P): void;
  /** Reacts to duties the engine just acted on (a system duty done, a duty overdue, a period opened). */
  onFired?(ctx: CaseContext<S, R>, fired: Obligation[], policy: P): void;
}

/** Runs one case of a procedure to its end, across as many runs as its history needs. */
export async function runCase<S extends CaseStartFields, A extends ActionEnvelope, R, P extends Record<string, number>>(
  definition: ProcedureDefinition<S, A, R, P>,
  args: CaseArgs<S, R>,
): Promise<CaseView<R>> {
  const { start } = args;
  const caseId = workflowInfo().workflowId;
  const enginePolicy = defaultEnginePolicy;
  const policy = (args.carried?.policy ?? { ...definition.policy, ...enginePolicy }) as P & EnginePolicy;
  const state: CaseState<R> = args.carried ?? {
    startedAt: Date.now(),
    status: 'open',
    records: undefined as R,
    policy,
    engine: ObligationEngine.empty(),
    calendar: args.calendar ?? [...builtInCalendarYears],
    actions: {},
    audit: [],
    noticesWritten: 0,
    revision: 1,
    run: 0,
  };
  const engine = new ObligationEngine(state.engine, enginePolicy);
  let calendar = new WorkingCalendar(state.calendar);
  const base = {
    start,
    engine,
    now: () => Date.now(),
    deadline(rule: DeadlineRule, from: string | number, n: number, sets?: DueBasis['sets']) {
      const deadline = computeDeadline(rule, from, n, calendar);
      return { at: deadline.dueMs, basis: basisOf(deadline, sets) };
    },
    close(outcome: string) {
      state.status = 'closed';
      state.outcome = outcome;
      state.closedAt = Date.now();
      engine.cancelOpen(Date.now());
    },
  };
  const ctx = Object.defineProperties(base, {
    records: { get: () => state.records },
    calendar: { get: () => calendar },
  }) as CaseContext<S, R>;
  if (!args.carried) state.records = definition.begin(ctx, policy);

  const view = (): CaseView<R> => caseView(caseId, start, state, engine);

  setHandler(caseViewQuery, view);
  setHandler(calendarChangedSignal, (year) => {
    const held = state.calendar.find((y) => y.year === year.year);
    if (held && held.version >= year.version) return;
    state.calendar = [...state.calendar.filter((y) => y.year !== year.year), year].sort((a, b) => a.year - b.year);
    calendar = new WorkingCalendar(state.calendar);
    const reason = `working-day calendar ${year.year} version ${year.version} loaded (${year.source})`;
    engine.recompute(calendar, Date.now(), reason);
    state.revision++;
  });
  setHandler(
    submitActionUpdate,
    (envelope) => {
      const action = envelope as A;
      if (state.actions[action.actionId] !== undefined) return { ...view(), duplicate: true };
      const at = actionTime(action);
      definition.apply(ctx, action, at, policy);
      fire();
      state.actions[action.actionId] = fingerprint(action);
      state.audit.push({ actionId: action.actionId, type: action.type, actor: action.actor, at, receivedAt: Date.now(), payload: action });
      state.revision++;
      return view();
    },
    {
      validator: (envelope) => {
        const action = envelope as A;
        const seen = state.actions[action.actionId];
        if (seen !== undefined) {
          if (seen === fingerprint(action)) return;
          throw ApplicationFailure.create({ type: actionIdReused, message: `actionId ${action.actionId} was already used for another action` });
        }
        if (state.status === 'closed') throw ApplicationFailure.create({ type: actionRejected, message: 'the case is closed' });
        const at = actionTime(action);
        if (at > Date.now() + clockSkewMs) throw ApplicationFailure.create({ type: actionRejected, message: '`at` is in the future' });
        const reason = definition.check(ctx, action, at, policy);
        if (reason) throw ApplicationFailure.create({ type: actionRejected, message: reason });
      },
      description: 'An officer or the station system reports a completed action',
    },
  );

  let published = '';
  const flush = async () => {
    while (state.noticesWritten < engine.notices.length) {
      const notice = engine.notices[state.noticesWritten];
      await issueNotice.executeWithOptions(
        { startToCloseTimeout: '30 seconds', summary: `发出通知：${notice.titleZh} → ${notice.recipient}` },
        [{ caseId, ...notice }],
      );
      state.noticesWritten++;
    }
    while (state.audit.length) {
      await recordAction.executeWithOptions({ startToCloseTimeout: '30 seconds', summary: `记录行动：${state.audit[0].type}` }, [
        { caseId, ...state.audit[0] },
      ]);
      state.audit.shift();
    }
    const current = view();
    const fingerprintNow = fingerprint({ ...current, run: 0 });
    if (fingerprintNow !== published) {
      setCurrentDetails(currentDetails(current, engine.all()));
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

  function fire(): boolean {
    const fired = engine.fire(Date.now());
    if (fired.length) definition.onFired?.(ctx, fired, policy);
    return fired.length > 0;
  }

  const maxHistoryEvents = args.maxHistoryEvents ?? defaultMaxHistoryEvents;
  for (;;) {
    if (fire()) state.revision++;
    const seen = state.revision;
    await flush();
    // An action that arrived while the flush awaited its activities has effects still to write.
    if (state.revision !== seen) continue;
    if (state.status === 'closed') break;
    const info = workflowInfo();
    if (info.continueAsNewSuggested || info.historyLength >= maxHistoryEvents) {
      await condition(allHandlersFinished);
      if (state.revision !== seen) continue;
      state.run++;
      state.engine = engine.snapshot();
      await continueAsNew<(a: CaseArgs<S, R>) => Promise<CaseView<R>>>({ ...args, carried: state });
    }
    const wake = engine.nextWake(Date.now());
    if (wake) await condition(() => state.revision !== seen, Math.max(wake.at - Date.now(), 1), { summary: wake.summary });
    else await condition(() => state.revision !== seen);
  }
  await condition(allHandlersFinished);
  return view();

  function actionTime(action: A): number {
    return action.at ? parseInstant(action.at) : Date.now();
  }
}

function caseView<S extends CaseStartFields, R>(caseId: string, start: S, state: CaseState<R>, engine: ObligationEngine): CaseView<R> {
  const nextDue = engine.nextDueAt();
  const iso = (ms: number | undefined) => (ms === undefined ? undefined : formatInstant(ms));
  return {
    caseId,
    procedure: start.procedure,
    caseNumber: start.caseNumber,
    stationId: start.stationId,
    officerId: start.officerId,
    status: state.status,
    outcome: state.outcome,
    startedAt: formatInstant(state.startedAt),
    closedAt: iso(state.closedAt),
    nextDueAt: iso(nextDue),
    overdueCount: engine.overdueCount(),
    obligations: engine.all().map((o) => ({
      key: o.key,
      period: o.period,
      article: o.article,
      titleZh: o.titleZh,
      titleEn: o.titleEn,
      responsible: o.responsible,
      status: o.status,
      opensAt: iso(o.opensAt),
      dueAt: formatInstant(o.dueAt),
      completedAt: iso(o.completedAt),
      completedBy: o.completedBy,
      late: o.late,
      overdueAt: iso(o.overdueAt),
      basis: o.basis,
      changes: o.changes.length
        ? o.changes.map((c) => ({ field: c.field ?? 'dueAt', reason: c.reason, from: formatInstant(c.from), to: formatInstant(c.to), at: formatInstant(c.at) }))
        : undefined,
    })),
    notices: engine.notices.map((n) => ({
      kind: n.kind,
      recipient: n.recipient,
      article: n.article,
      obligationKey: n.obligationKey,
      createdAt: formatInstant(n.createdAt),
    })),
    records: state.records,
    policy: state.policy,
    // A deadline computed in a year without calendar data says so for as long as it is open.
    warnings: [...new Set(engine.all().filter(isOpen).flatMap((o) => o.basis?.warnings ?? []))],
    calendar: state.calendar.map((y) => ({ year: y.year, version: y.version })),
    run: state.run,
  };
}

/**
 * The Temporal UI's "current details": what the case is and its open duties in words, without personal data. The
 * first line repeats the static summary, which a run started by continue-as-new does not carry.
 */
function currentDetails(view: CaseView<unknown>, obligations: Obligation[]): string {
  const heading = `**${procedureTitlesZh[view.procedure]}** · 案件 ${view.caseNumber} · 派出所 ${view.stationId} · 民警 ${view.officerId}${view.run ? ` · 第 ${view.run + 1} 段运行` : ''}`;
  const warnings = view.warnings.map((w) => `> 注意：${w}`);
  if (view.status === 'closed') return [heading, `**已结案**（${view.outcome ?? ''}）`].join('\n');
  const open = obligations.filter(isOpen).sort((a, b) => a.dueAt - b.dueAt);
  const lines = open.map((o) => {
    const status = o.status === 'overdue' ? '**已逾期**' : '待办';
    return `- ${status} ${o.titleZh}（${o.key}${o.period ? ` ${o.period}` : ''}，第${o.article}条）截止 ${formatInstant(o.dueAt)}`;
  });
  return [heading, ...warnings, open.length ? '**待办义务**' : '**无待办义务**', ...lines].join('\n');
}

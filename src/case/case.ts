/**
 * A case as pure state: a procedure's definition, its records, the obligation engine and the working-day calendar in
 * force. It answers actions, calendar changes and the passing of time, reading the time only from the clock it is
 * given and doing no I/O. The case runtime gives it Temporal (workflow time, the Update, the outbox activities); the
 * simulator in test/support gives it a fake clock.
 */
import { type AdoptionConfirmedAction, type ArrivedDue, StartRefused, adoptedAtWithin, adoptionConfirmed } from './adoption';
import { type CalendarYear, builtInCalendarYears, WorkingCalendar } from './calendar';
import { type CaseReassignedAction, caseReassigned } from './reassignment';
import { type ActionEnvelope, type CaseView, actionIdReused, actionRejected } from './contract';
import { fingerprint } from './fingerprint';
import { type DeadlineRule, computeDeadline, formatInstant, localDate, parseInstant, startOfDay } from './legal-time';
import {
  type DueBasis,
  type EnginePolicy,
  type IssuedNotice,
  type Obligation,
  type ObligationSpec,
  type AdoptionSettlement,
  type Recipient,
  basisOf,
  defaultEnginePolicy,
  isOpen,
} from './obligation';
import type { Duty, ProcedureDescriptor } from './procedure';
import { type NoticeSubject, type RecurrenceSpec, type RollingSpec, ObligationEngine } from './obligation-engine';
import { caseDetails, caseView } from './case-view';
import type { CaseStartFields, CaseState } from './state';

export type { CaseStartFields, CaseState };

/** Actions may report an act that happened a little earlier, never one in the future. */
const clockSkewMs = 5 * 60_000;
const hour = 3_600_000;

export interface CaseArgs<S, R> {
  start: S;
  /**
   * The procedure's and the engine's policy in force, pinned in the case's history by whoever starts it, so that a
   * default changed in code later changes new cases only. Cases started without it take the code's defaults.
   */
  policy?: Record<string, number>;
  /** The calendar when the case arrived (the API reads it from the database); built-in data when absent. */
  calendar?: CalendarYear[];
  carried?: CaseState<R>;
  /** Who started the case, in which role, and the sha256 of its start (the API's): the first row of its audit chain. */
  startedBy?: { actor: string; role: string; inputSha256: string };
  /** Continue as new once history reaches this many events (tests force it early). */
  maxHistoryEvents?: number;
}

/**
 * When a duty falls due or its window opens: an instant, a legal time rule on the case's calendar (recomputed when
 * the calendar changes), or an instant fixed by someone else with the reason for the record.
 */
export type Timing = number | { rule: DeadlineRule; from: string | number; n: number } | { at: number; rule: string; explanation: string[] };

/** What a procedure sees while it declares obligations and applies actions. */
export interface CaseContext<S, R> {
  readonly start: S;
  readonly records: R;
  readonly engine: ObligationEngine;
  now(): number;
  /** A legal deadline on the case's calendar, with the basis that lets a calendar change recompute it. */
  deadline(rule: DeadlineRule, from: string | number, n: number, sets?: DueBasis['sets']): { at: number; basis: DueBasis };
  /** Declares a duty of the procedure's table (or moves it, if it is open): due at `due`, its window opening at `opens`. */
  owe(duty: Duty, due: Timing, options?: { period?: string; opens?: Timing; reason?: string }): Obligation;
  /** Declares a duty owed every calendar month (quarter, half-year) from `from` until `until`. */
  oweEvery(duty: Duty, recurrence: Pick<RecurrenceSpec, 'everyMonths' | 'from' | 'until'>): void;
  /** Declares a duty owed within `everyMonths` months of `from`, then again within as many months of each discharge. */
  oweRolling(duty: Duty, rolling: Pick<RollingSpec, 'everyMonths' | 'from' | 'until' | 'firstDueOn' | 'owedBefore'>): void;
  /** Issues a notice to each recipient, once: `ref` (by default the action being applied) keeps it unique across retries. */
  notify(kind: string, to: Recipient[], about: NoticeSubject, facts?: IssuedNotice['facts'], ref?: string): void;
  close(outcome: string): void;
}

/** What a procedure's `check` answers: why it refuses the action, or nothing, or what it resolved for `apply` to act on. */
export type Checked<C> = string | undefined | { resolved: C };

export interface ProcedureDefinition<S extends CaseStartFields, A extends ActionEnvelope, R, P extends Record<string, number>, C = unknown> {
  descriptor: ProcedureDescriptor<S['procedure'], P>;
  /** Declares the first obligations and returns the initial records. */
  begin(ctx: Omit<CaseContext<S, R>, 'records'>, policy: P): R;
  /** Why the action cannot be accepted now, or undefined, or what it found that `apply` acts on. Must not change anything. */
  check(ctx: CaseContext<S, R>, action: A, at: number, policy: P): Checked<C>;
  /** Applies an action `check` let through; `resolved` is what `check` resolved (undefined when it resolved nothing). */
  apply(ctx: CaseContext<S, R>, action: A, at: number, policy: P, resolved: C): void;
  /** The duties the facts of an adoption settle (each with the fact's name); the facts that change dates `begin` reads. */
  adoptionSettles?(start: S): AdoptionSettlement[];
  /** Reacts to duties the engine just acted on (a system duty done, a duty overdue, a period opened). */
  onFired?(ctx: CaseContext<S, R>, fired: Obligation[], policy: P): void;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyProcedureDefinition = ProcedureDefinition<any, any, any, any, any>;

/** Why a case refuses an action: the failure type the API maps to an answer, and the reason in words. */
export interface Rejection {
  type: typeof actionRejected | typeof actionIdReused;
  message: string;
}

export class Case<S extends CaseStartFields, A extends ActionEnvelope, R, P extends Record<string, number>> {
  readonly state: CaseState<R>;
  readonly engine: ObligationEngine;
  private readonly policy: P & EnginePolicy;
  private readonly ctx: CaseContext<S, R>;
  private calendar: WorkingCalendar;
  /** The notice ref of the action being applied. */
  private ref?: string;

  constructor(
    readonly definition: ProcedureDefinition<S, A, R, P>,
    readonly caseId: string,
    args: CaseArgs<S, R>,
    private readonly clock: () => number,
    /** The calendar built from `args`' years, when the caller has it (a copy shares its original's). */
    calendar?: WorkingCalendar,
  ) {
    const policy = args.carried?.policy ?? args.policy ?? { ...definition.descriptor.policy, ...defaultEnginePolicy };
    this.policy = policy as P & EnginePolicy;
    this.state = args.carried ?? {
      startedAt: clock(),
      status: 'open',
      records: undefined as R,
      policy,
      engine: ObligationEngine.empty(clock()),
      calendar: args.calendar ?? [...builtInCalendarYears],
      actions: {},
      audit: [],
      noticesWritten: 0,
      revision: 1,
      run: 0,
    };
    this.calendar = calendar ?? new WorkingCalendar(this.state.calendar);
    this.engine = new ObligationEngine(this.state.engine, enginePolicyOf(this.policy), { caseId, calendar: () => this.calendar });
    this.ctx = this.context(args.start);
    if (!args.carried) {
      const adoption = args.start.adoption;
      const settled = (adoption && definition.adoptionSettles?.(args.start)) ?? [];
      if (adoption) this.engine.adopt(adoptedAtWithin(adoption, this.state.startedAt), settled);
      this.state.records = definition.begin(this.ctx, this.policy);
      if (args.startedBy) {
        const { actor, role, inputSha256 } = args.startedBy;
        const at = this.state.startedAt;
        const payload = { procedure: args.start.procedure, caseNumber: args.start.caseNumber, inputSha256 };
        this.state.audit.push({ kind: 'case-started', actionId: 'case-started', type: 'case-started', actor, role, at, receivedAt: at, payload });
      }
      for (const s of settled) {
        // A fact cannot settle a duty whose window opens after the adoption: it cannot have been done yet.
        const early = this.engine
          .all()
          .find((o) => o.key === s.key && o.period === undefined && o.opensAt !== undefined && o.opensAt > this.engine.adoptedAt!);
        if (early) {
          const opens = formatInstant(early.opensAt!);
          throw new StartRefused(
            `adoption.facts.${s.fact}`,
            `${s.fact}：${early.titleZh}（${early.key}）自 ${opens} 起才能办理，晚于接管时间 (${s.fact}: ${early.key} cannot be done before ${opens}, after adoptedAt)`,
          );
        }
      }
    }
  }

  get start(): S {
    return this.ctx.start;
  }

  /** The officer the case is assigned to now. */
  get officerId(): string {
    return this.state.officerId ?? this.start.officerId;
  }

  /** Why `action` cannot be accepted now, or undefined; changes nothing (the Update's validator). */
  rejection(action: A): Rejection | undefined {
    const seen = this.state.actions[action.actionId];
    if (seen !== undefined) {
      return seen === fingerprint(action)
        ? undefined
        : { type: actionIdReused, message: `actionId ${action.actionId} was already used for another action` };
    }
    if (this.state.status === 'closed') return { type: actionRejected, message: 'the case is closed' };
    const at = this.actionTime(action);
    const now = this.clock();
    if (at > now + clockSkewMs) return { type: actionRejected, message: '`at` is in the future' };
    const window = this.policy.backdateWindowHours;
    try {
      if (isCaseReassigned(action)) {
        return action.officerId === this.officerId
          ? { type: actionRejected, message: `the case is already assigned to ${action.officerId}` }
          : undefined;
      }
      const reason = isAdoptionConfirmed(action)
        ? this.adoptionRejection(action)
        : refusalOf(this.definition.check(this.ctx, action, at, this.policy));
      if (reason && (isAdoptionConfirmed(action) || !this.reviewedByAct(action, at))) return { type: actionRejected, message: reason };
      if (at < now - window * hour) return { type: actionRejected, message: `\`at\` lies more than ${window} h before the action reached the case` };
      // Applied first to a copy: an action the procedure cannot apply is refused, never a workflow task that fails forever.
      const open = new Set(
        this.engine
          .all()
          .filter(isOpen)
          .map((o) => o.id),
      );
      const trial = this.copy();
      trial.accept(action);
      const premature = trial.engine.all().find((o) => open.has(o.id) && o.status === 'done' && o.follows !== undefined && at < o.follows);
      if (premature) {
        return { type: actionRejected, message: `\`at\` is before ${formatInstant(premature.follows!)}, when the duty ${premature.key} arose` };
      }
      return undefined;
    } catch (err) {
      return { type: actionRejected, message: `the case cannot apply this action: ${err instanceof Error ? err.message : String(err)}` };
    }
  }

  /** Applies an accepted action once; the same actionId again answers the view and changes nothing. */
  accept(action: A): CaseView<R> {
    if (this.state.actions[action.actionId] !== undefined) return { ...this.view(), duplicate: true };
    const at = this.actionTime(action);
    this.ref = `action/${action.actionId}`;
    const open = new Set(
      this.engine
        .all()
        .filter(isOpen)
        .map((o) => o.id),
    );
    try {
      if (isAdoptionConfirmed(action)) this.confirmAdoption(action, at);
      else if (isCaseReassigned(action)) this.state.officerId = action.officerId;
      else {
        let checked = this.definition.check(this.ctx, action, at, this.policy);
        const reviewed = typeof checked === 'string' ? this.reviewedByAct(action, at) : undefined;
        if (reviewed) {
          this.oweAgain(
            this.engine.all().find((o) => o.id === reviewed)!,
            action.actor,
          );
          checked = this.definition.check(this.ctx, action, at, this.policy);
        }
        this.definition.apply(this.ctx, action, at, this.policy, resolvedOf(checked));
      }
    } finally {
      this.ref = undefined;
    }
    for (const o of this.engine.all()) if (open.has(o.id) && o.status === 'done') o.completionReceivedAt = this.clock();
    this.fire();
    this.state.actions[action.actionId] = fingerprint(action);
    const { role, caseId: _sealedFor, ...payload } = action;
    this.state.audit.push({ actionId: action.actionId, type: action.type, actor: action.actor, role, at, receivedAt: this.clock(), payload });
    this.state.revision++;
    return this.view();
  }

  /** A year of the working-day calendar was loaded: deadlines not yet reached are computed again. */
  changeCalendar(year: CalendarYear): void {
    const held = this.state.calendar.find((y) => y.year === year.year);
    if (held && held.version >= year.version) return;
    const years = [...this.state.calendar.filter((y) => y.year !== year.year), year].sort((a, b) => a.year - b.year);
    let calendar: WorkingCalendar;
    try {
      calendar = new WorkingCalendar(years);
    } catch {
      // The API refuses such a year; one that reached the case anyway changes nothing rather than failing its task.
      return;
    }
    this.state.calendar = years;
    this.calendar = calendar;
    this.engine.recompute(this.calendar, this.clock(), `working-day calendar ${year.year} version ${year.version} loaded (${year.source})`);
    this.state.revision++;
  }

  /** Acts on every duty whose time has come; true when something happened. */
  fire(): boolean {
    const fired = this.engine.fire(this.clock());
    if (fired.length) this.definition.onFired?.(this.ctx, fired, this.policy);
    return fired.length > 0;
  }

  private adoptionRejection(action: AdoptionConfirmedAction): string | undefined {
    const o = this.engine.get(action.key, action.period);
    const name = `${action.key}${action.period ? ` ${action.period}` : ''}`;
    if (!o || o.status !== 'before-adoption') return `${name} is not a duty due before adoption`;
    if (o.adoption?.review !== 'to-review')
      return o.adoption?.fact ? `${name} was settled by the fact ${o.adoption.fact}` : `${name} was already reviewed`;
    if (action.outcome === 'not-done' && action.doneOn !== undefined) return '`doneOn` is given for a duty not done';
    if (action.doneOn !== undefined && action.doneOn > localDate(this.engine.adoptedAt ?? this.state.startedAt))
      return '`doneOn` is after the adoption';
    return undefined;
  }

  /** The officer's review; a one-off duty found not done is owed again, by its own rule counted from the review. */
  private confirmAdoption(action: AdoptionConfirmedAction, at: number): void {
    const o = this.engine.get(action.key, action.period)!;
    this.engine.review(o, action.outcome, action.actor, at, action.doneOn);
    if (action.outcome === 'not-done' && this.engine.isOneOff(o.key)) this.oweAgain(o, action.actor);
  }

  /** Owes again a one-off duty found not done before the case arrived (the engine counts its new time from now). */
  private oweAgain(o: Obligation, by: string): void {
    const now = this.clock();
    if (o.adoption?.review === 'to-review') this.engine.review(o, 'not-done', by, now);
    this.engine.oweAgain(o, now, `到案前未办理，经核实后重新计算期限 (found not done before the case arrived, by ${by}: owed again)`);
  }

  /**
   * The duty due before the arrival, still to review, that `action` discharges when it is owed again: the act itself says
   * it was not done before (the subject reports now, the order is filed now). The procedure refuses the act otherwise.
   */
  private reviewedByAct(action: A, at: number): string | undefined {
    for (const o of this.engine.toReview()) {
      if (!this.engine.isOneOff(o.key)) continue;
      const trial = this.copy();
      const again = trial.engine.all().find((x) => x.id === o.id)!;
      trial.oweAgain(again, action.actor);
      try {
        const checked = trial.definition.check(trial.ctx, action, at, trial.policy);
        if (typeof checked === 'string') continue;
        trial.definition.apply(trial.ctx, action, at, trial.policy, resolvedOf(checked));
      } catch {
        continue;
      }
      if (again.status === 'done') return o.id;
    }
    return undefined;
  }

  /** What arrived already due: each duty due before the case reached beatflow, and each moved for lack of time. */
  arrivedDue(): ArrivedDue[] {
    const arrived = this.state.startedAt;
    const due: Array<ArrivedDue & { at: number }> = [];
    for (const o of this.engine.all()) {
      const which = { key: o.key, ...(o.period === undefined ? {} : { period: o.period }) };
      if (o.status === 'before-adoption' && o.dueAt < arrived) {
        const settledBy = o.adoption?.fact ? { settledBy: o.adoption.fact } : {};
        due.push({ ...which, dueAt: formatInstant(o.dueAt), ...settledBy, at: o.dueAt });
      } else if (o.basis?.rule === minimumNotice && o.declaredAt === arrived) {
        due.push({ ...which, dueAt: o.basis.from!, owedBy: formatInstant(o.dueAt), at: parseInstant(o.basis.from!) });
      }
    }
    return due.sort((a, b) => a.at - b.at).map(({ at: _at, ...d }) => d);
  }

  /** An independent copy of the case, as the next run would rebuild it. */
  private copy(): Case<S, A, R, P> {
    // Through JSON, as continue-as-new carries it (the workflow sandbox has no structuredClone).
    const carried = JSON.parse(JSON.stringify({ ...this.state, engine: this.engine.snapshot() })) as CaseState<R>;
    return new Case(this.definition, this.caseId, { start: this.start, carried }, this.clock, this.calendar);
  }

  /** Everything the case carries into its next run. */
  carry(): CaseState<R> {
    this.state.run++;
    this.state.engine = this.engine.snapshot();
    return this.state;
  }

  view(): CaseView<R> {
    return caseView(this.caseId, this.start, this.state, this.engine, this.definition.descriptor);
  }

  /** The Temporal UI's "current details" of the case (case-view.ts). */
  details(): string {
    return caseDetails(this.view(), this.definition.descriptor, this.engine);
  }

  private actionTime(action: A): number {
    return action.at ? parseInstant(action.at) : this.clock();
  }

  private context(start: S): CaseContext<S, R> {
    const { engine, state, clock } = this;
    const calendar = () => this.calendar;
    const actionRef = () => this.ref;
    const minimumNoticeHours = () => this.policy.minimumNoticeHours;
    const resolve = (timing: Timing, sets: DueBasis['sets']): { at: number; basis?: DueBasis } => {
      if (typeof timing === 'number') return { at: timing };
      if ('n' in timing) {
        const deadline = computeDeadline(timing.rule, timing.from, timing.n, calendar());
        return { at: deadline.dueMs, basis: basisOf(deadline, sets) };
      }
      return { at: timing.at, basis: { rule: timing.rule, explanation: timing.explanation, warnings: [] } };
    };
    return {
      start,
      engine,
      get records() {
        return state.records;
      },
      now: clock,
      deadline(rule, from, n, sets) {
        const deadline = computeDeadline(rule, from, n, calendar());
        return { at: deadline.dueMs, basis: basisOf(deadline, sets) };
      },
      owe(duty, due, { period, opens, reason } = {}) {
        const dueAt = shortNotice(due, resolve(due, 'dueAt'), clock(), minimumNoticeHours());
        const opensAt = opens === undefined ? undefined : resolve(opens, 'opensAt');
        const basis = opensAt?.basis ?? dueAt.basis;
        const spec: ObligationSpec = { ...duty, dueAt: dueAt.at };
        // A duty counted from an instant already past answers the event at that instant; one counted from a future
        // instant (a term's end) answers none.
        if (typeof due === 'object' && 'n' in due && typeof due.from === 'number' && due.from <= clock()) spec.follows = due.from;
        if (period !== undefined) spec.period = period;
        if (opensAt) spec.opensAt = opensAt.at;
        if (basis) spec.basis = basis;
        return engine.declare(spec, clock(), reason);
      },
      oweEvery(duty, recurrence) {
        engine.declareRecurring({ ...duty, ...recurrence });
      },
      oweRolling(duty, rolling) {
        engine.declareRolling({ ...duty, ...rolling }, clock());
      },
      notify(kind, to, about, facts, ref) {
        engine.issue({ kind, recipients: to }, ref ?? actionRef() ?? `at/${clock()}`, clock(), about, facts);
      },
      close(outcome) {
        state.status = 'closed';
        state.outcome = outcome;
        state.closedAt = clock();
        engine.cancelOpen(clock());
      },
    };
  }
}

/** The basis rule of a duty moved because its legal time had passed when it arose. */
const minimumNotice = 'minimum-notice';

/**
 * A duty counted back from an event still to come (N days before a term ends) whose time had passed when it arose is
 * due `hours` after it arose, and says why; its basis is no legal rule any more, so a calendar change leaves it.
 */
function shortNotice(due: Timing, resolved: { at: number; basis?: DueBasis }, now: number, hours: number): { at: number; basis?: DueBasis } {
  if (typeof due !== 'object' || !('n' in due) || !due.rule.endsWith('-before') || resolved.at >= now) return resolved;
  const event = typeof due.from === 'number' ? due.from : startOfDay(due.from.slice(0, 10));
  if (event <= now) return resolved;
  const at = now + hours * hour;
  const why = `法定期限 ${formatInstant(resolved.at)} 在义务产生时已过，改为 ${hours} 小时内办理 (the legal time had passed when the duty arose: due ${hours} h after)`;
  return {
    at,
    basis: { rule: minimumNotice, from: formatInstant(resolved.at), explanation: [...(resolved.basis?.explanation ?? []), why], warnings: [why] },
  };
}

/** A case of any procedure, as the runtime holds it. */
export type AnyCase = Case<CaseStartFields, ActionEnvelope, unknown, Record<string, number>>;

function refusalOf(checked: Checked<unknown>): string | undefined {
  return typeof checked === 'string' ? checked : undefined;
}

function resolvedOf<C>(checked: Checked<C>): C {
  return (typeof checked === 'object' ? checked.resolved : undefined) as C;
}

function isCaseReassigned(action: ActionEnvelope): action is ActionEnvelope & CaseReassignedAction {
  return action.type === caseReassigned;
}

function isAdoptionConfirmed(action: ActionEnvelope): action is ActionEnvelope & AdoptionConfirmedAction {
  return action.type === adoptionConfirmed;
}

function enginePolicyOf(policy: EnginePolicy): EnginePolicy {
  return {
    reminderLeadHours: policy.reminderLeadHours,
    supervisorGraceHours: policy.supervisorGraceHours,
    systemNoticeHour: policy.systemNoticeHour,
    backdateWindowHours: policy.backdateWindowHours,
    minimumNoticeHours: policy.minimumNoticeHours,
    reminderWindowStartMinute: policy.reminderWindowStartMinute,
    reminderWindowMinutes: policy.reminderWindowMinutes,
  };
}

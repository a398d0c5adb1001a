/**
 * The one obligation engine (Art. 107 任务标准件): keeps every declared duty, reminds before it, marks it
 * overdue at its due time with an escalation to the station leader, escalates to the supervisor after a
 * grace period, issues the notices that `system` duties owe, and opens recurring duties period by period
 * (recurring-duties.ts) and rolling ones interval by interval (rolling-duties.ts).
 * Deterministic: it reads time only from the caller (workflow time) and does no I/O; notices it issues are
 * appended to `notices` for the case runtime to write through an activity.
 */
import { type WorkingCalendar, builtInCalendar } from './calendar';
import { type DeadlineRule, computeDeadline, deadlineRules, endOfDay, formatInstant, localDate, startOfDay } from './legal-time';
import {
  type AdoptionSettlement,
  type EnginePolicy,
  type IssuedNotice,
  type NoticeTemplate,
  type Obligation,
  type ObligationSpec,
  type Recipient,
  basisOf,
  isOpen,
  obligationId,
  stationResponsible,
} from './obligation';
import { type Recurrence, type RecurrenceSpec, nextPeriod, periodsOpenedBy, recurrenceOf } from './recurring-duties';
import { windowReminderAt } from './reminder-window';
import { type Rolling, type RollingSpec, nextInterval, rollingOf, rollingRejection } from './rolling-duties';

export type { RecurrenceSpec, RollingSpec };

const hour = 3_600_000;

export interface EngineState {
  obligations: Obligation[];
  recurrences: Recurrence[];
  /** Absent in the state of cases that never declared a rolling duty. */
  rolling?: Rolling[];
  notices: IssuedNotice[];
  /** Absent in the state of cases started without an adoption. */
  adoption?: EngineAdoption;
  /** When the case reached beatflow: a duty due before is nobody's miss here (see `before-adoption`). */
  arrivedAt?: number;
}

/** Since when beatflow keeps the case's duties, and which duties the facts given at adoption settle. */
export interface EngineAdoption {
  at: number;
  settled: AdoptionSettlement[];
}

/**
 * Reminder instants by the calendar they were computed on. Each wake asks for every open duty's; the answer depends
 * only on the duty's times, the policy and the calendar (a new calendar is a new object), so it is computed once.
 */
const remindersOn = new WeakMap<WorkingCalendar, Map<string, number | undefined>>();

/** What a reminder window needs besides the policy: whose duties these are, and the working days in force. */
export interface EngineContext {
  caseId: string;
  calendar(): WorkingCalendar;
}

export interface Wake {
  at: number;
  summary: string;
}

export class ObligationEngine {
  private readonly obligations = new Map<string, Obligation>();
  private readonly recurrences: Recurrence[];
  private readonly rolling: Rolling[];
  readonly notices: IssuedNotice[];
  private adoption?: EngineAdoption;
  private readonly arrivedAt?: number;

  constructor(
    state: EngineState,
    private readonly policy: EnginePolicy,
    private readonly context: EngineContext = { caseId: '', calendar: () => builtInCalendar },
  ) {
    for (const o of state.obligations) this.obligations.set(o.id, o);
    this.recurrences = state.recurrences;
    this.rolling = state.rolling ?? [];
    this.notices = state.notices;
    this.adoption = state.adoption;
    this.arrivedAt = state.arrivedAt;
  }

  /** A new case's engine; `arrivedAt`: when the case reached beatflow (absent: every duty is kept from its declaration). */
  static empty(arrivedAt?: number): EngineState {
    return { obligations: [], recurrences: [], notices: [], ...(arrivedAt === undefined ? {} : { arrivedAt }) };
  }

  snapshot(): EngineState {
    // A case without rolling duties carries exactly the state it carried before they existed.
    const rolling = this.rolling.length ? { rolling: this.rolling } : {};
    const adoption = this.adoption ? { adoption: this.adoption } : {};
    const arrived = this.arrivedAt === undefined ? {} : { arrivedAt: this.arrivedAt };
    return { obligations: [...this.obligations.values()], recurrences: this.recurrences, ...rolling, notices: this.notices, ...adoption, ...arrived };
  }

  /**
   * Takes over a case already under way from `at` (not after its arrival): a duty a fact settles becomes
   * `before-adoption` at once; like every duty due before the arrival, it is never reminded, escalated or noticed.
   */
  adopt(at: number, settled: AdoptionSettlement[]): void {
    this.adoption = { at, settled };
  }

  get adoptedAt(): number | undefined {
    return this.adoption?.at;
  }

  /** The duties due before adoption that no fact settled and nobody has reviewed yet. */
  toReview(): Obligation[] {
    return this.all().filter((o) => o.status === 'before-adoption' && o.adoption?.review === 'to-review');
  }

  /** The officer's account of a duty due before adoption: done (on a day, if known) or not done; nothing is escalated. */
  review(o: Obligation, outcome: 'done' | 'not-done', by: string, at: number, doneOn?: string): void {
    o.adoption = { ...o.adoption, review: outcome, reviewedBy: by, reviewedAt: at, ...(doneOn ? { doneOn } : {}) };
  }

  /** Whether `key` is a one-off duty: not owed period by period (calendar-recurring) or interval by interval (rolling). */
  isOneOff(key: string): boolean {
    return !this.recurrences.some((r) => r.key === key) && !this.rolling.some((r) => r.key === key);
  }

  /**
   * Owes again a one-off duty found not done before the case arrived: due by its own legal rule counted from `now` (its
   * basis then counts from `now`, so a calendar change recomputes it from there), else `minimumNoticeHours` after `now`;
   * pending, reminded and escalated like any other, and late from the start.
   */
  oweAgain(o: Obligation, now: number, reason: string): void {
    const { rule, n } = o.basis ?? {};
    const counted = rule !== undefined && n !== undefined && (deadlineRules as readonly string[]).includes(rule) && !rule.endsWith('-before');
    const deadline = counted ? computeDeadline(rule as DeadlineRule, now, n, this.context.calendar()) : undefined;
    const dueAt = deadline?.dueMs ?? now + this.policy.minimumNoticeHours * hour;
    o.changes.push({ from: o.dueAt, to: dueAt, at: now, reason });
    Object.assign(o, { status: 'pending', dueAt, late: true, completedAt: undefined, remindedAt: undefined, basis: deadline && basisOf(deadline) });
  }

  all(): Obligation[] {
    return [...this.obligations.values()];
  }

  get(key: string, period?: string): Obligation | undefined {
    return this.obligations.get(obligationId(key, period));
  }

  /** Whether the duty exists and is still to be discharged (pending or overdue). */
  isOpen(key: string, period?: string): boolean {
    const o = this.get(key, period);
    return o !== undefined && isOpen(o);
  }

  /** Declares a duty. Declaring one that exists and is still open moves its dates instead. */
  declare(spec: ObligationSpec, now: number, reason = 'declared again'): Obligation {
    const id = obligationId(spec.key, spec.period);
    const existing = this.obligations.get(id);
    if (existing && isOpen(existing)) {
      this.reschedule(existing, spec.dueAt, now, reason, spec);
      return existing;
    }
    const obligation: Obligation = { ...spec, id, status: 'pending', declaredAt: now, late: false, changes: [] };
    this.obligations.set(id, obligation);
    return obligation;
  }

  /** Declares a recurring duty; its periods open one by one as time reaches them (recurring-duties.ts). */
  declareRecurring(spec: RecurrenceSpec): void {
    this.recurrences.push(recurrenceOf(spec));
  }

  /** Stops a recurring duty from opening further periods (the case or the term ended). */
  stopRecurring(key: string): void {
    for (const r of this.recurrences) if (r.key === key) r.stopped = true;
    for (const r of this.rolling) if (r.key === key) r.stopped = true;
  }

  /** Declares a rolling duty (rolling-duties.ts) and owes its first interval at once; each discharge owes the next (see `fire`). */
  declareRolling(spec: RollingSpec, now: number): Obligation[] {
    const rolling = rollingOf(spec);
    this.rolling.push(rolling);
    return this.roll(rolling, now);
  }

  /**
   * Moves the last day a rolling duty may fall due (a term extended or shortened): an interval that now fits is owed,
   * and one still pending that no longer fits is cancelled, to be owed again if the term grows back.
   */
  changeRollingEnd(key: string, until: string | undefined, now: number): Obligation[] {
    const touched: Obligation[] = [];
    for (const r of this.rolling) {
      if (r.key !== key || r.stopped) continue;
      r.until = until;
      const last = this.get(r.key, String(r.owed));
      if (last?.status === 'pending' && until !== undefined && last.dueAt > endOfDay(until)) {
        this.cancel(last, now);
        r.owed -= 1;
        touched.push(last);
      }
      touched.push(...this.roll(r, now));
    }
    return touched;
  }

  /** Why the rolling duty `key` cannot be discharged at `at` (its open interval not begun, none owed), or undefined. */
  rollingRejection(key: string, at: number): string | undefined {
    return rollingRejection(
      key,
      this.rolling.find((x) => x.key === key),
      this.lastRolling(key),
      at,
    );
  }

  /** The last interval of a rolling duty owed so far (open or discharged), if any. */
  lastRolling(key: string): Obligation | undefined {
    const r = this.rolling.find((x) => x.key === key);
    return r && r.owed > 0 ? this.get(key, String(r.owed)) : undefined;
  }

  /** Moves an open duty's due time, recording the old and new time and why. */
  reschedule(o: Obligation, dueAt: number, now: number, reason: string, changes: Partial<ObligationSpec> = {}): void {
    if (!isOpen(o)) return;
    const { key: _key, period: _period, ...rest } = changes;
    const from = o.dueAt;
    Object.assign(o, rest, { dueAt });
    if (from !== dueAt) o.changes.push({ from, to: dueAt, at: now, reason });
    if (dueAt > now && o.status === 'overdue') {
      o.status = 'pending';
      o.overdueAt = undefined;
      o.supervisorEscalatedAt = undefined;
    }
    if (from !== dueAt) o.remindedAt = undefined;
  }

  /**
   * Records a duty as discharged; a completion after the due time, or of a duty already marked overdue, or of one owed
   * again after it was found not done, is late.
   */
  complete(o: Obligation, at: number, actor: string): void {
    if (!isOpen(o)) return;
    o.late = o.late || o.status === 'overdue' || at > o.dueAt;
    o.status = 'done';
    o.completedAt = at;
    o.completedBy = actor;
  }

  /** Ends a duty that can no longer be discharged; an overdue one keeps its record of when it became overdue. */
  cancel(o: Obligation, now: number): void {
    if (!isOpen(o)) return;
    o.status = 'cancelled';
    o.completedAt = now;
  }

  /** Ends every open duty and recurrence, e.g. when the case closes. */
  cancelOpen(now: number): void {
    for (const o of this.obligations.values()) this.cancel(o, now);
    for (const r of this.recurrences) r.stopped = true;
    for (const r of this.rolling) r.stopped = true;
  }

  /** Issues a notice to each recipient; `ref` makes the notice key unique and stable across retries. */
  issue(template: NoticeTemplate, ref: string, now: number, about: NoticeSubject, facts?: IssuedNotice['facts']): void {
    for (const recipient of template.recipients) {
      const key = `${ref}/${template.kind}/${recipient}`;
      if (this.notices.some((n) => n.key === key)) continue;
      this.notices.push({
        key,
        kind: template.kind,
        recipient,
        article: about.article,
        obligationKey: about.obligationKey,
        period: about.period,
        titleZh: about.titleZh,
        createdAt: now,
        facts,
      });
    }
  }

  /** Acts on everything whose time has come. Returns the duties it opened or acted on. */
  fire(now: number): Obligation[] {
    const touched = this.openDuePeriods(now);
    for (const r of this.rolling) touched.push(...this.roll(r, now));
    for (const o of this.obligations.values()) if (this.fireOne(o, now)) touched.push(o);
    return touched;
  }

  /**
   * Recomputes every computed time not yet reached on a new working-day calendar; a time already reached is never
   * moved. Returns the duties whose time moved, each with the change and `reason` recorded.
   */
  recompute(calendar: WorkingCalendar, now: number, reason: string): Obligation[] {
    const moved: Obligation[] = [];
    for (const o of this.obligations.values()) {
      const basis = o.basis;
      if (!isOpen(o) || !basis || basis.from === undefined || basis.n === undefined) continue;
      if (!(deadlineRules as readonly string[]).includes(basis.rule)) continue;
      const field = basis.sets ?? 'dueAt';
      const current = field === 'opensAt' ? o.opensAt : o.dueAt;
      if (current === undefined || current <= now) continue;
      const deadline = computeDeadline(basis.rule as DeadlineRule, basis.from, basis.n, calendar);
      o.basis = { ...basis, explanation: deadline.explanation, warnings: deadline.warnings };
      if (deadline.dueMs === current) continue;
      if (field === 'dueAt') {
        this.reschedule(o, deadline.dueMs, now, reason);
      } else {
        o.changes.push({ field, from: current, to: deadline.dueMs, at: now, reason });
        o.opensAt = deadline.dueMs;
        o.remindedAt = undefined;
      }
      moved.push(o);
    }
    return moved;
  }

  /** The next instant at which `fire` has something to do, with a summary for the Temporal UI. */
  nextWake(now: number): Wake | undefined {
    let best: Wake | undefined;
    const consider = (at: number | undefined, summary: string) => {
      if (at !== undefined && at > now && (!best || at < best.at)) best = { at, summary };
    };
    for (const o of this.obligations.values()) {
      const label = `${o.titleZh}（${o.key}${o.period ? ` ${o.period}` : ''}）`;
      if (o.status === 'pending' && o.responsible === 'system') {
        consider(this.issueAt(o), `发出通知：${label}`);
      } else if (o.status === 'pending') {
        consider(this.reminderAt(o), `到期前提醒：${label}`);
        consider(o.dueAt, `到期：${label}`);
      } else if (o.status === 'overdue') {
        consider(this.supervisorEscalationAt(o), `逾期升级督察：${label}`);
      }
    }
    for (const r of this.recurrences) {
      const next = nextPeriod(r);
      if (next) consider(next.opensAt, `开启下一期：${r.titleZh}（${r.key} ${next.period}）`);
    }
    return best;
  }

  /** The overdue duties of the station's own people; a subject's lateness is reported, not counted against them. */
  overdueCount(): number {
    return this.all().filter((o) => o.status === 'overdue' && stationResponsible.includes(o.responsible)).length;
  }

  /** Earliest due time of a pending duty. */
  nextDueAt(): number | undefined {
    const due = this.all()
      .filter((o) => o.status === 'pending')
      .map((o) => o.dueAt);
    return due.length ? Math.min(...due) : undefined;
  }

  private fireOne(o: Obligation, now: number): boolean {
    if (this.settleBeforeAdoption(o, now)) return true;
    const about = { article: o.article, obligationKey: o.key, period: o.period, titleZh: o.titleZh };
    const ref = `${o.id}/${formatInstant(o.dueAt)}`;
    if (o.status === 'pending' && o.responsible === 'system') {
      if (this.issueAt(o) > now) return false;
      if (o.issues) this.issue(o.issues, ref, now, about, { dueAt: formatInstant(o.dueAt) });
      o.status = 'done';
      o.completedAt = now;
      o.completedBy = 'system';
      o.late = now > o.dueAt;
      return true;
    }
    if (o.status === 'pending' && o.dueAt <= now) {
      o.status = 'overdue';
      // Overdue from its deadline, however late the case woke to see it; from its arrival if it came already past due.
      o.overdueAt = Math.max(o.dueAt, o.declaredAt);
      const template = o.onOverdue ?? { kind: 'overdue-escalation', recipients: ['station-leader'] };
      this.issue(template, ref, now, about, { dueAt: formatInstant(o.dueAt), responsible: o.responsible });
      return true;
    }
    if (o.status === 'pending') {
      const remindAt = this.reminderAt(o);
      if (remindAt === undefined || remindAt > now) return false;
      o.remindedAt = now;
      const recipient: Recipient = o.responsible === 'station' ? 'station' : 'officer';
      this.issue({ kind: 'reminder', recipients: [recipient] }, ref, now, about, { dueAt: formatInstant(o.dueAt) });
      return true;
    }
    if (o.status === 'overdue') {
      const escalateAt = this.supervisorEscalationAt(o);
      if (escalateAt === undefined || escalateAt > now) return false;
      o.supervisorEscalatedAt = now;
      this.issue({ kind: 'supervisor-escalation', recipients: ['supervisor'] }, ref, now, about, {
        dueAt: formatInstant(o.dueAt),
        overdueSince: formatInstant(o.overdueAt ?? o.dueAt),
      });
      return true;
    }
    return false;
  }

  /** Settles a pending duty the adoption covers: one a fact settles, or one whose due time came before adoption. */
  private settleBeforeAdoption(o: Obligation, now: number): boolean {
    if (o.status !== 'pending' || o.adoption) return false;
    const settlement = this.adoption?.settled.find((s) => s.key === o.key && covers(s.through, o.period));
    // Settled no later than the first thing its time would do: a system duty's notice, or being overdue.
    const comes = o.responsible === 'system' ? Math.min(this.issueAt(o), o.dueAt) : o.dueAt;
    if (!settlement && !(this.dueBeforeArrival(o) && comes <= now)) return false;
    o.status = 'before-adoption';
    o.completedAt = now;
    o.adoption = settlement ? { fact: settlement.fact } : { review: 'to-review' };
    return true;
  }

  /**
   * Whether the case arrived owing the duty already due. A duty an action declares later, even one counted from a
   * backdated act, is the officer's to keep.
   */
  private dueBeforeArrival(o: Obligation): boolean {
    return this.arrivedAt !== undefined && o.dueAt < this.arrivedAt && o.declaredAt <= this.arrivedAt;
  }

  /** When a system duty issues its notice: when its window opens, else in office hours on the day a day-based rule names. */
  private issueAt(o: Obligation): number {
    if (o.opensAt !== undefined) return o.opensAt;
    const dayRule = o.basis?.rule === 'within-days' || o.basis?.rule === 'days-before';
    return dayRule ? Math.min(startOfDay(localDate(o.dueAt)) + this.policy.systemNoticeHour * hour, o.dueAt) : o.dueAt;
  }

  /**
   * Without a reminder window, a reminder is due `lead` hours before the deadline, unless that moment had passed when
   * the duty was declared; with one, in the window (src/case/reminder-window.ts).
   */
  private reminderAt(o: Obligation): number | undefined {
    if (o.remindedAt !== undefined) return undefined;
    const lead = o.reminderLeadHours ?? this.policy.reminderLeadHours;
    if (lead <= 0 || this.dueBeforeArrival(o)) return undefined;
    const { reminderWindowStartMinute: startMinute, reminderWindowMinutes: minutes } = this.policy;
    if (minutes > 0) {
      const calendar = this.context.calendar();
      const spreadKey = `${this.context.caseId}/${o.id}`;
      const key = `${spreadKey}|${o.dueAt}|${o.declaredAt}|${o.opensAt}|${lead}|${startMinute}|${minutes}`;
      let known = remindersOn.get(calendar);
      if (!known) remindersOn.set(calendar, (known = new Map()));
      if (!known.has(key)) known.set(key, windowReminderAt(o, lead, { startMinute, minutes }, spreadKey, calendar));
      return known.get(key);
    }
    const at = Math.max(o.dueAt - lead * hour, o.opensAt ?? 0);
    return at > o.declaredAt && at < o.dueAt ? at : undefined;
  }

  private supervisorEscalationAt(o: Obligation): number | undefined {
    if (o.escalateToSupervisor === false || o.supervisorEscalatedAt !== undefined) return undefined;
    return (o.overdueAt ?? o.dueAt) + this.policy.supervisorGraceHours * hour;
  }

  /** Owes a rolling duty's next interval once the last was discharged (the first when none was owed yet). */
  private roll(r: Rolling, now: number): Obligation[] {
    const next = nextInterval(r, (period) => this.get(r.key, period));
    return next ? [this.declare(next, now)] : [];
  }

  private openDuePeriods(now: number): Obligation[] {
    return this.recurrences.flatMap((r) => periodsOpenedBy(r, now).map((spec) => this.declare(spec, now)));
  }
}

export interface NoticeSubject {
  article: string;
  obligationKey?: string;
  period?: string;
  titleZh: string;
}

/** Whether a settlement through `through` covers `period` (every period when it names none). */
function covers(through: string | undefined, period: string | undefined): boolean {
  if (through === undefined || period === undefined) return through === undefined;
  // Rolling duties number their periods; calendar periods are named so that their order is the names' order.
  return /^\d+$/.test(period) && /^\d+$/.test(through) ? Number(period) <= Number(through) : period <= through;
}

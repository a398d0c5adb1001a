import type { ArrivedDue } from '../../src/case/adoption';
import { randomUUID } from 'node:crypto';
import type { FlushInput } from '../../activities/records';
import type { CalendarYear } from '../../src/case/calendar';
import { type ActionEnvelope, type CaseView, caseIdOf } from '../../src/case/contract';
import { formatInstant, parseInstant } from '../../src/case/legal-time';
import type { IssuedNotice } from '../../src/case/obligation';
import { type Procedure, actionSchemas, policyInForce, procedureOf, workflowTypes } from '../../src/procedures/index';
import * as workflows from '../../workflows';
import { type AnyProcedureDefinition, type CaseArgs, type CaseStartFields, Case } from '../../src/case/case';

const hour = 3_600_000;
const day = 24 * hour;

/** The definition a procedure's workflow runs, found through the registry as the worker finds the workflow. */
export function definitionOf(procedure: Procedure): AnyProcedureDefinition {
  const workflow = (workflows as Record<string, { definition?: AnyProcedureDefinition }>)[workflowTypes[procedure]];
  if (!workflow?.definition) throw new Error(`workflows/index.ts exports no case workflow ${workflowTypes[procedure]} for ${procedure}`);
  return workflow.definition;
}

/** Why a simulated case refused an action, as the Update's validator would have said. */
export class Rejected extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

type Instant = string | number;

const ms = (t: Instant) => (typeof t === 'number' ? t : parseInstant(t));

/**
 * A case of a procedure on a fake clock: the procedure's definition and the obligation engine exactly as the workflow
 * runs them, without Temporal or PostgreSQL. Time moves only when the test says so; every wake-up the workflow would
 * take on the way (reminder, due time, escalation, a period opening) happens in order.
 */
export class SimulatedCase {
  private kase: Case<CaseStartFields, ActionEnvelope, unknown, Record<string, number>>;

  private constructor(
    private readonly args: CaseArgs<unknown, unknown>,
    private clock: number,
  ) {
    this.kase = this.build(args);
    this.kase.fire();
  }

  /**
   * Starts a case at `at`; the start is validated by the procedure's schema as the API would. `policy`: the one the
   * case pins, by default the one in force now.
   */
  static start(
    start: { procedure: Procedure } & Record<string, unknown>,
    at: Instant,
    calendar?: CalendarYear[],
    policy: Record<string, number> = policyInForce(start.procedure),
    startedBy?: CaseArgs<unknown, unknown>['startedBy'],
  ): SimulatedCase {
    const parsed = procedureOf(start.procedure).start.parse(start);
    return new SimulatedCase({ start: parsed, calendar, policy, startedBy }, ms(at));
  }

  /** What the case's next flush writes (its new notices and audit entries, its view), taken as the runtime takes it. */
  takeRecords(): FlushInput {
    const { state, engine, caseId } = this.kase;
    const notices = engine.notices.slice(state.noticesWritten);
    state.noticesWritten += notices.length;
    return { caseId, notices, audit: state.audit.splice(0), view: this.kase.view(), revision: state.revision };
  }

  get now(): number {
    return this.clock;
  }

  /** Reports an action now (its `at` defaults to now), validated by the procedure's schema; throws Rejected if refused. */
  act(type: string, fields: Record<string, unknown> = {}): CaseView {
    return this.submit({ actionId: randomUUID(), actor: this.kase.start.officerId, ...fields, type });
  }

  /** Submits an action as the Update does: validated by the procedure's schema, then refused (Rejected) or accepted. */
  submit(envelope: ActionEnvelope): CaseView {
    // The role is the API's to set, never a body's (the schema strips it): kept as the API passes it on.
    const action = {
      ...(actionSchemas[this.kase.start.procedure].parse(envelope) as ActionEnvelope),
      ...(envelope.role ? { role: envelope.role } : {}),
    };
    const rejection = this.kase.rejection(action);
    if (rejection) throw new Rejected(rejection.type, rejection.message);
    return structuredClone(this.kase.accept(action));
  }

  /** The reason the case gives for refusing the action; fails the test if it was accepted. */
  rejection(type: string, fields: Record<string, unknown> = {}): string {
    try {
      this.act(type, fields);
    } catch (err) {
      if (err instanceof Rejected) return err.message;
      throw err;
    }
    throw new Error(`${type} was accepted`);
  }

  /** Moves the clock to `target`, taking every wake-up on the way. */
  advanceTo(target: Instant): this {
    const until = ms(target);
    if (until < this.clock) throw new Error(`cannot go back from ${formatInstant(this.clock)} to ${formatInstant(until)}`);
    for (;;) {
      const wake = this.kase.state.status === 'open' ? this.kase.engine.nextWake(this.clock) : undefined;
      if (!wake || wake.at > until) break;
      this.clock = wake.at;
      this.kase.fire();
    }
    this.clock = until;
    this.kase.fire();
    return this;
  }

  advanceHours(hours: number): this {
    return this.advanceTo(this.clock + hours * hour);
  }

  advanceDays(days: number): this {
    return this.advanceTo(this.clock + days * day);
  }

  /** A year of the working-day calendar loaded while the case runs. */
  loadCalendar(year: CalendarYear): this {
    this.kase.changeCalendar(year);
    this.kase.fire();
    return this;
  }

  /** Carries the state into a new run as continue-as-new does (through JSON, as Temporal stores it). */
  continueAsNew(): this {
    const carried = JSON.parse(JSON.stringify(this.kase.carry()));
    this.kase = this.build({ ...this.args, carried });
    return this;
  }

  /** What the case said arrived already due, as the answer to its start says it. */
  arrivedDue(): ArrivedDue[] {
    return this.kase.arrivedDue();
  }

  view(): CaseView {
    return structuredClone(this.kase.view());
  }

  obligation(key: string, period?: string) {
    const found = this.view().obligations.find((o) => o.key === key && o.period === period);
    if (!found) throw new Error(`no obligation ${key}${period ? ` ${period}` : ''}`);
    return found;
  }

  /** Notices issued so far, with the facts they state and when (local time). */
  notices(kind?: string): Array<Omit<IssuedNotice, 'createdAt'> & { createdAt: string }> {
    return this.kase.engine.notices
      .filter((n) => kind === undefined || n.kind === kind)
      .map((n) => ({ ...structuredClone(n), createdAt: formatInstant(n.createdAt) }));
  }

  /** Who was sent a notice of `kind` and when ("station-leader 2026-03-09T23:59:59+08:00"), about a duty (and period) if given. */
  sent(kind: string, key?: string, period?: string): string[] {
    return this.notices(kind)
      .filter((n) => (key === undefined || n.obligationKey === key) && (period === undefined || n.period === period))
      .map((n) => `${n.recipient} ${n.createdAt}`);
  }

  /** The "current details" the Temporal UI shows. */
  details(): string {
    return this.kase.details();
  }

  private procedure() {
    return procedureOf(this.kase.start.procedure);
  }

  private build(args: CaseArgs<unknown, unknown>) {
    const start = args.start as { procedure: Procedure; caseNumber: string };
    const definition = definitionOf(start.procedure);
    return new Case(definition, caseIdOf(start.procedure, start.caseNumber), args as CaseArgs<CaseStartFields, unknown>, () => this.clock);
  }
}

/** A bail start pinned to Monday 2026-03-02 (term to 2026-09-30), for the simulator tests of the procedure and the engine. */
export function pinnedBailStart(overrides: Record<string, unknown> = {}) {
  return {
    procedure: 'bail-surveillance' as const,
    caseNumber: 'XA-2026-0301',
    stationId: 'S-01',
    officerId: 'P-20931',
    measure: 'bail',
    subject: { name: '张三', idNumber: '110101199001011234', address: '北京市东城区某街1号' },
    decisionAuthority: { name: '某区人民法院', kind: 'court' },
    guarantee: { kind: 'guarantor', guarantorName: '李四' },
    noticeReceivedAt: '2026-03-02T09:00:00+08:00',
    reportBy: '2026-03-04T09:00:00+08:00',
    termStart: '2026-03-02',
    termEnd: '2026-09-30',
    ...overrides,
  };
}

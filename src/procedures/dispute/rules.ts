/**
 * Dispute (矛盾纠纷排查化解, Art. 72–76, 105): the officer triages the dispute (a non-police matter is diverted and
 * its progress checked), mediates on the spot, refers a failed mediation to people's or professional mediation or
 * mediates under public security, visits after a resolution or a repeated alarm, and the case marks repeats and
 * specific subjects, reports risky repeats upward and escalates to the basic control centre.
 */
import {
  type DisputeKpi,
  type DisputePolicy,
  type DisputeRecords,
  type DisputeRoute,
  type EscalationTrigger,
  type RouteKind,
  type RouteStage,
  type SpecificSubjectKind,
  type StepName,
  disputeProcedure,
  endedStages,
  focusCategories,
  isCriminalRisk,
  referralsFor,
  riskRank,
} from './descriptor';
import type { DisputeAction, DisputeStart } from './schema';
import { endOfDay, formatInstant, localDate } from '../../case/legal-time';
import { type Recipient, isOpen } from '../../case/obligation';
import type { CaseContext, ProcedureDefinition } from '../../case/case';

type Context = CaseContext<DisputeStart, DisputeRecords>;
type Records = Omit<DisputeRecords, 'kpi'>;

const { duties } = disputeProcedure;

/** The route an action on one is checked against: `check` finds it (or refuses), `apply` acts on that one. */
export const dispute: ProcedureDefinition<DisputeStart, DisputeAction, DisputeRecords, DisputePolicy, DisputeRoute> = {
  descriptor: disputeProcedure,

  begin(ctx, policy) {
    const { start } = ctx;
    const now = ctx.now();
    ctx.owe(duties.triage, { rule: 'within-hours', from: now, n: policy.triageHours });
    const records: Records = {
      source: start.source,
      category: start.category,
      occurredAt: start.occurredAt,
      relatedCaseNumbers: start.relatedCaseNumbers ?? [],
      // Names stay in the start input: the case keeps each party's index and role only.
      parties: start.parties.map((p, party) => ({ party, role: p.role })),
      riskLevel: start.riskLevel,
      riskChanges: [],
      routes: [],
      steps: [],
      repeatCount: 0,
      failedMediations: 0,
      superiorReports: 0,
      controlCentreEscalations: [],
      specificSubjects: [],
    };
    arrive(ctx, records, policy);
    return { ...records, kpi: kpiOf(ctx.engine, records, now) };
  },

  check(ctx, action, at) {
    const { records, start } = ctx;
    const intervention = openIntervention(records);
    switch (action.type) {
      case 'triaged':
        return records.triage ? 'the dispute has already been triaged' : undefined;
      case 'progress-checked': {
        const route = pick(records, ['progress', 'referred'], action.route, 'progress check');
        if (typeof route === 'string') return route;
        if (route.kind === 'diversion' && action.outcome !== 'ongoing' && action.outcome !== 'resolved') {
          return 'a diverted dispute is checked on until it is resolved (Art. 75): the outcome is ongoing or resolved';
        }
        if (action.outcome === 'handed-over' && route.referral?.to !== 'arbitration-or-court') {
          return 'only a dispute taken to arbitration or a court is handed over at a progress check';
        }
        return { resolved: route };
      }
      case 'mediated-on-site':
        if (!records.triage) return 'the dispute has not been triaged';
        return intervention && intervention.stage !== 'on-site'
          ? `the intervention on route ${intervention.no} is under way (${intervention.stage}): no new on-site mediation`
          : undefined;
      case 'referred': {
        if (!records.triage) return 'the dispute has not been triaged';
        if (!intervention || intervention.stage !== 'unresolved') {
          return 'a referral follows an on-site mediation that failed (Art. 74)';
        }
        const fits = referralsFor(start.category);
        if (!fits.includes(action.to)) return `a ${start.category} dispute is referred to ${fits.join(' or ')} (Art. 74(1), (2))`;
        if (start.category !== 'professional' && !action.legalEducation) {
          return 'a general civil dispute is referred after legal education of the parties (Art. 74(1))';
        }
        return undefined;
      }
      case 'security-mediation-recorded':
        if (!records.triage) return 'the dispute has not been triaged';
        if (intervention && intervention.stage !== 'on-site' && intervention.stage !== 'unresolved') {
          return `the intervention on route ${intervention.no} is under way (${intervention.stage}): no new public-security mediation`;
        }
        return action.performBy && action.performBy < localDate(at) ? 'the agreed date is before the mediation' : undefined;
      case 'agreement-performance-checked': {
        const route = pick(records, ['agreement'], action.route, 'agreement performance check');
        return typeof route === 'string' ? route : { resolved: route };
      }
      case 'repeat-alarm':
        return badParty(records, action.concerns?.map((c) => c.party) ?? []);
      case 'follow-up-visited': {
        const route = pick(records, ['follow-up'], action.route, 'follow-up visit');
        return typeof route === 'string' ? route : { resolved: route };
      }
      case 'superior-reported':
        return openDuties(ctx, duties.superiorReport.key).length ? undefined : 'no report to the superior public security organ is owed';
      case 'control-centre-coordinated':
        return openDuties(ctx, duties.controlCentreCoordination.key).length ? undefined : 'no coordination by the control centre is awaited';
      case 'specific-subject-marked': {
        const bad = badParty(records, [action.party]);
        if (bad) return bad;
        const subject = records.specificSubjects.find((s) => s.party === action.party);
        return subject?.marked.includes(action.kind) ? `party ${action.party} is already marked as ${action.kind}` : undefined;
      }
      case 'risk-changed':
        return action.riskLevel === records.riskLevel ? `the risk is already ${action.riskLevel}` : undefined;
      case 'closed': {
        if (!records.triage) return 'the dispute has not been triaged';
        const open = records.routes.filter((r) => !ended(r));
        if (open.length) return `routes still open: ${open.map((r) => `${r.no} (${r.kind}, ${r.stage})`).join(', ')}`;
        const duty = ctx.engine.all().filter(isOpen);
        return duty.length ? `duties still open: ${duty.map((o) => o.id).join(', ')}` : undefined;
      }
    }
  },

  apply(ctx, action, at, policy, route) {
    const { engine, records } = ctx;
    const by = action.actor;
    switch (action.type) {
      case 'triaged': {
        engine.complete(engine.get(duties.triage.key)!, at, by);
        records.triage = { decision: action.decision, at: formatInstant(at) };
        step(records, at, 'triage', '74', by, { outcome: action.decision });
        if (action.decision === 'intervene') {
          openRoute(records, 'intervention', 'on-site', at);
          break;
        }
        // 属于非警务事项的，应当分流到有关部门和基层组织处理 (Art. 74); then 及时了解化解进展情况 (Art. 75).
        const route = openRoute(records, 'diversion', 'progress', at);
        route.divertedTo = action.divertedTo!;
        step(records, at, 'diversion', '74', by, { route, outcome: action.divertedTo!.kind });
        // Departments are reached through the township government or street office's grass-roots governance platform.
        const recipient: Recipient = action.divertedTo!.kind === 'department' ? 'township-government' : 'community-organisation';
        ctx.notify('diversion', [recipient], about('74', '非警务矛盾纠纷分流转办'), {
          ...caseFacts(records),
          divertedTo: action.divertedTo!.name,
        });
        declareProgressCheck(ctx, route, at, policy);
        break;
      }
      case 'progress-checked': {
        route.progressChecks += 1;
        engine.complete(engine.get(duties.progressCheck.key, `${route.no}.${route.progressChecks}`)!, at, by);
        step(records, at, 'progress-check', '75', by, { route, outcome: action.outcome });
        switch (action.outcome) {
          case 'ongoing':
            declareProgressCheck(ctx, route, at, policy);
            break;
          case 'resolved':
            if (route.kind === 'diversion') endRoute(route, 'resolved', at);
            else owe(ctx, route, at, policy);
            break;
          case 'failed':
            route.stage = 'unresolved';
            mediationFailed(ctx, policy, action.actionId);
            break;
          case 'handed-over':
            endRoute(route, 'handed-over', at);
            break;
        }
        break;
      }
      case 'mediated-on-site': {
        const route = openIntervention(records) ?? openRoute(records, 'intervention', 'on-site', at);
        step(records, at, 'on-site-mediation', '74', by, { route, outcome: action.outcome });
        if (action.outcome === 'resolved') {
          owe(ctx, route, at, policy);
        } else {
          route.stage = 'unresolved';
          mediationFailed(ctx, policy, action.actionId);
        }
        break;
      }
      case 'referred': {
        const route = openIntervention(records)!;
        route.referral = { to: action.to, venue: action.venue, legalEducation: action.legalEducation };
        route.stage = 'referred';
        step(records, at, 'referral', action.to === 'people-mediation' ? '74(1)' : '74(2)', by, {
          route,
          outcome: action.venue ? `${action.to} @ ${action.venue}` : action.to,
        });
        declareProgressCheck(ctx, route, at, policy);
        break;
      }
      case 'security-mediation-recorded': {
        const route = openIntervention(records) ?? openRoute(records, 'intervention', 'on-site', at);
        step(records, at, 'public-security-mediation', '74', by, { route, outcome: `${action.cause}: agreement ${action.agreement}` });
        route.securityMediation = { cause: action.cause, agreement: action.agreement, performBy: action.performBy };
        if (action.agreement === 'not-reached') {
          reportToStation(ctx, route, at, action.actionId, 'no agreement');
          mediationFailed(ctx, policy, action.actionId);
          break;
        }
        route.stage = 'agreement';
        ctx.owe(
          duties.agreementPerformance,
          {
            at: endOfDay(action.performBy!),
            rule: 'agreed date',
            explanation: [`the parties agreed to perform by ${action.performBy}`, 'checked by the end of that day'],
          },
          { period: String(route.no) },
        );
        break;
      }
      case 'agreement-performance-checked': {
        engine.complete(engine.get(duties.agreementPerformance.key, String(route.no))!, at, by);
        step(records, at, 'agreement-performance', '74', by, { route, outcome: action.performed ? 'performed' : 'not performed' });
        // 调解未达成协议或者不履行的，报所予以依法处理 (Art. 74).
        if (action.performed) {
          owe(ctx, route, at, policy);
        } else {
          reportToStation(ctx, route, at, action.actionId, 'agreement not performed');
          mediationFailed(ctx, policy, action.actionId);
        }
        break;
      }
      case 'repeat-alarm': {
        records.repeatCount += 1;
        const route = openRoute(records, 'repeat-alarm', 'follow-up', at);
        route.alarm = records.repeatCount;
        if (action.alarmRef) route.alarmRef = action.alarmRef;
        step(records, at, 'repeat-alarm', '75', by, { route, outcome: `repeat ${records.repeatCount}` });
        // 重复矛盾纠纷 … 及时在社区警务工作模块中标注 (Art. 73): the case marks it at the first repeat.
        if (!records.repeatMarkedAt) {
          records.repeatMarkedAt = formatInstant(at);
          step(records, at, 'repeat-marked', '73', 'system', { route });
        }
        // 对当事人重复报警的矛盾纠纷，社区民警应当跟进回访 (Art. 75).
        ctx.owe(duties.followUpVisit, { rule: 'within-days', from: at, n: policy.followUpDays }, { period: String(route.no) });
        for (const concern of action.concerns ?? []) flagSpecificSubject(ctx, concern.party, concern.kind, at, policy);
        maybeOweSuperiorReport(ctx, records, at, policy);
        maybeEscalateRepeats(ctx, policy, `action/${action.actionId}`);
        break;
      }
      case 'follow-up-visited': {
        engine.complete(engine.get(duties.followUpVisit.key, String(route.no))!, at, by);
        step(records, at, 'follow-up-visit', '75', by, { route });
        endRoute(route, route.kind === 'repeat-alarm' ? 'followed-up' : 'resolved', at);
        break;
      }
      case 'superior-reported': {
        for (const o of openDuties(ctx, duties.superiorReport.key)) engine.complete(o, at, by);
        records.superiorReports += 1;
        step(records, at, 'superior-report', '74(3)', by);
        const facts: Record<string, string | number | boolean> = { ...caseFacts(records), history: history(records) };
        if (action.documentRef) facts.documentRef = action.documentRef;
        ctx.notify('superior-report', ['superior-police'], about('74(3)', duties.superiorReport.titleZh, duties.superiorReport.key), facts);
        break;
      }
      case 'control-centre-coordinated': {
        for (const o of openDuties(ctx, duties.controlCentreCoordination.key)) engine.complete(o, at, by);
        step(records, at, 'control-centre-coordinated', '105', by);
        break;
      }
      case 'specific-subject-marked': {
        const subject = subjectOf(records, action.party);
        subject.marked.push(action.kind);
        if (!subject.flagged.includes(action.kind)) subject.flagged.push(action.kind);
        const owed = engine.get(duties.specificSubjectMark.key, `party-${action.party}`);
        if (!subject.markedAt) {
          subject.markedAt = formatInstant(at);
          subject.markedOnTime = owed ? at <= owed.dueAt : true;
        }
        if (owed) engine.complete(owed, at, by);
        step(records, at, 'specific-subject-marked', '75', by, { outcome: `party ${action.party} (${subject.role}): ${action.kind}` });
        // 标注为特定对象采取帮教转化措施 (Art. 75): the station starts the special handling in its own procedure.
        ctx.notify('specific-subject', ['station'], about('75', '标注特定对象，采取帮教转化措施'), {
          ...caseFacts(records),
          party: action.party,
          role: subject.role,
          specificSubject: action.kind,
        });
        break;
      }
      case 'risk-changed': {
        const from = records.riskLevel;
        records.riskLevel = action.riskLevel;
        records.riskChanges.push({ from, to: action.riskLevel, at: formatInstant(at), by });
        step(records, at, 'risk-change', '73', by, { outcome: `${from}→${action.riskLevel}` });
        if (action.riskLevel === 'major') escalateToControlCentre(ctx, records, policy, 'major-risk', `action/${action.actionId}`);
        if (riskRank(action.riskLevel) > riskRank(from)) maybeOweSuperiorReport(ctx, records, at, policy);
        break;
      }
      case 'closed': {
        const main = records.routes.filter((r) => r.kind !== 'repeat-alarm').at(-1)!;
        const outcome = main.stage === 'handed-over' ? 'handed-over' : 'resolved';
        step(records, at, 'end', '74', by, { outcome });
        records.summary = {
          outcome,
          routes: records.routes.map((r) => `route ${r.no} ${r.kind}: ${r.steps.join(' → ')} ⇒ ${r.stage}`),
          repeatCount: records.repeatCount,
          superiorReports: records.superiorReports,
          controlCentreEscalations: records.controlCentreEscalations.length,
          specificSubjects: records.specificSubjects.filter((s) => s.markedAt).length,
          riskLevel: records.riskLevel,
        };
        ctx.close(outcome);
        break;
      }
    }
    records.kpi = kpiOf(engine, records, ctx.now());
  },

  onFired(ctx) {
    // A duty that just became overdue counts against Art. 76(1) at once, not at the next action.
    ctx.records.kpi = kpiOf(ctx.engine, ctx.records, ctx.now());
  },
};

function ended(route: DisputeRoute): boolean {
  return endedStages.includes(route.stage);
}

/** The officer's own handling still under way; there is at most one. */
function openIntervention(records: DisputeRecords): DisputeRoute | undefined {
  return records.routes.find((r) => r.kind === 'intervention' && !ended(r));
}

/** The route an action means: the one named, or the only one at one of `stages`; else why not. Changes nothing. */
function pick(records: DisputeRecords, stages: RouteStage[], no: number | undefined, what: string): DisputeRoute | string {
  if (no !== undefined) {
    const route = records.routes.find((r) => r.no === no);
    if (!route) return `there is no route ${no}`;
    return stages.includes(route.stage) ? route : `route ${no} has no ${what} open (it is ${route.stage})`;
  }
  const candidates = records.routes.filter((r) => stages.includes(r.stage));
  if (candidates.length === 1) return candidates[0];
  if (!candidates.length) return `no ${what} is open`;
  return `a ${what} is open on routes ${candidates.map((r) => r.no).join(', ')}: name the route`;
}

function badParty(records: DisputeRecords, parties: number[]): string | undefined {
  const bad = parties.find((p) => p >= records.parties.length);
  return bad === undefined ? undefined : `there is no party ${bad} (the case has ${records.parties.length})`;
}

function openDuties(ctx: Context, key: string) {
  return ctx.engine.all().filter((o) => o.key === key && isOpen(o));
}

function openRoute(records: DisputeRecords, kind: RouteKind, stage: RouteStage, at: number): DisputeRoute {
  const route: DisputeRoute = { no: records.routes.length + 1, kind, stage, openedAt: formatInstant(at), progressChecks: 0, steps: [] };
  records.routes.push(route);
  return route;
}

function endRoute(route: DisputeRoute, stage: RouteStage, at: number): void {
  route.stage = stage;
  route.endedAt = formatInstant(at);
}

function step(
  records: Records,
  at: number,
  name: StepName,
  article: string,
  by: string,
  { route, outcome }: { route?: DisputeRoute; outcome?: string } = {},
): void {
  records.steps.push({ seq: records.steps.length + 1, at: formatInstant(at), step: name, article, route: route?.no, outcome, by });
  route?.steps.push(outcome ? `${name} (${outcome})` : name);
}

/** The next progress check of a diverted or referred dispute, one period at a time: `${route}.${sequence}`. */
function declareProgressCheck(ctx: Context, route: DisputeRoute, from: number, policy: DisputePolicy): void {
  ctx.owe(duties.progressCheck, { rule: 'within-days', from, n: policy.progressCheckDays }, { period: `${route.no}.${route.progressChecks + 1}` });
}

/** A resolved intervention is followed up by a visit (跟进回访, Art. 75, 76(1)). */
function owe(ctx: Context, route: DisputeRoute, at: number, policy: DisputePolicy): void {
  route.stage = 'follow-up';
  ctx.owe(duties.followUpVisit, { rule: 'within-days', from: at, n: policy.followUpDays }, { period: String(route.no) });
}

/** 报所予以依法处理 (Art. 74): the station takes the dispute over; the route ends handed over. */
function reportToStation(ctx: Context, route: DisputeRoute, at: number, actionId: string, reason: string): void {
  const { records } = ctx;
  ctx.notify('station-report', ['station'], about('74', '治安调解未达成协议或者不履行，报所依法处理'), {
    ...caseFacts(records),
    cause: route.securityMediation!.cause,
    reason,
  });
  step(records, at, 'station-report', '74', 'system', { route, outcome: reason });
  endRoute(route, 'handed-over', at);
}

/**
 * 对因婚恋、家庭、邻里、债务等矛盾纠纷重复报警，可能导致“民转刑”或者引发个人极端暴力案件、群体性事件的，应当及时 …
 * 向上级公安机关报告 (Art. 74(3)). Owed again on each new repeat or raised risk, unless a report is still owed.
 */
function maybeOweSuperiorReport(ctx: Pick<Context, 'engine' | 'owe'>, records: Records, at: number, policy: DisputePolicy): void {
  const { engine } = ctx;
  if (!isRepeated(records) || !focusCategories.includes(records.category) || !isCriminalRisk(records.riskLevel)) return;
  if (engine.all().some((o) => o.key === duties.superiorReport.key && isOpen(o))) return;
  const sequence = engine.all().filter((o) => o.key === duties.superiorReport.key).length + 1;
  ctx.owe(duties.superiorReport, { rule: 'within-hours', from: at, n: policy.superiorReportHours }, { period: String(sequence) });
}

/** 提请基础管控中心协调 (Art. 105): a notice at once to the control centre, and to the station leader who asks for it. */
function escalateToControlCentre(
  ctx: Pick<Context, 'now' | 'notify' | 'owe'>,
  records: Records,
  policy: DisputePolicy,
  trigger: EscalationTrigger,
  ref: string,
): void {
  const now = ctx.now();
  records.controlCentreEscalations.push({ trigger, at: formatInstant(now) });
  step(records, now, 'control-centre-escalation', '105', 'system', { outcome: trigger });
  ctx.notify(
    'control-centre-escalation',
    ['control-centre', 'station-leader'],
    about('105', '提请基础管控中心协调化解矛盾纠纷'),
    { ...caseFacts(records), trigger, history: history(records) },
    ref,
  );
  // Visible, reminded and escalated while nobody has acted on the request.
  ctx.owe(
    duties.controlCentreCoordination,
    { rule: 'within-working-days', from: now, n: policy.controlCentreCoordinationWorkingDays },
    { period: String(records.controlCentreEscalations.length), opens: now },
  );
}

/**
 * 多次调处无果仍重复报警 (Art. 105): the repeated alarms and, in a case started under the exact reading, the failed
 * mediations; once per case.
 */
function maybeEscalateRepeats(ctx: Context, policy: DisputePolicy, ref: string): void {
  const { records } = ctx;
  if (records.controlCentreEscalations.some((e) => e.trigger === 'repeat-alarms')) return;
  if (records.repeatCount < policy.repeatAlarmsBeforeControlCentre) return;
  if ((records.failedMediations ?? 0) < policy.failedMediationsBeforeControlCentre) return;
  escalateToControlCentre(ctx, records, policy, 'repeat-alarms', ref);
}

/** A mediation came to nothing: counted toward Art. 105, which may now be met. */
function mediationFailed(ctx: Context, policy: DisputePolicy, actionId: string): void {
  ctx.records.failedMediations = (ctx.records.failedMediations ?? 0) + 1;
  maybeEscalateRepeats(ctx, policy, `action/${actionId}`);
}

/** Whether the dispute is a repeated one (重复矛盾纠纷, Art. 73): marked at its first repeated alarm, or on arrival. */
function isRepeated(records: Records): boolean {
  return records.repeatMarkedAt !== undefined;
}

/**
 * A dispute as it arrives: one with earlier related cases is repeated from the start (marked, Art. 73), and one that
 * arrives at major risk is treated as a change to it: the control centre is asked at once (Art. 105), and the Art. 74(3)
 * report is owed when a focus dispute is repeated at high or major risk.
 */
function arrive(ctx: Omit<Context, 'records'>, records: Records, policy: DisputePolicy): void {
  const now = ctx.now();
  if (records.relatedCaseNumbers.length) {
    records.repeatMarkedAt = formatInstant(now);
    step(records, now, 'repeat-marked', '73', 'system', { outcome: `related cases ${records.relatedCaseNumbers.join(', ')}` });
  }
  if (records.riskLevel === 'major') escalateToControlCentre(ctx, records, policy, 'major-risk', 'start');
  maybeOweSuperiorReport(ctx, records, now, policy);
}

/** A party an alarm shows to be a specific subject: its marking is owed (及时标注, Art. 75) unless already done or owed. */
function flagSpecificSubject(ctx: Context, party: number, kind: SpecificSubjectKind, at: number, policy: DisputePolicy): void {
  const { records } = ctx;
  const subject = subjectOf(records, party);
  if (!subject.flagged.includes(kind)) subject.flagged.push(kind);
  if (subject.markedAt || subject.flaggedAt) return;
  subject.flaggedAt = formatInstant(at);
  step(records, at, 'specific-subject-flagged', '75', 'system', { outcome: `party ${party} (${subject.role}): ${kind}` });
  ctx.owe(duties.specificSubjectMark, { rule: 'within-days', from: at, n: policy.specificSubjectMarkDays }, { period: `party-${party}` });
}

function subjectOf(records: DisputeRecords, party: number) {
  let subject = records.specificSubjects.find((s) => s.party === party);
  if (!subject) {
    subject = { party, role: records.parties[party].role, flagged: [], marked: [] };
    records.specificSubjects.push(subject);
  }
  return subject;
}

/** What every notice about the dispute states: no names, no place. */
function caseFacts(records: Records): Record<string, string | number> {
  return { category: records.category, riskLevel: records.riskLevel, repeatCount: records.repeatCount };
}

/** The mediation history for a report: the steps taken, by name and outcome. */
function history(records: Records): string {
  return records.steps.map((s) => (s.outcome ? `${s.step} (${s.outcome})` : s.step)).join('; ');
}

function about(article: string, titleZh: string, obligationKey?: string) {
  return { article, titleZh, obligationKey };
}

/** Art. 76's facts for this case, from its duties and records. */
function kpiOf(engine: Context['engine'], records: Omit<DisputeRecords, 'kpi'>, now: number): DisputeKpi {
  const followUps = engine.all().filter((o) => (o.key === 'progress-check' || o.key === 'follow-up-visit') && o.status !== 'cancelled');
  const onTime = followUps.filter((o) => o.status === 'done' && !o.late).length;
  const late = followUps.filter((o) => o.status === 'done' && o.late).length;
  const open = followUps.filter(isOpen);
  const overdue = open.filter((o) => o.dueAt <= now).length;
  return {
    followUp: { owed: followUps.length, onTime, late, open: open.length, overdue, onTimeSoFar: late === 0 && overdue === 0 },
    repeat: { repeated: isRepeated(records), marked: records.repeatMarkedAt !== undefined, markedAt: records.repeatMarkedAt },
    specificSubjects: {
      found: records.specificSubjects.length,
      marked: records.specificSubjects.filter((s) => s.markedAt).length,
      markedOnTime: records.specificSubjects.filter((s) => s.markedOnTime).length,
    },
    asOf: formatInstant(now),
  };
}

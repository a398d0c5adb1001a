/**
 * Bail / residential surveillance (取保候审 / 监视居住, Art. 41(8)): the subject reports, the officer explains
 * the rules and gives feedback to the decision authority within 3 days, checks compliance every month, visits the
 * subject in full at least every six months (Art. 42), handles applications and violations, and 10 days before the
 * term ends tells the authority how the subject complied.
 */
import type { BailAction, BailStart } from './schema';
import { type BailPolicy, type BailRecords, applicationKindsFor, bailPolicyDefaults, bailSurveillanceProcedure } from './descriptor';
import { addDays, addMonths, endOfDay, formatInstant, parseInstant, startOfDay } from '../../case/legal-time';
import { type IssuedNotice, type Obligation, isOpen } from '../../case/obligation';
import type { CaseContext, ProcedureDefinition } from '../../case/case';
import { fullVisitRejection, oweFullVisits, recordFullVisit } from '../../case/specific-subject';

const { duties, articles: article } = bailSurveillanceProcedure;
const hour = 3_600_000;

type Context = CaseContext<BailStart, BailRecords>;

export const bailSurveillance: ProcedureDefinition<BailStart, BailAction, BailRecords, BailPolicy> = {
  descriptor: bailSurveillanceProcedure,

  adoptionSettles(start) {
    const facts = start.adoption?.facts ?? {};
    return [
      ...(facts.subjectReportedAt ? [{ key: duties.subjectReport.key, fact: 'subjectReportedAt' }] : []),
      ...(facts.rulesExplained ? [{ key: duties.rulesExplained.key, fact: 'rulesExplained' }] : []),
      ...(facts.feedbackSent ? [{ key: duties.authorityFeedback.key, fact: 'feedbackSent' }] : []),
      ...(facts.lastComplianceCheckMonth
        ? [{ key: duties.complianceCheck.key, through: facts.lastComplianceCheckMonth, fact: 'lastComplianceCheckMonth' }]
        : []),
    ];
  },

  begin(ctx, policy) {
    const { start } = ctx;
    const facts = start.adoption?.facts;
    ctx.owe(duties.subjectReport, {
      at: parseInstant(start.reportBy),
      rule: 'set by the decision authority',
      explanation: [`report by ${start.reportBy}`],
    });
    ctx.oweEvery(duties.complianceCheck, { everyMonths: 1, from: start.termStart });
    declareTermDuties(ctx, start.termEnd, policy, 'declared');
    const records: BailRecords = {
      measure: start.measure,
      termStart: start.termStart,
      termEnd: start.termEnd,
      applications: [],
      violations: [],
      complianceChecks: [],
      fullVisits: oweFullVisits(ctx, policy),
    };
    // Reported before adoption: the duties that follow the report were owed from then (settled by facts, or to review).
    if (facts?.subjectReportedAt) {
      const reportedAt = parseInstant(facts.subjectReportedAt);
      records.subjectReportedAt = formatInstant(reportedAt);
      oweAfterReport(ctx, reportedAt, policy);
    }
    return records;
  },

  check(ctx, action, at) {
    const { engine, records } = ctx;
    const open = (key: string, period?: string) => engine.isOpen(key, period);
    switch (action.type) {
      case 'subject-reported':
        return open(duties.subjectReport.key) ? undefined : 'the subject has already reported';
      case 'rules-explained':
        if (!records.subjectReportedAt) return 'the subject has not reported yet';
        return open(duties.rulesExplained.key) ? undefined : 'the rules have already been explained';
      case 'feedback-sent':
        if (!records.subjectReportedAt) return 'feedback is due only after the subject has reported';
        return open(duties.authorityFeedback.key) ? undefined : 'feedback has already been sent';
      case 'compliance-checked':
        return open(duties.complianceCheck.key, action.month) ? undefined : `no compliance check is open for ${action.month}`;
      case 'application-received': {
        const fits = (applicationKindsFor[records.measure] as readonly string[]).includes(action.kind);
        if (!fits) return `a ${action.kind} application does not apply to ${records.measure}`;
        return records.applications.some((a) => a.applicationId === action.applicationId)
          ? `application ${action.applicationId} was already received`
          : undefined;
      }
      case 'application-decided': {
        const application = records.applications.find((a) => a.applicationId === action.applicationId);
        if (!application) return `no application ${action.applicationId} was received`;
        return application.decision ? `application ${action.applicationId} was already decided` : undefined;
      }
      case 'violation-reported':
        return action.by === 'guarantor' && ctx.start.guarantee?.kind !== 'guarantor' ? 'the case has no guarantor' : undefined;
      case 'term-changed': {
        if (action.termEnd === records.termEnd) return 'the term already ends on that day';
        if (action.termEnd < records.termStart) return 'the term would end before it starts';
        const months = records.measure === 'bail' ? bailPolicyDefaults.maxBailMonths : bailPolicyDefaults.maxSurveillanceMonths;
        const limit = addDays(addMonths(records.termStart, months), -1);
        return action.termEnd > limit ? `a ${records.measure} term may not exceed ${months} months (until ${limit})` : undefined;
      }
      case 'expiry-report-sent': {
        const report = openExpiryReport(ctx);
        if (!report) return `the decision authority has already been told for the term ending ${records.termEnd}`;
        return at < report.opensAt! ? `the expiry report may be sent from ${formatInstant(report.opensAt!)}` : undefined;
      }
      case 'visited-in-full':
        return fullVisitRejection(ctx, at);
      case 'authority-decided':
        return undefined;
    }
  },

  apply(ctx, action, at, policy) {
    const { engine, records } = ctx;
    const rules = policy;
    switch (action.type) {
      case 'subject-reported': {
        engine.complete(engine.get(duties.subjectReport.key)!, at, action.actor);
        records.subjectReportedAt = formatInstant(at);
        oweAfterReport(ctx, at, rules);
        return;
      }
      case 'rules-explained':
        engine.complete(engine.get(duties.rulesExplained.key)!, at, action.actor);
        return;
      case 'feedback-sent': {
        const feedback = engine.get(duties.authorityFeedback.key)!;
        engine.complete(feedback, at, action.actor);
        const facts: Record<string, string | boolean> = { late: feedback.late };
        if (action.documentRef) facts.documentRef = action.documentRef;
        ctx.notify('authority-feedback', ['decision-authority'], about(feedback.titleZh, feedback.key), facts);
        return;
      }
      case 'compliance-checked':
        engine.complete(engine.get(duties.complianceCheck.key, action.month)!, at, action.actor);
        records.complianceChecks.push({ month: action.month, compliant: action.compliant, at: formatInstant(at) });
        return;
      case 'application-received':
        records.applications.push({ applicationId: action.applicationId, kind: action.kind, receivedAt: formatInstant(at) });
        return;
      case 'application-decided': {
        const application = records.applications.find((a) => a.applicationId === action.applicationId)!;
        application.decision = action.decision;
        application.decidedAt = formatInstant(at);
        return;
      }
      case 'violation-reported':
        records.violations.push({ by: action.by, reportedAt: formatInstant(at) });
        // 发现违反有关规定 … 及时告知决定机关
        ctx.notify('violation', ['decision-authority'], about('违反规定情况告知决定机关'), { by: action.by, description: action.description });
        return;
      case 'term-changed':
        records.termEnd = action.termEnd;
        declareTermDuties(ctx, action.termEnd, rules, `term changed by the decision authority to end ${action.termEnd}`);
        engine.changeRollingEnd(duties.halfYearlyVisit.key, action.termEnd, ctx.now());
        return;
      case 'expiry-report-sent': {
        const report = openExpiryReport(ctx)!;
        engine.complete(report, at, action.actor);
        const facts: IssuedNotice['facts'] = { ...complianceSummary(ctx), late: report.late };
        if (action.documentRef) facts.documentRef = action.documentRef;
        ctx.notify('expiry-report', ['decision-authority'], { ...about(report.titleZh, report.key), period: report.period }, facts);
        return;
      }
      case 'visited-in-full':
        recordFullVisit(ctx, at, action.actor);
        return;
      case 'authority-decided': {
        engine.complete(engine.get(duties.authorityDecision.key)!, at, action.actor);
        records.decision = action.decision;
        ctx.close(action.decision);
        return;
      }
    }
  },
};

/** Duties that hang on the term's end: telling the authority before it, and its decision. Moves them when the term changes. */
function declareTermDuties(ctx: Omit<Context, 'records'>, termEnd: string, rules: BailPolicy, reason: string): void {
  const duty = duties.expiryReport;
  const previous = ctx.engine.all().filter((o) => o.key === duty.key);
  const pending = previous.find(isOpen);
  // 期限届满十日前将相关情况通知决定机关; a notice already sent for an earlier end leaves a new one owed for the new end.
  const period = pending ? pending.period : previous.length ? termEnd : undefined;
  const opens = startOfDay(addDays(termEnd, -rules.expiryReportOpensDaysBefore));
  ctx.owe(duty, { rule: 'days-before', from: termEnd, n: rules.expiryNoticeDaysBefore }, { period, reason, opens });
  ctx.owe(duties.authorityDecision, endOfDay(termEnd), { reason });
}

/** The officer's expiry report still owed, if any. */
function openExpiryReport(ctx: Context): Obligation | undefined {
  return ctx.engine.all().find((o) => o.key === duties.expiryReport.key && isOpen(o));
}

/** 相关情况: how the subject has complied, from the case's records (counts and dates, no personal data). */
function complianceSummary(ctx: Context): NonNullable<IssuedNotice['facts']> {
  const { records, engine } = ctx;
  const checks = engine.all().filter((o) => o.key === duties.complianceCheck.key);
  const decided = (decision: 'approved' | 'refused') => records.applications.filter((a) => a.decision === decision).length;
  const summary: NonNullable<IssuedNotice['facts']> = {
    measure: records.measure,
    termStart: records.termStart,
    termEnd: records.termEnd,
    complianceChecks: records.complianceChecks.length,
    complianceChecksNonCompliant: records.complianceChecks.filter((c) => !c.compliant).length,
    complianceChecksLate: checks.filter((o) => o.status === 'done' && o.late).length,
    complianceChecksMissed: checks.filter((o) => o.status === 'overdue').length,
    violationsBySubject: records.violations.filter((v) => v.by === 'subject').length,
    violationsByGuarantor: records.violations.filter((v) => v.by === 'guarantor').length,
    applications: records.applications.length,
    applicationsApproved: decided('approved'),
    applicationsRefused: decided('refused'),
    applicationsUndecided: records.applications.filter((a) => !a.decision).length,
  };
  if (records.subjectReportedAt) summary.subjectReportedAt = records.subjectReportedAt;
  summary.fullVisits = records.fullVisits.length;
  return summary;
}

function about(titleZh: string, obligationKey?: string) {
  return { article, titleZh, obligationKey };
}

/** What the subject's report owes: the rules explained, and feedback to the decision authority. */
function oweAfterReport(ctx: Omit<Context, 'records'>, at: number, rules: BailPolicy): void {
  ctx.owe(duties.rulesExplained, at + rules.rulesExplainedHours * hour, { opens: at });
  // 接到通知和人员报到后 … 三日内向决定机关反馈: counted from the later of the two.
  const from = Math.max(parseInstant(ctx.start.noticeReceivedAt), at);
  ctx.owe(duties.authorityFeedback, { rule: 'within-days', from, n: rules.feedbackDays }, { opens: from });
}

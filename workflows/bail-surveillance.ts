/**
 * Bail / residential surveillance (取保候审 / 监视居住, Art. 41(8)): the subject reports, the officer explains
 * the rules and gives feedback to the decision authority within 3 days, checks compliance every month,
 * handles applications and violations, and the authority is notified 10 days before the term ends.
 */
import type { BailAction, BailStart } from '../src/domain/bail-surveillance.schema';
import { type BailPolicy, type BailRecords, applicationKindsFor, bailPolicyDefaults } from '../src/domain/bail-surveillance';
import type { CaseView } from '../src/domain/case';
import { addDays, addMonths, endOfDay, formatInstant, parseInstant } from '../src/domain/legal-time';
import { isOpen } from '../src/domain/obligation';
import { type CaseArgs, type CaseContext, type ProcedureDefinition, runCase } from './case-runtime';

const article = '41(8)';
const hour = 3_600_000;

type Context = CaseContext<BailStart, BailRecords>;

/** One bail or residential-surveillance case, from the decision's arrival to the authority's final decision. */
export async function bailSurveillanceWorkflow(args: CaseArgs<BailStart, BailRecords>): Promise<CaseView<BailRecords>> {
  return runCase(bailSurveillance, args);
}

const bailSurveillance: ProcedureDefinition<BailStart, BailAction, BailRecords, BailPolicy> = {
  procedure: 'bail-surveillance',
  policy: bailPolicyDefaults,

  begin(ctx, policy) {
    const { start, engine } = ctx;
    const now = ctx.now();
    engine.declare(
      {
        key: 'subject-report',
        article,
        titleZh: '被取保候审/监视居住人报到',
        titleEn: 'Subject reports in person',
        responsible: 'officer',
        dueAt: parseInstant(start.reportBy),
        basis: { rule: 'set by the decision authority', explanation: [`report by ${start.reportBy}`], warnings: [] },
        // 未在规定期限内报到的，应当报所通知决定机关
        onOverdue: { kind: 'subject-not-reported', recipients: ['station', 'decision-authority'] },
        escalateToSupervisor: false,
      },
      now,
    );
    engine.declareRecurring({
      key: 'compliance-check',
      article,
      titleZh: '定期了解遵守规定情况并记录',
      titleEn: 'Monthly compliance check',
      responsible: 'officer',
      everyMonths: 1,
      from: start.termStart,
    });
    declareTermDuties(ctx, start.termEnd, policy , 'declared');
    return {
      measure: start.measure,
      termStart: start.termStart,
      termEnd: start.termEnd,
      applications: [],
      violations: [],
      complianceChecks: [],
    };
  },

  check(ctx, action) {
    const { engine, records } = ctx;
    const open = (key: string, period?: string) => engine.isOpen(key, period);
    switch (action.type) {
      case 'subject-reported':
        return open('subject-report') ? undefined : 'the subject has already reported';
      case 'rules-explained':
        if (!records.subjectReportedAt) return 'the subject has not reported yet';
        return open('rules-explained') ? undefined : 'the rules have already been explained';
      case 'feedback-sent':
        if (!records.subjectReportedAt) return 'feedback is due only after the subject has reported';
        return open('authority-feedback') ? undefined : 'feedback has already been sent';
      case 'compliance-checked':
        return open('compliance-check', action.month) ? undefined : `no compliance check is open for ${action.month}`;
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
      case 'authority-decided':
        return undefined;
    }
  },

  apply(ctx, action, at, policy) {
    const { engine, records } = ctx;
    const rules = policy;
    switch (action.type) {
      case 'subject-reported': {
        engine.complete(engine.get('subject-report')!, at, action.actor);
        records.subjectReportedAt = formatInstant(at);
        engine.declare(
          {
            key: 'rules-explained',
            article,
            titleZh: '告知应遵守的规定及违反规定的法律后果',
            titleEn: 'Explain the rules and the consequences of breaking them',
            responsible: 'officer',
            opensAt: at,
            dueAt: at + rules.rulesExplainedHours * hour,
            reminderLeadHours: 0,
          },
          ctx.now(),
        );
        // 接到通知和人员报到后 … 三日内向决定机关反馈: counted from the later of the two.
        const from = Math.max(parseInstant(ctx.start.noticeReceivedAt), at);
        const due = ctx.deadline('within-days', from, rules.feedbackDays);
        engine.declare(
          {
            key: 'authority-feedback',
            article,
            titleZh: '向决定机关反馈',
            titleEn: 'Feedback to the decision authority',
            responsible: 'officer',
            opensAt: from,
            dueAt: due.at,
            basis: due.basis,
          },
          ctx.now(),
        );
        return;
      }
      case 'rules-explained':
        engine.complete(engine.get('rules-explained')!, at, action.actor);
        return;
      case 'feedback-sent': {
        const feedback = engine.get('authority-feedback')!;
        engine.complete(feedback, at, action.actor);
        const facts: Record<string, string | boolean> = { late: feedback.late };
        if (action.documentRef) facts.documentRef = action.documentRef;
        engine.issue({ kind: 'authority-feedback', recipients: ['decision-authority'] }, `action/${action.actionId}`, ctx.now(), about(feedback.titleZh, 'authority-feedback'), facts);
        return;
      }
      case 'compliance-checked':
        engine.complete(engine.get('compliance-check', action.month)!, at, action.actor);
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
        engine.issue(
          { kind: 'violation', recipients: ['decision-authority'] },
          `action/${action.actionId}`,
          ctx.now(),
          about('违反规定情况告知决定机关'),
          { by: action.by, description: action.description },
        );
        return;
      case 'term-changed':
        records.termEnd = action.termEnd;
        declareTermDuties(ctx, action.termEnd, rules, `term changed by the decision authority to end ${action.termEnd}`);
        return;
      case 'authority-decided': {
        engine.complete(engine.get('authority-decision')!, at, action.actor);
        records.decision = action.decision;
        ctx.close(action.decision);
        return;
      }
    }
  },
};

/** Duties that hang on the term's end: the expiry notice and the authority's decision. Moves them when the term changes. */
function declareTermDuties(ctx: Omit<Context, 'records'>, termEnd: string, rules: BailPolicy, reason: string): void {
  const { engine } = ctx;
  const now = ctx.now();
  // 期限届满十日前将相关情况通知决定机关
  const due = ctx.deadline('days-before', termEnd, rules.expiryNoticeDaysBefore);
  const previous = engine.all().filter((o) => o.key === 'expiry-notice');
  const pending = previous.find(isOpen);
  engine.declare(
    {
      key: 'expiry-notice',
      period: pending ? pending.period : previous.length ? termEnd : undefined,
      article,
      titleZh: '期限届满十日前通知决定机关',
      titleEn: 'Notify the decision authority 10 days before the term ends',
      responsible: 'system',
      dueAt: due.at,
      basis: due.basis,
      issues: { kind: 'expiry-notice', recipients: ['decision-authority'] },
    },
    now,
    reason,
  );
  engine.declare(
    {
      key: 'authority-decision',
      article,
      titleZh: '决定机关作出处理决定（解除、变更或结案）',
      titleEn: "The decision authority's decision at the end of the term",
      responsible: 'decision-authority',
      dueAt: endOfDay(termEnd),
    },
    now,
    reason,
  );
}

function about(titleZh: string, obligationKey?: string) {
  return { article, titleZh, obligationKey };
}

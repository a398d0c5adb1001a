/**
 * Hazard rectification (治安隐患整改, Art. 60–62): the order to rectify by a deadline is filed within 24 hours; a
 * unit's written extension request is reviewed and reported to the station, which decides; the officer re-inspects
 * when the deadline expires, or earlier at the unit's request; a failure with a justified reason is reported to the
 * township government or the unit's superior department and the station may set a new deadline, a failure without
 * one is referred to the station for penalty.
 */
import type { HazardAction, HazardStart } from './schema';
import {
  type ExtensionRequest,
  type HazardKpi,
  type HazardPolicy,
  type HazardRecords,
  type HazardRound,
  hazardRectificationProcedure,
} from './descriptor';
import { addDays, endOfDay, formatInstant, localDate, parseInstant, startOfDay } from '../../case/legal-time';
import { type Obligation, isOpen } from '../../case/obligation';
import type { CaseContext, ProcedureDefinition } from '../../case/case';

const { duties } = hazardRectificationProcedure;
const article = '61';

type Context = Omit<CaseContext<HazardStart, HazardRecords>, 'records'>;

export const hazardRectification: ProcedureDefinition<HazardStart, HazardAction, HazardRecords, HazardPolicy> = {
  descriptor: hazardRectificationProcedure,

  adoptionSettles(start) {
    return start.adoption?.facts?.orderFiled ? [{ key: duties.filing.key, fact: 'orderFiled' }] : [];
  },

  begin(ctx, policy) {
    const { start } = ctx;
    const decidedAt = parseInstant(start.decidedAt);
    // 作出决定后的二十四小时内，应当报所属公安机关备案
    ctx.owe(duties.filing, { rule: 'within-hours', from: decidedAt, n: policy.filingHours }, { opens: decidedAt });
    const records: HazardRecords = {
      unit: { name: start.unit.name, creditCode: start.unit.creditCode, keyUnit: start.unit.keyUnit },
      hazardCount: start.hazards.length,
      decidedAt: formatInstant(decidedAt),
      stage: 'rectifying',
      rounds: [],
      kpi: { reinspectedOnTime: 'pending', failureReported: 'not-applicable' },
    };
    openRound(ctx, records, start.rectifyBy, 'decision', policy);
    return records;
  },

  check(ctx, action, at) {
    const { engine, records } = ctx;
    if (at < parseInstant(ctx.start.decidedAt)) return 'the act is dated before the rectification decision';
    const round = currentRound(records);
    const pending = pendingExtension(round);
    const awaitsDecision = pending && `extension request ${pending.documentRef} awaits the station's decision`;
    const rectifying = records.stage === 'rectifying';
    switch (action.type) {
      case 'filed':
        return isOpen(engine.get(duties.filing.key)!) ? undefined : 'the decision has already been filed';
      case 'extension-requested':
        if (!rectifying) return 'no rectification period is running';
        // Art. 61: 书面延期整改申请 — only a written request, made while the period runs.
        if (!action.documentRef?.trim()) return 'an extension is requested in writing: documentRef is required';
        if (at > endOfDay(round.rectifyBy)) return `the request came after the rectification deadline (${round.rectifyBy})`;
        if (pending) return awaitsDecision;
        if (round.earlyReinspectionRequestedAt) return 'the unit has asked for an early re-inspection';
        return action.requestedUntil > round.rectifyBy ? undefined : `${action.requestedUntil} does not extend the deadline (${round.rectifyBy})`;
      case 'extension-reviewed':
        if (!pending) return 'no extension request awaits review';
        return pending.reviewedAt ? `extension request ${pending.documentRef} has already been reported to the station` : undefined;
      case 'extension-decided':
        if (!pending) return 'no extension request awaits a decision';
        // 社区民警应当进行审查并报所定: the station decides on the officer's report.
        if (!pending.reviewedAt) return 'the officer has not yet reviewed the request and reported it to the station';
        if (action.decision === 'refused') return undefined;
        if (action.newDeadline <= round.rectifyBy) return `${action.newDeadline} does not extend the deadline (${round.rectifyBy})`;
        return action.newDeadline < localDate(at) ? 'the new deadline has already passed' : undefined;
      case 'reinspection-requested':
        if (!rectifying) return 'no rectification period is running';
        if (round.earlyReinspectionRequestedAt) return 'an early re-inspection has already been requested';
        if (at > endOfDay(round.rectifyBy)) return `the rectification deadline (${round.rectifyBy}) has passed: the re-inspection is due anyway`;
        return pending ? awaitsDecision : undefined;
      case 'reinspected': {
        if (!rectifying) return 'no rectification period awaits a re-inspection';
        // 对整改期满或者单位提出提前复查申请的 … 进行复查: not while the unit still has time and has not asked.
        if (at < reinspectionOf(ctx, round).opensAt!) {
          return round.earlyReinspectionRequestedAt
            ? 'the re-inspection is dated before the unit asked for it'
            : `the rectification period runs until the end of ${round.rectifyBy} and the unit has not asked for an early re-inspection`;
        }
        return pending ? awaitsDecision : undefined;
      }
      case 'failure-reported':
        return openFailureReport(ctx) ? undefined : 'no failed rectification awaits a report';
      case 'new-deadline-set':
        if (records.stage !== 'awaiting-new-deadline') return 'a new deadline follows a re-inspection that failed with a justified reason';
        return action.rectifyBy < localDate(at) ? 'the new deadline has already passed' : undefined;
      case 'referred-elsewhere':
        if (records.stage !== 'awaiting-new-deadline') return 'a case is handed on after a re-inspection that failed with a justified reason';
        // The Art. 61 report of the failure is owed whatever the station then decides: it comes first.
        return openFailureReport(ctx) ? 'the failed rectification has not been reported yet' : undefined;
    }
  },

  apply(ctx, action, at, policy) {
    const { engine, records } = ctx;
    const now = ctx.now();
    const round = currentRound(records);
    switch (action.type) {
      case 'filed': {
        const filing = engine.get(duties.filing.key)!;
        engine.complete(filing, at, action.actor);
        records.filing = { filingNumber: action.filingNumber, filedAt: formatInstant(at), late: filing.late };
        ctx.notify('filing', ['station'], about('责令限期整改决定备案', filing), { filingNumber: action.filingNumber, late: filing.late });
        break;
      }
      case 'extension-requested': {
        const n = records.rounds.reduce((count, r) => count + r.extensions.length, 0) + 1;
        round.extensions.push({ n, documentRef: action.documentRef, requestedAt: formatInstant(at), requestedUntil: action.requestedUntil });
        ctx.owe(duties.extensionReview, { rule: 'within-days', from: at, n: policy.extensionReviewDays }, { period: `request-${n}`, opens: at });
        break;
      }
      case 'extension-reviewed': {
        const request = pendingExtension(round)!;
        const review = engine.get(duties.extensionReview.key, `request-${request.n}`)!;
        engine.complete(review, at, action.actor);
        request.reviewedAt = formatInstant(at);
        if (action.recommendation) request.recommendation = action.recommendation;
        const facts: Record<string, string | boolean> = {
          documentRef: request.documentRef,
          rectifyBy: round.rectifyBy,
          requestedUntil: request.requestedUntil,
          late: review.late,
        };
        if (action.recommendation) facts.recommendation = action.recommendation;
        ctx.notify('extension-review', ['station'], about('延期整改申请审查意见报所', review), facts);
        ctx.owe(
          duties.extensionDecision,
          { rule: 'within-working-days', from: at, n: policy.extensionDecisionWorkingDays },
          { period: `request-${request.n}`, opens: at },
        );
        break;
      }
      case 'extension-decided': {
        const request = pendingExtension(round)!;
        completeIfOwed(ctx, duties.extensionDecision.key, `request-${request.n}`, at, action.actor);
        request.decision = action.decision;
        request.decidedAt = formatInstant(at);
        if (action.decision === 'approved') {
          request.newDeadline = action.newDeadline;
          round.rectifyBy = action.newDeadline;
          scheduleReinspection(ctx, round, policy, `extension approved by the station: rectify by ${action.newDeadline}`);
        }
        break;
      }
      case 'reinspection-requested': {
        round.earlyReinspectionRequestedAt = formatInstant(at);
        const reinspection = reinspectionOf(ctx, round);
        // The window opens at the request; the officer then has the policy's days, never more than at the deadline.
        const due = ctx.deadline('within-days', at, policy.reinspectionDays);
        const earlier = due.at < reinspection.dueAt;
        engine.reschedule(
          reinspection,
          earlier ? due.at : reinspection.dueAt,
          now,
          `the unit asked for an early re-inspection on ${formatInstant(at)}`,
          earlier ? { opensAt: at, basis: due.basis } : { opensAt: at },
        );
        break;
      }
      case 'reinspected': {
        const reinspection = reinspectionOf(ctx, round);
        engine.complete(reinspection, at, action.actor);
        round.reinspection = {
          at: formatInstant(at),
          dueAt: formatInstant(reinspection.dueAt),
          onTime: !reinspection.late && at <= reinspection.dueAt,
        };
        if (action.result === 'passed') {
          round.result = 'passed';
          records.stage = 'rectified';
        } else if (action.justified) {
          // 复查发现整改情况难以达到规定要求的，及时报告当地乡镇人民政府、街道办事处，或者通报单位上一级主管部门
          round.result = 'failed-justified';
          records.stage = 'awaiting-new-deadline';
          ctx.owe(
            duties.failureReport,
            { rule: 'within-days', from: at, n: policy.failureReportDays },
            { period: `round-${round.round}`, opens: at },
          );
          ctx.owe(
            duties.newDeadline,
            { rule: 'within-working-days', from: at, n: policy.newDeadlineWorkingDays },
            { period: `round-${round.round}`, opens: at },
          );
        } else {
          // 对无正当理由致使整改情况未达到规定要求的，按逾期不整改治安隐患依法处理
          round.result = 'failed-unjustified';
          records.stage = 'referred';
          ctx.notify(
            'referral',
            ['station'],
            { article, titleZh: '无正当理由未整改，按逾期不整改治安隐患依法处理' },
            { round: round.round, rectifyBy: round.rectifyBy },
          );
        }
        break;
      }
      case 'failure-reported': {
        const report = openFailureReport(ctx)!;
        engine.complete(report, at, action.actor);
        const failed = records.rounds.find((r) => `round-${r.round}` === report.period)!;
        failed.failureReport = { recipient: action.recipient, reportedAt: formatInstant(at), late: report.late };
        ctx.notify('rectification-failure', [action.recipient], about('整改情况难以达到规定要求的报告（通报）', report), {
          unit: records.unit.name,
          rectifyBy: failed.rectifyBy,
          reinspectedAt: failed.reinspection!.at,
        });
        break;
      }
      case 'new-deadline-set':
        completeIfOwed(ctx, duties.newDeadline.key, `round-${round.round}`, at, action.actor);
        records.stage = 'rectifying';
        openRound(ctx, records, action.rectifyBy, 'station', policy);
        break;
      case 'referred-elsewhere': {
        completeIfOwed(ctx, duties.newDeadline.key, `round-${round.round}`, at, action.actor);
        round.referredElsewhere = { to: action.to, at: formatInstant(at), ...(action.documentRef ? { documentRef: action.documentRef } : {}) };
        records.stage = 'referred-elsewhere';
        break;
      }
    }
    records.kpi = kpiOf(records);
    if (records.stage === 'rectified' || records.stage === 'referred' || records.stage === 'referred-elsewhere') ctx.close(records.stage);
  },
};

/** Starts a rectification round: its deadline and the re-inspection that follows it. */
function openRound(ctx: Context, records: HazardRecords, rectifyBy: string, setBy: HazardRound['setBy'], policy: HazardPolicy): void {
  const round: HazardRound = { round: records.rounds.length + 1, rectifyBy, setBy, extensions: [] };
  records.rounds.push(round);
  scheduleReinspection(ctx, round, policy, 'declared');
}

/** Declares the round's re-inspection after its deadline, or moves it when the deadline moved. */
function scheduleReinspection(ctx: Context, round: HazardRound, policy: HazardPolicy, reason: string): void {
  // 整改期满: the period ends with the deadline day; the re-inspection is due within the policy's days after it.
  ctx.owe(
    duties.reinspection,
    { rule: 'within-days', from: endOfDay(round.rectifyBy), n: policy.reinspectionDays },
    {
      period: `round-${round.round}`,
      opens: startOfDay(addDays(round.rectifyBy, 1)),
      reason,
    },
  );
}

/** Completes a duty if the case owes it; a case started before the duty existed does not. */
function completeIfOwed(ctx: Context, key: string, period: string, at: number, actor: string): void {
  const duty = ctx.engine.get(key, period);
  if (duty && isOpen(duty)) ctx.engine.complete(duty, at, actor);
}

function currentRound(records: HazardRecords): HazardRound {
  return records.rounds[records.rounds.length - 1];
}

function pendingExtension(round: HazardRound): ExtensionRequest | undefined {
  return round.extensions.find((e) => e.decision === undefined);
}

function reinspectionOf(ctx: Context, round: HazardRound): Obligation {
  return ctx.engine.get(duties.reinspection.key, `round-${round.round}`)!;
}

function openFailureReport(ctx: Context): Obligation | undefined {
  return ctx.engine.all().find((o) => o.key === duties.failureReport.key && isOpen(o));
}

/** Art. 62(2) and (3) for this case: every re-inspection on time, every justified failure reported. */
function kpiOf(records: HazardRecords): HazardKpi {
  const reinspected = records.rounds.flatMap((r) => (r.reinspection ? [r.reinspection] : []));
  const failed = records.rounds.filter((r) => r.result === 'failed-justified');
  return {
    reinspectedOnTime: !reinspected.length ? 'pending' : reinspected.every((r) => r.onTime) ? 'yes' : 'no',
    failureReported: !failed.length ? 'not-applicable' : failed.every((r) => r.failureReport) ? 'yes' : 'no',
  };
}

function about(titleZh: string, o: Obligation) {
  return { article: o.article, titleZh, obligationKey: o.key, period: o.period };
}

/**
 * Case follow-up visits (案件回访, Art. 80): once a case in the officer's area is filed, a follow-up visit within a
 * week; once it is concluded, another visit; a visit that finds a major risk is reported to the station leader at once.
 */
import type { FollowUpAction, FollowUpStart } from './schema';
import { type FollowUpPolicy, type FollowUpRecords, type VisitKind, caseFollowUpProcedure } from './descriptor';
import { formatInstant, parseInstant } from '../../case/legal-time';
import { type Obligation, isOpen } from '../../case/obligation';
import type { CaseContext, ProcedureDefinition } from '../../case/case';

const { duties } = caseFollowUpProcedure;

type Context = CaseContext<FollowUpStart, FollowUpRecords>;

export const caseFollowUp: ProcedureDefinition<FollowUpStart, FollowUpAction, FollowUpRecords, FollowUpPolicy> = {
  descriptor: caseFollowUpProcedure,

  adoptionSettles(start) {
    return start.adoption?.facts?.filingVisitMade ? [{ key: duties.filingVisit.key, fact: 'filingVisitMade' }] : [];
  },

  begin(ctx, policy) {
    const { start } = ctx;
    const filedAt = parseInstant(start.filedAt);
    // 案件立案后，一周内跟进回访
    ctx.owe(duties.filingVisit, { rule: 'within-days', from: filedAt, n: policy.filingVisitDays }, { opens: filedAt });
    return {
      caseKind: start.caseKind,
      filedAt: formatInstant(filedAt),
      victimCount: start.victimCount,
      visits: [],
      kpi: { filing: start.adoption?.facts?.filingVisitMade ? 'before-adoption' : 'pending', conclusion: 'pending' },
    };
  },

  check(ctx, action, at) {
    const { records } = ctx;
    if (at < parseInstant(records.filedAt)) return 'the act is dated before the case was filed';
    switch (action.type) {
      case 'case-concluded':
        return records.concludedAt ? `the case was already concluded on ${records.concludedAt}` : undefined;
      case 'visited': {
        if (action.visit === 'filing') return visitOf(ctx, 'filing') ? undefined : 'the filing visit has already been made';
        if (!records.concludedAt) return 'the case has not been concluded yet';
        return at < parseInstant(records.concludedAt) ? 'the visit is dated before the case was concluded' : undefined;
      }
    }
  },

  apply(ctx, action, at, policy) {
    const { engine, records } = ctx;
    switch (action.type) {
      case 'case-concluded':
        records.concludedAt = formatInstant(at);
        // 结案后进行回访: the regulation names no period; the policy's days, counted like the filing week.
        ctx.owe(duties.conclusionVisit, { rule: 'within-days', from: at, n: policy.conclusionVisitDays }, { opens: at });
        return;
      case 'visited': {
        const duty = visitOf(ctx, action.visit)!;
        engine.complete(duty, at, action.actor);
        records.visits.push({
          visit: action.visit,
          at: formatInstant(at),
          covered: action.covered,
          riskFound: action.riskFound ?? false,
          late: duty.late,
        });
        records.kpi[action.visit] = duty.late ? 'late' : 'on-time';
        if (action.riskFound) {
          // 发现重大风险及时上报 (Art. 80(五))
          ctx.notify(
            'major-risk',
            ['station-leader'],
            { article: '80(5)', titleZh: '回访发现重大风险上报', obligationKey: duty.key },
            {
              visit: action.visit,
              caseKind: records.caseKind,
            },
          );
        }
        if (action.visit === 'conclusion') conclude(ctx, at, action.actor);
        return;
      }
    }
  },
};

/** The visit's duty while it is owed. */
function visitOf(ctx: Context, visit: VisitKind): Obligation | undefined {
  const o = ctx.engine.get(visit === 'filing' ? duties.filingVisit.key : duties.conclusionVisit.key);
  return o && isOpen(o) ? o : undefined;
}

/**
 * Closes the case after the conclusion visit. A filing visit still owed is discharged by it when it fell within the
 * filing week (a case concluded within days of filing needs one visit, not two); otherwise it is recorded as missed.
 */
function conclude(ctx: Context, at: number, actor: string): void {
  const filing = visitOf(ctx, 'filing');
  if (filing && at <= filing.dueAt) {
    ctx.engine.complete(filing, at, actor);
    ctx.records.kpi.filing = 'on-time';
  } else if (filing) {
    ctx.records.kpi.filing = 'missed';
  } else if (ctx.engine.get(duties.filingVisit.key)?.status === 'before-adoption') {
    ctx.records.kpi.filing = 'before-adoption';
  }
  ctx.close(ctx.records.kpi.filing === 'missed' ? 'filing-visit-missed' : 'followed-up');
}

/**
 * Deprivation of political rights (剥夺政治权利, Art. 41(4)): when the sentenced person reports, the officer announces
 * the crime, the term and the rules to the person, the unit and the community organisation; the person reports
 * activities every month of the term; the officer visits the person in full at least every six months (Art. 42);
 * within five working days before the term ends the officer reports to the station; from the term's last day the
 * station notifies the three in writing; at the end of the term the rights are restored. Terms last years, or life.
 */
import type { DeprivedRightsAction, DeprivedRightsStart } from './schema';
import { type AnnouncementAudience, type DeprivedRightsPolicy, type DeprivedRightsRecords, deprivedRightsProcedure } from './descriptor';
import { addDays, endOfDay, formatInstant, parseInstant, startOfDay } from '../../case/legal-time';
import { type Obligation, isOpen } from '../../case/obligation';
import type { CaseContext, ProcedureDefinition } from '../../case/case';
import { fullVisitRejection, oweFullVisits, recordFullVisit } from '../../case/specific-subject';

const { duties, articles: article } = deprivedRightsProcedure;
const hour = 3_600_000;

type Context = CaseContext<DeprivedRightsStart, DeprivedRightsRecords>;

export const deprivedRights: ProcedureDefinition<DeprivedRightsStart, DeprivedRightsAction, DeprivedRightsRecords, DeprivedRightsPolicy> = {
  descriptor: deprivedRightsProcedure,

  adoptionSettles(start) {
    const facts = start.adoption?.facts ?? {};
    return [
      ...(facts.announcementMade ? [{ key: duties.announcement.key, fact: 'announcementMade' }] : []),
      ...(facts.lastMonthlyReportMonth
        ? [{ key: duties.monthlyReport.key, through: facts.lastMonthlyReportMonth, fact: 'lastMonthlyReportMonth' }]
        : []),
      ...(facts.stationReportMade ? [{ key: duties.stationReport.key, fact: 'stationReportMade' }] : []),
    ];
  },

  begin(ctx, policy) {
    const { start } = ctx;
    const facts = start.adoption?.facts;
    // 每月督促罪犯报告一次活动情况: every calendar month of the term, from its first day, the next opening regardless.
    ctx.oweEvery(duties.monthlyReport, {
      everyMonths: 1,
      from: start.termStart,
      until: start.termEnd === null ? undefined : addDays(start.termEnd, -1),
    });
    if (start.termEnd !== null) {
      // 执行期满前五个工作日内报所: the window opens on the 5th working day before the end, the end itself not counted.
      ctx.owe(duties.stationReport, endOfDay(addDays(start.termEnd, -1)), {
        opens: { rule: 'working-days-before', from: start.termEnd, n: policy.stationReportWorkingDays },
      });
      ctx.owe(duties.rightsRestored, endOfDay(start.termEnd));
      // 由派出所书面通知: owed when the term expires, whatever became of the officer's report (a missing report is its
      // own overdue duty); deliverable from the term's last day, due a policy number of working days after it.
      ctx.owe(
        duties.writtenNotices,
        { rule: 'within-working-days', from: start.termEnd, n: policy.writtenNoticesWorkingDays },
        { opens: startOfDay(start.termEnd) },
      );
    }
    const records: DeprivedRightsRecords = {
      termStart: start.termStart,
      termEnd: start.termEnd,
      announcedTo: [],
      violations: [],
      fullVisits: oweFullVisits(ctx, policy),
    };
    if (facts?.subjectReportedAt) {
      // Reported before adoption: the announcement was owed from then (settled by a fact, or to review).
      const reportedAt = parseInstant(facts.subjectReportedAt);
      records.reportedAt = formatInstant(reportedAt);
      ctx.owe(duties.announcement, reportedAt + policy.announcementHours * hour, { opens: reportedAt });
      if (facts.announcementMade) records.announcedTo = audiences(ctx);
    }
    return records;
  },

  check(ctx, action, at) {
    const { engine, records } = ctx;
    const open = (key: string, period?: string) => engine.isOpen(key, period);
    switch (action.type) {
      case 'subject-reported':
        return records.reportedAt ? 'the sentenced person has already reported' : undefined;
      case 'announced': {
        if (!open(duties.announcement.key))
          return records.reportedAt ? 'the announcement has been made to everyone' : 'the sentenced person has not reported yet';
        const required = audiences(ctx);
        const unknown = action.to.filter((to) => !required.includes(to));
        if (unknown.length) return `the case has no ${unknown.join(', ')} to tell`;
        return action.to.every((to) => records.announcedTo.includes(to)) ? `already announced to ${action.to.join(', ')}` : undefined;
      }
      case 'activity-reported':
        return open(duties.monthlyReport.key, action.month) ? undefined : `no monthly report is open for ${action.month}`;
      case 'violation-recorded':
        return undefined;
      case 'station-reported': {
        const report = engine.get(duties.stationReport.key);
        if (!report || !isOpen(report))
          return records.termEnd === null ? 'a life-long deprivation has no station report' : 'the station has already been told';
        return ctx.now() < report.opensAt! ? `the station report window opens on ${formatInstant(report.opensAt!)}` : undefined;
      }
      case 'written-notices-delivered': {
        const notices = engine.get(duties.writtenNotices.key);
        if (!notices) return 'a life-long deprivation has no written notices';
        if (!isOpen(notices)) return 'the written notices were delivered';
        return at < notices.opensAt!
          ? `the written notices may be delivered from ${formatInstant(notices.opensAt!)}, the term's last day`
          : undefined;
      }
      case 'visited-in-full':
        return fullVisitRejection(ctx, at);
      case 'case-closed':
        return undefined;
    }
  },

  apply(ctx, action, at, policy) {
    const { engine, records } = ctx;
    switch (action.type) {
      case 'subject-reported':
        records.reportedAt = formatInstant(at);
        ctx.owe(duties.announcement, at + policy.announcementHours * hour, { opens: at });
        return;
      case 'announced': {
        for (const to of action.to) if (!records.announcedTo.includes(to)) records.announcedTo.push(to);
        if (audiences(ctx).every((a) => records.announcedTo.includes(a))) engine.complete(engine.get(duties.announcement.key)!, at, action.actor);
        return;
      }
      case 'activity-reported':
        engine.complete(engine.get(duties.monthlyReport.key, action.month)!, at, action.actor);
        closeWhenDone(ctx);
        return;
      case 'violation-recorded': {
        const penaltyProposed = action.penaltyProposed ?? false;
        records.violations.push({ at: formatInstant(at), penaltyProposed });
        // 对违反规定、尚未构成新的犯罪的，依法可以给予治安管理处罚: the station decides on the penalty.
        if (penaltyProposed) {
          ctx.notify('penalty-proposal', ['station'], { article, titleZh: '违反规定，建议给予治安管理处罚' }, { description: action.description });
        }
        return;
      }
      case 'station-reported':
        engine.complete(engine.get(duties.stationReport.key)!, at, action.actor);
        return;
      case 'written-notices-delivered': {
        const notices = engine.get(duties.writtenNotices.key)!;
        engine.complete(notices, at, action.actor);
        ctx.notify(
          'rights-restoration-notice',
          audiences(ctx),
          { article, obligationKey: notices.key, titleZh: notices.titleZh },
          { termEnd: records.termEnd! },
        );
        closeWhenDone(ctx);
        return;
      }
      case 'visited-in-full':
        recordFullVisit(ctx, at, action.actor);
        return;
      case 'case-closed':
        finish(ctx, 'closed-by-decision');
        return;
    }
  },

  onFired(ctx, fired) {
    const restored = fired.find((o) => o.key === duties.rightsRestored.key && o.status === 'done');
    if (!restored) return;
    const now = ctx.now();
    ctx.records.rightsRestoredAt = formatInstant(now);
    // The term is over: a monthly report or a visit never made can no longer be made; its overdue record stays.
    for (const key of [duties.monthlyReport.key, duties.halfYearlyVisit.key]) {
      ctx.engine.stopRecurring(key);
      for (const o of ctx.engine.all()) if (o.key === key) ctx.engine.cancel(o, now);
    }
    closeWhenDone(ctx);
  },
};

/** Who must be told: the person, the community organisation, and the unit when the person has one. */
function audiences(ctx: Pick<Context, 'start'>): AnnouncementAudience[] {
  return ctx.start.unit ? ['subject', 'unit', 'community-organisation'] : ['subject', 'community-organisation'];
}

/** After the rights are restored the case ends as soon as the station's last duties are done. */
function closeWhenDone(ctx: Context): void {
  if (ctx.records.rightsRestoredAt && !ctx.engine.all().some(isOpen)) finish(ctx, 'rights-restored');
}

function finish(ctx: Context, outcome: string): void {
  const obligations = ctx.engine.all();
  const monthly = obligations.filter((o: Obligation) => o.key === duties.monthlyReport.key);
  ctx.records.summary = {
    monthlyReports: monthly.filter((o) => o.status === 'done').length,
    reportedLate: monthly.filter((o) => o.status === 'done' && o.late).length,
    missed: monthly.filter((o) => o.status !== 'done' && o.overdueAt !== undefined).length,
    violations: ctx.records.violations.length,
    writtenNotices: ctx.engine.notices.filter((n) => n.kind === 'rights-restoration-notice').length,
    fullVisits: ctx.records.fullVisits.length,
  };
  ctx.close(outcome);
}

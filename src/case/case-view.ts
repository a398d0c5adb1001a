/**
 * What a case shows of itself: the view the API, the read model and the query answer, and the Temporal UI's "current
 * details" in words. Pure: bundled into workflows.
 */
import type { AdoptionView } from './adoption';
import type { CaseState, CaseStartFields } from './state';
import type { CaseView } from './contract';
import { formatInstant } from './legal-time';
import { isOpen } from './obligation';
import type { ObligationEngine } from './obligation-engine';
import type { ProcedureDescriptor } from './procedure';

/**
 * The Temporal UI's "current details": what the case is and its open duties in words, without personal data. The
 * first line repeats the static summary, which a run started by continue-as-new does not carry.
 */
export function caseDetails(view: CaseView, descriptor: Pick<ProcedureDescriptor, 'titleZh'>, engine: ObligationEngine): string {
  const heading = `**${descriptor.titleZh}** · 案件 ${view.caseNumber} · 派出所 ${view.stationId} · 民警 ${view.officerId}${view.run ? ` · 第 ${view.run + 1} 段运行` : ''}`;
  const warnings = view.warnings.map((w) => `> 注意：${w}`);
  if (view.recordsBlockedSince)
    warnings.unshift(`> **记录写入受阻**：自 ${view.recordsBlockedSince} 起通知、审计与读模型未能写入数据库，期限照常运行，恢复后补写`);
  if (view.adoption) {
    const { adoptedAt, toReview } = view.adoption;
    warnings.push(`> 接管于 ${adoptedAt}${toReview ? `：${toReview} 项接管前义务待核实` : ''}`);
  }
  if (view.status === 'closed') return [heading, `**已结案**（${view.outcome ?? ''}）`].join('\n');
  const open = engine
    .all()
    .filter(isOpen)
    .sort((a, b) => a.dueAt - b.dueAt);
  const lines = open.map((o) => {
    const status = o.status === 'overdue' ? '**已逾期**' : '待办';
    return `- ${status} ${o.titleZh}（${o.key}${o.period ? ` ${o.period}` : ''}，第${o.article}条）截止 ${formatInstant(o.dueAt)}`;
  });
  return [heading, ...warnings, open.length ? '**待办义务**' : '**无待办义务**', ...lines].join('\n');
}

export function caseView<S extends CaseStartFields, R>(
  caseId: string,
  start: S,
  state: CaseState<R>,
  engine: ObligationEngine,
  descriptor: Pick<ProcedureDescriptor, 'personal'>,
): CaseView<R> {
  const nextDue = engine.nextDueAt();
  const iso = (ms: number | undefined) => (ms === undefined ? undefined : formatInstant(ms));
  return {
    caseId,
    procedure: start.procedure,
    caseNumber: start.caseNumber,
    stationId: start.stationId,
    officerId: state.officerId ?? start.officerId,
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
      completionReceivedAt: iso(o.completionReceivedAt),
      late: o.late,
      overdueAt: iso(o.overdueAt),
      basis: o.basis,
      adoption: o.adoption && { ...o.adoption, reviewedAt: iso(o.adoption.reviewedAt) },
      changes: o.changes.length
        ? o.changes.map((c) => ({
            field: c.field ?? 'dueAt',
            reason: c.reason,
            from: formatInstant(c.from),
            to: formatInstant(c.to),
            at: formatInstant(c.at),
          }))
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
    warnings: [
      ...new Set(
        engine
          .all()
          .filter(isOpen)
          .flatMap((o) => o.basis?.warnings ?? []),
      ),
    ],
    calendar: state.calendar.map((y) => ({ year: y.year, version: y.version })),
    run: state.run,
    recordsBlockedSince: iso(state.recordsBlockedSince),
    adoption: adoptionView(start, state, engine),
    // A query answer only (it adds no command): cases recorded before it replay unchanged.
    personal: descriptor.personal?.(start),
  };
}

/**
 * The adoption as the case view shows it: present for a case started with one, or that arrived with duties already due
 * (adopted from its arrival). A closed case has nothing left to review.
 */
function adoptionView<R>(start: CaseStartFields, state: CaseState<R>, engine: ObligationEngine): AdoptionView | undefined {
  const before = engine.all().filter((o) => o.status === 'before-adoption');
  if (engine.adoptedAt === undefined && !engine.all().some((o) => o.adoption)) return undefined;
  const review = state.status === 'closed' ? [] : engine.toReview().sort((a, b) => a.dueAt - b.dueAt);
  const facts = Object.fromEntries(Object.entries(start.adoption?.facts ?? {}).filter(([, v]) => v !== undefined)) as AdoptionView['facts'];
  return {
    adoptedAt: formatInstant(engine.adoptedAt ?? state.startedAt),
    facts,
    settledByFacts: before.filter((o) => o.adoption?.fact).length,
    toReview: review.length,
    review: review.map((o) => ({ key: o.key, period: o.period, dueAt: formatInstant(o.dueAt) })),
  };
}

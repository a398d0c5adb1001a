import type { ActionEnvelope } from '../../src/case/contract';
import { parseInstant } from '../../src/case/legal-time';
import { defineProcedure } from '../../src/case/procedure';
import { Case, type ProcedureDefinition } from '../../src/case/case';

// A procedure of one duty whose `apply` has a bug for one kind of action: the case must refuse that action with the
// reason, change nothing, and go on keeping its deadline.
const errand = defineProcedure({
  name: 'errand',
  workflowType: 'errandWorkflow',
  titleZh: '测试',
  titleEn: 'Errand',
  articles: '0',
  policy: { days: 1 },
  duties: { errand: { key: 'errand', article: '0', titleZh: '办理', titleEn: 'Do the errand', responsible: 'officer' } },
});

type Start = { procedure: never; caseNumber: string; stationId: string; officerId: string };
type Action = ActionEnvelope & { type: 'done' | 'buggy' };

const definition: ProcedureDefinition<Start, Action, { log: string[] }, { days: number }> = {
  descriptor: errand as never,
  begin(ctx, policy) {
    ctx.owe(errand.duties.errand, { rule: 'within-days', from: ctx.now(), n: policy.days });
    return { log: [] };
  },
  check: () => undefined,
  apply(ctx, action, at) {
    ctx.records.log.push(action.type);
    if (action.type === 'buggy') throw new RangeError('Invalid time value');
    ctx.engine.complete(ctx.engine.get('errand')!, at, action.actor);
  },
};

const monday = parseInstant('2026-03-02T09:00:00+08:00');

test('an action the procedure cannot apply is refused with the reason and changes nothing; the case keeps its deadline', () => {
  let now = monday;
  const kase = new Case(definition, 'errand:E-1', { start: { caseNumber: 'E-1', stationId: 'S-01', officerId: 'P-1' } as Start }, () => now);
  const buggy: Action = { type: 'buggy', actionId: '00000000-0000-4000-8000-000000000001', actor: 'P-1' };
  const before = JSON.stringify(kase.view());
  expect(kase.rejection(buggy)).toEqual({ type: 'ActionRejected', message: 'the case cannot apply this action: Invalid time value' });
  expect(JSON.stringify(kase.view())).toBe(before);
  now = parseInstant('2026-03-03T23:59:59.999+08:00');
  kase.fire();
  expect(kase.view().obligations[0]).toMatchObject({ key: 'errand', status: 'overdue', overdueAt: '2026-03-03T23:59:59+08:00' });
  const done: Action = { type: 'done', actionId: '00000000-0000-4000-8000-000000000002', actor: 'P-1' };
  expect(kase.rejection(done)).toBeUndefined();
  expect(kase.accept(done).obligations[0]).toMatchObject({ status: 'done', late: true });
  expect(kase.view().records).toEqual({ log: ['done'] });
});

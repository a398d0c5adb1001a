/**
 * An officer reads and acts on the cases assigned to them; the station leader on every case of the station and moves a
 * case to another officer (`case-reassigned`), who then holds its open duties. On the API's fakes (the real case).
 */
import { randomUUID } from 'node:crypto';
import { buildTestApp, type TestApp } from '../helper';
import { authHeader } from '../support/auth';
import { bailStart } from '../support/cases';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t.app.close();
});

const officer = (sub: string) => authHeader({ role: 'officer', sub });
const leader = () => authHeader({ role: 'station-leader', sub: 'SL-01' });
const casePath = (caseId: string) => `/v1/cases/${encodeURIComponent(caseId)}`;

async function startedCase(): Promise<string> {
  const start = bailStart(Date.parse('2026-03-02T09:00:00+08:00'), { officerId: 'P-20931' });
  const res = await t.app.inject({
    method: 'POST',
    url: '/v1/cases',
    payload: start,
    headers: await authHeader({ role: 'station-system', sub: 'SYS-01' }),
  });
  expect(res.statusCode).toBe(201);
  return res.json().caseId;
}

const act = async (caseId: string, headers: { authorization: string }, fields: Record<string, unknown>) =>
  t.app.inject({ method: 'POST', url: `${casePath(caseId)}/actions`, headers, payload: { actionId: randomUUID(), ...fields } });

test("an officer is refused (404, as a case that does not exist) on another officer's case, and reads and acts on it once it is reassigned to them", async () => {
  const caseId = await startedCase();
  const before = t.temporal.received.length;
  expect((await t.app.inject({ method: 'GET', url: casePath(caseId), headers: await officer('P-20932') })).statusCode).toBe(404);
  const refused = await act(caseId, await officer('P-20932'), { type: 'subject-reported' });
  expect(refused.statusCode).toBe(404);
  expect(refused.json().error.code).toBe('case-not-found');
  expect(t.temporal.received.length).toBe(before);
  expect((await t.app.inject({ method: 'GET', url: casePath(caseId), headers: await officer('P-20931') })).statusCode).toBe(200);

  // Only the station leader moves a case, to an officer of the station, saying why.
  const byOfficer = await act(caseId, await officer('P-20931'), { type: 'case-reassigned', officerId: 'P-20932', reason: '调岗' });
  expect(byOfficer.statusCode).toBe(403);
  const moved = await act(caseId, await leader(), { type: 'case-reassigned', officerId: 'P-20932', reason: '原责任民警调岗' });
  expect(moved.statusCode).toBe(200);
  expect(moved.json().officerId).toBe('P-20932');
  const again = await act(caseId, await leader(), { type: 'case-reassigned', officerId: 'P-20932', reason: '重复' });
  expect(again.statusCode).toBe(409);
  expect(again.json().error.message).toBe('the case is already assigned to P-20932');

  expect((await t.app.inject({ method: 'GET', url: casePath(caseId), headers: await officer('P-20931') })).statusCode).toBe(404);
  const reported = await act(caseId, await officer('P-20932'), { type: 'subject-reported' });
  expect(reported.statusCode).toBe(200);
  expect(reported.json().obligations.find((o: { key: string }) => o.key === 'subject-report')).toMatchObject({
    status: 'done',
    completedBy: 'P-20932',
  });
});

test('the station leader reads every case of the station; an officer lists only the cases assigned to them', async () => {
  const caseId = await startedCase();
  expect((await t.app.inject({ method: 'GET', url: casePath(caseId), headers: await leader() })).statusCode).toBe(200);
  t.db.summaries.push(
    { caseId, procedure: 'bail-surveillance', caseNumber: 'A', stationId: 'S-01', officerId: 'P-20931', status: 'open', overdueCount: 0 },
    {
      caseId: 'bail-surveillance:OTHER',
      procedure: 'bail-surveillance',
      caseNumber: 'B',
      stationId: 'S-01',
      officerId: 'P-20932',
      status: 'open',
      overdueCount: 0,
    },
  );
  const listed = async (headers: { authorization: string }, query = '') =>
    (await t.app.inject({ method: 'GET', url: `/v1/cases${query}`, headers })).json().cases.map((c: { caseId: string }) => c.caseId);
  expect(await listed(await officer('P-20931'))).toEqual([caseId]);
  expect(await listed(await officer('P-20931'), '?officerId=P-20932')).toEqual([]);
  expect((await listed(await leader())).sort()).toEqual([caseId, 'bail-surveillance:OTHER'].sort());
});

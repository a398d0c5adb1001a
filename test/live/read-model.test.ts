/**
 * GET /v1/cases/{caseId} answers from the read model (with its revision and when it was written), the people it names
 * opened from their sealed column for the roles that need them; `consistency=strong` asks the case (a Temporal query).
 */
import { randomUUID } from 'node:crypto';
import type { CaseView } from '../../src/case/contract';
import { action, bailStart } from '../support/cases';
import { authFor, authHeader } from '../support/auth';
import { useRealApi } from '../support/real-api';

const api = useRealApi('read-model');

const post = async (url: string, payload: unknown) =>
  api.app.inject({ method: 'POST', url, payload: payload as object, headers: await authFor('POST', url, payload) });
// An officer of the case's station: a role that reads the people a case names unmasked, as the action's answer shows them.
const get = async (url: string) => api.app.inject({ method: 'GET', url, headers: await authHeader({ role: 'officer' }) });
const casePath = (caseId: string) => `/v1/cases/${encodeURIComponent(caseId)}`;

async function until<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 30_000): Promise<T> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await new Promise((r) => setTimeout(r, 200))) {
    const value = await probe();
    if (value !== undefined) return value;
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function reportedCase(): Promise<{ caseId: string; answer: CaseView }> {
  const start = bailStart(Date.now(), { caseNumber: `RM-${randomUUID().slice(0, 8)}` });
  const started = await post('/v1/cases', start);
  expect(started.statusCode).toBe(201);
  const caseId = started.json().caseId as string;
  const acted = await post(`${casePath(caseId)}/actions`, action({ type: 'subject-reported' }));
  expect(acted.statusCode).toBe(200);
  return { caseId, answer: acted.json() };
}

const revisionOf = async (caseId: string) => (await api.pool.query('SELECT revision::int AS r FROM cases WHERE case_id = $1', [caseId])).rows[0]?.r;

test("after the flush, the read model's answer is the case's own: the same view, the people unmasked for the officer, with its revision and when it was written", async () => {
  const { caseId, answer } = await reportedCase();
  // The flush runs in the task that answered the action; a write that is still in flight is waited for, not assumed.
  const written = await until(async () => {
    const res = (await get(casePath(caseId))).json();
    return res.revision !== undefined &&
      res.revision === (await revisionOf(caseId)) &&
      res.obligations.some((o: { key: string; status: string }) => o.key === 'subject-report' && o.status === 'done')
      ? res
      : undefined;
  }, 'the read model to hold the report');
  const { revision, writtenAt, ...fromReadModel } = written;
  expect(revision).toEqual(expect.any(Number));
  expect(writtenAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/);
  const strong = (await get(`${casePath(caseId)}?consistency=strong`)).json();
  expect(strong.revision).toBeUndefined();
  expect(fromReadModel).toEqual(strong);
  expect(fromReadModel).toEqual(answer);
  expect(fromReadModel.personal).toEqual([
    { role: 'subject', name: '张三', idNumber: '110101199001011234', address: '北京市东城区某街1号' },
    { role: 'guarantor', name: '李四' },
  ]);
});

test('consistency=strong is the query: where the read model says otherwise (a row edited behind the case), the default read shows the row, strong the case', async () => {
  const { caseId, answer } = await reportedCase();
  await until(async () => ((await revisionOf(caseId)) !== undefined ? true : undefined), 'the first flush');
  await api.pool.query(`UPDATE cases SET view = jsonb_set(view, '{warnings}', '["edited behind the case"]') WHERE case_id = $1`, [caseId]);
  expect((await get(casePath(caseId))).json().warnings).toEqual(['edited behind the case']);
  expect((await get(`${casePath(caseId)}?consistency=strong`)).json().warnings).toEqual(answer.warnings);
});

test('a case whose row is not there yet is read from the case itself; an unknown consistency is a 400 naming the field', async () => {
  const { caseId, answer } = await reportedCase();
  await until(async () => ((await revisionOf(caseId)) !== undefined ? true : undefined), 'the first flush');
  await api.pool.query('DELETE FROM cases WHERE case_id = $1', [caseId]);
  const res = await get(casePath(caseId));
  expect(res.statusCode).toBe(200);
  expect(res.json().revision).toBeUndefined();
  expect(res.json()).toEqual(answer);
  const bad = await get(`${casePath(caseId)}?consistency=eventual`);
  expect(bad.statusCode).toBe(400);
  expect(bad.body).toMatch(/consistency/);
});

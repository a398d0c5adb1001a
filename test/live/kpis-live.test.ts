/**
 * The rates over what real cases write: a bail case on the real Temporal dev server and worker, at a station of its
 * own, whose feedback to the decision authority is reported in time; the read model its activity writes is what the
 * lists and the rate count.
 */
import { randomUUID } from 'node:crypto';
import { localDate } from '../../src/case/legal-time';
import { authHeader, type Caller } from '../support/auth';
import { action, bailStart } from '../support/cases';
import { useRealApi } from '../support/real-api';

const api = useRealApi('kpis-live');
const supervisor: Caller = { role: 'supervisor', stationIds: ['*'], sub: 'SUP-1' };
const request = async (method: 'GET' | 'POST', url: string, caller: Caller, payload?: object) =>
  api.app.inject({ method, url, payload, headers: await authHeader(caller) });

async function until<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  for (const deadline = Date.now() + 30_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 200))) {
    const value = await probe();
    if (value !== undefined) return value;
  }
  throw new Error(`timed out waiting for ${what}`);
}

test('feedback reported in time: one of one on time, the duty and its case behind the number, the case in the lists', async () => {
  const stationId = `S-K${randomUUID().slice(0, 6)}`;
  const system: Caller = { role: 'station-system', stationIds: [stationId], sub: 'SYS-01' };
  const officer: Caller = { role: 'officer', stationIds: [stationId], sub: 'P-20931' };
  const start = bailStart(Date.now(), { stationId });
  const started = await request('POST', '/v1/cases', system, start);
  expect(started.statusCode).toBe(201);
  const caseId: string = started.json().caseId;
  const actions = `/v1/cases/${encodeURIComponent(caseId)}/actions`;
  expect((await request('POST', actions, officer, action({ type: 'subject-reported' }))).statusCode).toBe(200);
  const sent = await request('POST', actions, officer, action({ type: 'feedback-sent', documentRef: 'FK-1' }));
  expect(sent.statusCode).toBe(200);

  // The period runs from today to the day the case itself says the feedback is due (three days after the report, or
  // later where holidays intervene).
  const dueAt: string = sent.json().obligations.find((o: { key: string }) => o.key === 'authority-feedback').dueAt;
  const period = `from=${localDate(Date.now())}&to=${localDate(Date.parse(dueAt))}&stationId=${stationId}`;
  const feedback = await until(async () => {
    const rates = (await request('GET', `/v1/kpis?${period}`, supervisor)).json();
    const rate = rates.kpis.find((k: { id: string }) => k.id === 'bail-feedback-on-time');
    return rate.denominator > 0 ? rate : undefined;
  }, 'the feedback in the read model');
  expect(feedback).toMatchObject({ article: '41(8)', numerator: 1, denominator: 1, value: 1, onTime: 1, late: 0, missed: 0, target: null });

  const behind = await request('GET', `/v1/kpis/bail-feedback-on-time/cases?${period}`, supervisor);
  expect(behind.json().duties).toEqual([
    expect.objectContaining({ caseId, stationId, key: 'authority-feedback', status: 'done', late: false, outcome: 'on-time' }),
  ]);

  const cases = (await request('GET', `/v1/cases?stationId=${stationId}&status=open&stuck=false`, officer)).json();
  expect(cases).toEqual({ cases: [expect.objectContaining({ caseId, stationId, status: 'open', overdueCount: 0 })] });
  const duties = (await request('GET', `/v1/obligations?stationId=${stationId}&status=done`, officer)).json();
  expect(duties.obligations.map((o: { key: string }) => o.key).sort()).toEqual(['authority-feedback', 'subject-report']);
});

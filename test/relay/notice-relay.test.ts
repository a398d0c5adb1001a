/**
 * The notice relay against the real PostgreSQL (a database of its own) and a webhook stub on 127.0.0.1: retries with
 * backoff, dead letters, redelivery through the API, signatures, idempotency keys and claims across relays. Each
 * pass is driven with an explicit clock, so the backoff is checked to the second without waiting for it.
 */
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { type NoticeRowInput, insertNotice } from '../support/rows';
import { app as apiApp, serverOptions } from '../../src/api/app';
import { formatInstant } from '../../src/case/legal-time';
import { createNoticeRelay, type NoticeRelay, type NoticeRelaySettings } from '../../src/relay/notice-relay';
import { verifySignature } from '../../src/relay/signature';
import { authHeader, testAuth } from '../support/auth';
import { silentLogger } from '../support/cases';
import { type FreshDatabase, freshDatabase } from '../support/database';
import { WebhookStub } from '../support/webhook-stub';

const second = 1000;
const day = 86_400 * second;
const secret = 'relay-test-secret-0123456789';

let db: FreshDatabase;
let stub: WebhookStub;
let api: FastifyInstance;
const relays: NoticeRelay[] = [];

beforeAll(async () => {
  db = await freshDatabase('relay');
  api = Fastify(serverOptions(silentLogger));
  const address = process.env.BEATFLOW_TEST_TEMPORAL_ADDRESS ?? process.env.TEMPORAL_ADDRESS ?? 'localhost:7233';
  await api.register(apiApp, { temporal: { address, namespace: 'default', taskQueue: 'relay-unused' }, db: { pool: db.pool }, auth: testAuth });
});

beforeEach(async () => {
  // Each test's relay passes claim every due row: start from an empty outbox.
  await db.pool.query('TRUNCATE notices');
  stub = await WebhookStub.start();
});

afterEach(async () => {
  await Promise.all(relays.splice(0).map((r) => r.stop()));
  await stub.stop();
});

afterAll(async () => {
  await api?.close();
  await db?.drop();
});

function relay(settings: Partial<NoticeRelaySettings> = {}): NoticeRelay {
  const created = createNoticeRelay({
    pool: db.pool,
    logger: silentLogger,
    url: stub.url,
    secret,
    timeoutMs: 2 * second,
    maxAttempts: 4,
    backoffBaseMs: 60 * second,
    backoffCapMs: 150 * second,
    pollIntervalMs: 50,
    ...settings,
  });
  relays.push(created);
  return created;
}

/** A notice as a case's activity writes it; a case id of its own per test. */
function notice(caseId = `bail-surveillance:XA-${randomUUID().slice(0, 8)}`, key = 'authority-feedback/reminder/officer'): NoticeRowInput {
  return {
    caseId,
    key,
    kind: 'reminder',
    recipient: 'officer',
    article: '41(8)',
    obligationKey: 'authority-feedback',
    titleZh: '反馈提醒',
    createdAt: Date.parse('2026-03-02T09:00:00+08:00'),
    facts: { dueAt: '2026-03-05T23:59:59+08:00' },
  };
}

/** The case of a notice in the read model, at station S-01: the outbox is scoped by the station of each notice's case. */
async function caseRow(caseId: string): Promise<void> {
  await db.pool.query(
    `INSERT INTO cases (case_id, procedure, case_number, station_id, officer_id, status, started_at, revision, view)
     VALUES ($1, 'bail-surveillance', $2, 'S-01', 'P-20931', 'open', now(), 1, '{}') ON CONFLICT DO NOTHING`,
    [caseId, caseId.split(':')[1]],
  );
}
const issue = async (n: NoticeRowInput) => {
  await caseRow(n.caseId);
  return insertNotice(db.pool, n);
};
const supervisor = { role: 'supervisor', stationIds: ['*'], sub: 'SUP-1' } as const;
const listed = async (status: string, caseId: string, caller: Parameters<typeof authHeader>[0] = supervisor) =>
  (
    await api.inject({
      method: 'GET',
      url: `/v1/notices?status=${status}&caseId=${encodeURIComponent(caseId)}`,
      headers: await authHeader(caller),
    })
  ).json().notices;
const redeliver = async (id: string, caller: Parameters<typeof authHeader>[0] = { role: 'station-leader', sub: 'L-1' }) =>
  api.inject({ method: 'POST', url: `/v1/notices/${id}/redeliver`, headers: await authHeader(caller) });
/** A clock just ahead of the database's, so a row written now is due. */
const clock = () => Date.now() + second;
const at = (ms: number) => new Date(ms);

test('the activity writes the outbox row once and returns: a retry finds the row, and nothing is sent', async () => {
  const n = notice();
  expect(await issue(n)).toEqual({ written: true });
  expect(await issue(n)).toEqual({ written: false });
  expect(await listed('pending', n.caseId)).toEqual([
    expect.objectContaining({ caseId: n.caseId, noticeKey: n.key, kind: 'reminder', recipient: 'officer', status: 'pending', attempts: 0 }),
  ]);
  expect(stub.received).toEqual([]);
});

test('a webhook answering 500 is retried with capped exponential backoff, dead-lettered after 4 attempts, redelivered, then sent never again', async () => {
  const n = notice();
  await issue(n);
  const r = relay();
  stub.answer = 500;
  const t0 = clock();

  expect(await r.deliverDue(at(t0))).toEqual({ delivered: 0, retrying: 1, dead: 0 });
  let [row] = await listed('pending', n.caseId);
  expect(row).toMatchObject({ attempts: 1, lastError: 'http 500', nextAttemptAt: formatInstant(t0 + 60 * second) });
  // Backoff 60 s, then 120 s, then the cap of 150 s: nothing is sent a moment before each attempt falls due.
  expect(await r.deliverDue(at(t0 + 59 * second))).toEqual({ delivered: 0, retrying: 0, dead: 0 });
  expect(await r.deliverDue(at(t0 + 60 * second))).toEqual({ delivered: 0, retrying: 1, dead: 0 });
  [row] = await listed('pending', n.caseId);
  expect(row).toMatchObject({ attempts: 2, nextAttemptAt: formatInstant(t0 + 180 * second) });
  expect(await r.deliverDue(at(t0 + 179 * second))).toEqual({ delivered: 0, retrying: 0, dead: 0 });
  expect(await r.deliverDue(at(t0 + 180 * second))).toEqual({ delivered: 0, retrying: 1, dead: 0 });
  [row] = await listed('pending', n.caseId);
  expect(row).toMatchObject({ attempts: 3, nextAttemptAt: formatInstant(t0 + 330 * second) });
  expect(await r.deliverDue(at(t0 + 330 * second))).toEqual({ delivered: 0, retrying: 0, dead: 1 });
  expect(await r.deliverDue(at(t0 + day))).toEqual({ delivered: 0, retrying: 0, dead: 0 });

  expect(stub.deliveries.map((d) => d.answered)).toEqual([500, 500, 500, 500]);
  expect(new Set(stub.deliveries.map((d) => d.headers['idempotency-key']))).toEqual(new Set([`${n.caseId}/${n.key}`]));
  expect(await listed('pending', n.caseId)).toEqual([]);
  const [dead] = await listed('dead', n.caseId);
  expect(dead).toMatchObject({ status: 'dead', attempts: 4, lastError: 'http 500', deadAt: formatInstant(t0 + 330 * second) });
  expect(dead).not.toHaveProperty('facts');

  // Another station's leader neither sees the dead letter nor can send it again.
  const otherStation = { role: 'station-leader', stationIds: ['S-02'], sub: 'L-2' } as const;
  expect(await listed('dead', n.caseId, otherStation)).toEqual([]);
  expect((await redeliver(dead.id, otherStation)).statusCode).toBe(404);
  expect(await listed('dead', n.caseId, { role: 'station-leader', sub: 'L-1' })).toHaveLength(1);

  // The station system is fixed; an operator sends the dead letter again.
  const again = await redeliver(dead.id);
  expect(again.statusCode).toBe(200);
  expect(again.json()).toMatchObject({ id: dead.id, status: 'pending', attempts: 0 });
  expect(again.json().lastError).toBeUndefined();
  expect(await listed('dead', n.caseId)).toEqual([]);
  stub.answer = 200;
  expect(await r.deliverDue(at(t0 + 2 * day))).toEqual({ delivered: 1, retrying: 0, dead: 0 });
  expect(await r.deliverDue(at(t0 + 3 * day))).toEqual({ delivered: 0, retrying: 0, dead: 0 });
  expect(stub.deliveries.map((d) => d.answered)).toEqual([500, 500, 500, 500, 200]);
  expect(stub.deliveries[4].headers['idempotency-key']).toBe(`${n.caseId}/${n.key}`);
  expect(await listed('delivered', n.caseId)).toEqual([
    expect.objectContaining({ id: dead.id, status: 'delivered', deliveredAt: formatInstant(t0 + 2 * day) }),
  ]);

  const delivered = await redeliver(dead.id);
  expect(delivered.statusCode).toBe(409);
  expect(delivered.json().error.code).toBe('notice-delivered');
  expect((await redeliver('987654321987')).statusCode).toBe(404);
  expect(stub.deliveries).toHaveLength(5);
});

test.each([
  ['400', 400, 'http 400'],
  ['307 (not followed)', 'redirect', 'http 307'],
  ['nothing, ever', 'hang', 'timeout'],
] as const)('a webhook answering %s: a failed attempt, retried, dead-lettered after the last one', async (_what, answer, error) => {
  const n = notice();
  await issue(n);
  const r = relay({ maxAttempts: 2, timeoutMs: 300 });
  stub.answer = answer;
  const t0 = clock();

  const started = Date.now();
  const first = r.deliverDue(at(t0));
  // Another worker passing at the same moment claims nothing: the row is in flight (leased) or waits for its backoff.
  await new Promise((resolve) => setTimeout(resolve, 100));
  expect(await relay().deliverDue(at(t0))).toEqual({ delivered: 0, retrying: 0, dead: 0 });
  expect(await first).toEqual({ delivered: 0, retrying: 1, dead: 0 });
  expect(Date.now() - started).toBeLessThan(2 * second);
  expect((await listed('pending', n.caseId))[0]).toMatchObject({ attempts: 1, lastError: error, nextAttemptAt: formatInstant(t0 + 60 * second) });

  expect(await r.deliverDue(at(t0 + 60 * second))).toEqual({ delivered: 0, retrying: 0, dead: 1 });
  expect((await listed('dead', n.caseId))[0]).toMatchObject({ attempts: 2, lastError: error });
  expect(stub.deliveries).toHaveLength(2);
  expect(stub.received.filter((d) => d.path === '/moved')).toEqual([]);
});

test('the signature is an HMAC of the timestamp and the exact body: it verifies with the secret, not with another or later', async () => {
  const n = notice();
  await issue(n);
  const t0 = clock();
  expect(await relay().deliverDue(at(t0))).toEqual({ delivered: 1, retrying: 0, dead: 0 });
  const [{ headers, body }] = stub.deliveries;
  const header = String(headers['x-beatflow-signature']);
  expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
  expect(header.startsWith(`t=${Math.floor(t0 / 1000)},`)).toBe(true);

  expect(verifySignature(secret, header, body, { now: at(t0) })).toBe(true);
  expect(verifySignature('another-secret-0123456789', header, body, { now: at(t0) })).toBe(false);
  expect(verifySignature(secret, header, Buffer.from(body.toString().replace('officer', 'station')), { now: at(t0) })).toBe(false);
  expect(verifySignature(secret, header, body, { now: at(t0 + 10 * 60 * second) })).toBe(false);
  expect(verifySignature(secret, header.replace(/^t=\d+/, `t=${Math.floor(t0 / 1000) + 600}`), body, { now: at(t0 + 600 * second) })).toBe(false);

  expect(headers['content-type']).toBe('application/json');
  expect(JSON.parse(body.toString())).toEqual({
    caseId: n.caseId,
    noticeKey: n.key,
    kind: 'reminder',
    recipient: 'officer',
    article: '41(8)',
    obligationKey: 'authority-feedback',
    period: null,
    titleZh: '反馈提醒',
    facts: { dueAt: '2026-03-05T23:59:59+08:00' },
    createdAt: '2026-03-02T09:00:00+08:00',
  });
});

test('without a secret (outside production) a delivery carries no signature', async () => {
  await issue(notice());
  expect(await relay({ secret: undefined }).deliverDue(at(clock()))).toEqual({ delivered: 1, retrying: 0, dead: 0 });
  expect(stub.deliveries[0].headers).not.toHaveProperty('x-beatflow-signature');
});

test('relays of several workers passing at the same moment send each notice exactly once', async () => {
  const caseId = `dispute:DS-${randomUUID().slice(0, 8)}`;
  for (let i = 0; i < 12; i++) await issue(notice(caseId, `notice-${i}`));
  const [a, b, c] = [relay({ batchSize: 3 }), relay({ batchSize: 3 }), relay({ batchSize: 3 })];
  const now = at(clock());
  for (let round = 0; round < 10; round++) {
    const passes = await Promise.all([a.deliverDue(now), b.deliverDue(now), c.deliverDue(now)]);
    if (passes.every((p) => p.delivered === 0)) break;
  }
  const keys = stub.deliveries.map((d) => d.headers['idempotency-key']);
  expect(keys).toHaveLength(12);
  expect(new Set(keys).size).toBe(12);
  expect(await listed('delivered', caseId)).toHaveLength(12);
});

test('the loop delivers on its own every poll interval and stops when asked', async () => {
  const n = notice();
  const r = relay({ pollIntervalMs: 50 });
  r.start();
  await issue(n);
  for (let tries = 0; tries < 100 && stub.deliveries.length === 0; tries++) await new Promise((resolve) => setTimeout(resolve, 50));
  await r.stop();
  expect(stub.deliveries).toHaveLength(1);
  expect(await listed('delivered', n.caseId)).toHaveLength(1);
  await issue(notice());
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(stub.deliveries).toHaveLength(1);
});

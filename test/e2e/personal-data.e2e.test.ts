/**
 * End to end: personal data never reaches Temporal's storage or the processes' logs in the clear. The real worker and
 * API processes (with PAYLOAD_ENCRYPTION_KEYS) run bail and deprivation-of-political-rights cases against the dev
 * server; then its SQLite file and the captured logs are searched for every name and ID number, and the sealed payloads
 * of the cases' histories open through the codec endpoint, their people unmasked for the station's leader only.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { randomInt } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import { addMonths, localDate } from '../../src/case/legal-time';
import { ensureTemporalCli } from '../../src/dev/provision';
import { action, bailStart, deprivedStart } from '../support/cases';
import { ProcessStack, casePath } from '../support/stack';

let stack: ProcessStack;
let connection: Connection;

beforeAll(async () => {
  stack = await ProcessStack.start('e2e-personal');
  connection = await Connection.connect({ address: process.env.BEATFLOW_TEST_TEMPORAL_ADDRESS ?? 'localhost:7233' });
});

afterAll(async () => {
  await connection?.close();
  await stack?.stop();
});

/** An ID number no other test uses: region 510402, a birth date, a random sequence. */
const idNumber = () => `5104021988${String(randomInt(1e8)).padStart(8, '0')}`;
const uiPayload = (p: Payload) => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  data: Buffer.from(p.data ?? []).toString('base64'),
});
const count = (haystack: Buffer, needle: string) => {
  let n = 0;
  for (let at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + 1)) n++;
  return n;
};

test('names, ID numbers and addresses: 0 in the dev server SQLite file and the logs; the sealed payloads open unmasked for the station leader only', async () => {
  const bail = bailStart(Date.now(), {
    subject: { name: '端木密文', idNumber: idNumber(), address: '四川省攀枝花市东区加密路1号' },
    guarantee: { kind: 'guarantor', guarantorName: '司徒担保' },
  });
  const firstOfNextMonth = addMonths(`${localDate(Date.now()).slice(0, 7)}-01`, 1);
  const deprived = deprivedStart(firstOfNextMonth, addMonths(firstOfNextMonth, 24), {
    subject: { name: '上官隐名', idNumber: idNumber(), address: '四川省攀枝花市西区保密巷2号' },
  });
  const secrets = [
    ...[bail.subject.name, bail.subject.idNumber, '司徒担保', deprived.subject.name, deprived.subject.idNumber],
    ...[bail.subject.address, deprived.subject.address],
  ];

  const caseIds: string[] = [];
  for (const start of [bail, deprived]) {
    const created = await stack.http('POST', '/v1/cases', start);
    expect(created.status).toBe(201);
    caseIds.push(created.body.caseId);
  }
  const [bailId, deprivedId] = caseIds;
  expect((await stack.report(bailId, action({ type: 'subject-reported' }))).status).toBe(200);
  expect((await stack.report(bailId, action({ type: 'rules-explained' }))).status).toBe(200);
  const reported = await stack.report(deprivedId, action({ type: 'subject-reported' }));
  expect(reported.status).toBe(200);
  // The officer who reports it needs the subject: the answer is unmasked (and the read is in the audit log).
  expect(reported.body.personal).toEqual([{ role: 'subject', ...deprived.subject }]);
  const read = await stack.http('GET', casePath(bailId));
  expect(read.body.personal.map((p: { name: string }) => p.name)).toEqual(['端*', '司*']);
  for (const caseId of caseIds) {
    await stack.until(
      async () => ((await stack.pool.query('SELECT 1 FROM cases WHERE case_id = $1', [caseId])).rowCount ? true : undefined),
      'the read model',
    );
  }
  const stored = await stack.pool.query('SELECT view::text AS view FROM cases WHERE case_id = ANY($1)', [caseIds]);
  expect(secrets.filter((s) => stored.rows.some((r) => r.view.includes(s)))).toEqual([]);

  // What the Temporal server holds, read by a client without the codec.
  const plain = new Client({ connection, namespace: process.env.BEATFLOW_TEST_TEMPORAL_NAMESPACE ?? 'default' });
  const sealedInputs: Payload[] = [];
  for (const caseId of caseIds) {
    const history = await plain.workflow.getHandle(caseId).fetchHistory();
    sealedInputs.push(history.events![0].workflowExecutionStartedEventAttributes!.input!.payloads![0]);
  }

  // The dev server's SQLite file (with its write-ahead log) and the processes' logs.
  const dbFile = process.env.BEATFLOW_TEST_TEMPORAL_DB_FILE;
  const counts: Record<string, Record<string, number>> = {};
  const logs = Buffer.from(stack.output.join(''));
  counts.logs = Object.fromEntries(secrets.map((s) => [s, count(logs, s)]));
  if (dbFile && fs.existsSync(dbFile)) {
    const files = [dbFile, `${dbFile}-wal`, `${dbFile}-journal`].filter((f) => fs.existsSync(f));
    const sqlite = Buffer.concat(files.map((f) => fs.readFileSync(f)));
    counts.sqlite = Object.fromEntries(secrets.map((s) => [s, count(sqlite, s)]));
    // The search would find them: the case numbers (in the workflow ids) are stored in the clear.
    counts.sqliteCaseNumbers = { [bail.caseNumber]: count(sqlite, bail.caseNumber), [deprived.caseNumber]: count(sqlite, deprived.caseNumber) };
    expect(Object.values(counts.sqliteCaseNumbers).every((n) => n > 0)).toBe(true);
    expect(Object.values(counts.sqlite)).toEqual(secrets.map(() => 0));
  } else {
    console.log(
      `Temporal is ${process.env.BEATFLOW_TEST_TEMPORAL_KIND ?? 'unknown'}, not a dev server with a SQLite file: its storage was not searched`,
    );
  }
  console.log(`personal data found (every count must be 0): ${JSON.stringify(counts, null, 2)}`);
  expect(Object.values(counts.logs)).toEqual(secrets.map(() => 0));

  // The same sealed payloads through the codec endpoint of the API process: refused without a caller; opened for a
  // supervisor with their people masked, as the API shows them; unmasked for the station's leader; still sealed for
  // an officer the cases are not assigned to (the API answers them 404).
  const body = { payloads: sealedInputs.map(uiPayload) };
  const anonymous = await stack.http('POST', '/codec/decode', body, { 'x-namespace': 'default' });
  expect(anonymous.status).toBe(401);
  expect(JSON.stringify(anonymous.body)).not.toContain(bail.subject.name);
  const subjectsFor = async (role: 'supervisor' | 'officer' | 'station-leader') => {
    const res = await stack.http('POST', '/codec/decode', body, { 'x-namespace': 'default', authorization: `Bearer ${stack.tokenFor(role)}` });
    expect({ role, status: res.status }).toEqual({ role, status: 200 });
    return (res.body.payloads as Array<{ data: string }>).map((p) => JSON.parse(Buffer.from(p.data, 'base64').toString()).start.subject);
  };
  const masked = [
    { name: '端*', idNumber: `${bail.subject.idNumber.slice(0, 6)}********${bail.subject.idNumber.slice(-4)}`, address: '四川省攀枝花****' },
    { name: '上*', idNumber: `${deprived.subject.idNumber.slice(0, 6)}********${deprived.subject.idNumber.slice(-4)}`, address: '四川省攀枝花****' },
  ];
  expect(await subjectsFor('supervisor')).toEqual(masked);
  const notAssigned = await stack.http('POST', '/codec/decode', body, {
    'x-namespace': 'default',
    authorization: `Bearer ${stack.tokenFor('officer')}`,
  });
  expect(notAssigned.body).toEqual(body);
  expect(await subjectsFor('station-leader')).toEqual([bail.subject, deprived.subject]);
});

test('the `temporal` CLI on the frontend, around the API: an Update forging an action is refused by the case and writes nothing; the case goes on', async () => {
  const created = await stack.http('POST', '/v1/cases', bailStart(Date.now()));
  expect(created.status).toBe(201);
  const caseId: string = created.body.caseId;
  const cli = await ensureTemporalCli(() => undefined);
  if (!cli) throw new Error('the temporal CLI could not be provisioned');
  const forged = { ...action({ type: 'subject-reported', actor: 'FORGED-ACTOR' }), caseId };
  const address = process.env.BEATFLOW_TEST_TEMPORAL_ADDRESS ?? 'localhost:7233';
  const namespace = process.env.BEATFLOW_TEST_TEMPORAL_NAMESPACE ?? 'default';
  const sent = spawnSync(
    cli.path,
    [
      'workflow',
      'update',
      'execute',
      '--address',
      address,
      '--namespace',
      namespace,
      '-w',
      caseId,
      '--name',
      'submitAction',
      '--input',
      JSON.stringify(forged),
    ],
    { encoding: 'utf8', timeout: 60_000 },
  );
  console.log(`temporal workflow update execute (forged actor, in the clear): exit ${sent.status}; ${(sent.stderr || sent.stdout).trim()}`);
  expect(sent.status).not.toBe(0);
  expect(sent.stderr + sent.stdout).toContain('the action did not come through the API');

  const view = await stack.http('GET', `${casePath(caseId)}?consistency=strong`);
  expect(view.body.obligations.find((o: { key: string }) => o.key === 'subject-report').status).toBe('pending');
  expect((await stack.report(caseId, action({ type: 'subject-reported' }))).status).toBe(200);
  const audit = await stack.until(async () => {
    const { rows } = await stack.pool.query<{ kind: string; actor: string }>('SELECT kind, actor FROM audit_log WHERE case_id = $1 ORDER BY id', [
      caseId,
    ]);
    return rows.some((r) => r.kind === 'action') ? rows : undefined;
  }, 'the action in the audit log');
  expect(audit.map((r) => r.actor)).not.toContain('FORGED-ACTOR');
  expect(audit.filter((r) => r.kind === 'action')).toHaveLength(1);
}, 120_000);

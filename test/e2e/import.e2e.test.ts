/**
 * End to end: `npm run import` (dist/src/import/main.js) against the real API and worker, Temporal dev server and
 * PostgreSQL. A file of generated running cases of every procedure, adopted with their facts, is imported, the import
 * is killed with SIGKILL halfway and run again: every case is there once, the summary adds up, and nothing due before
 * adoption is escalated. A file with bad lines names each line and field and starts nothing.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { addDays, addMonths, localDate } from '../../src/case/legal-time';
import { tokenFor } from '../support/auth';
import { action } from '../support/cases';
import { ProcessStack, casePath } from '../support/stack';

// Enough for a kill halfway through a file of every procedure, adopted with and without facts; `npm run bench:service`
// imports thousands. BEATFLOW_IMPORT_E2E_CASES sets another size (a multiple of 10 keeps every kind of line).
const total = Number(process.env.BEATFLOW_IMPORT_E2E_CASES ?? 200);
const run = randomUUID().slice(0, 8);
const importer = path.resolve(__dirname, '../../dist/src/import/main.js');

let stack: ProcessStack;
let dir: string;
let env: Record<string, string>;

beforeAll(async () => {
  stack = await ProcessStack.start('e2e-import');
  dir = await mkdtemp(path.join(os.tmpdir(), 'beatflow-import-'));
  env = { BEATFLOW_API_URL: stack.url, BEATFLOW_TOKEN: await tokenFor({ role: 'station-system', sub: 'STATION-SYSTEM' }) };
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const subject = { name: '钱七', idNumber: '110101198501011234', address: '北京市西城区某街2号' };
const base = (prefix: string, i: number) => ({ caseNumber: `${prefix}-${run}-${i}`, stationId: 'S-01', officerId: 'P-20931' });

/**
 * The running cases' dates are whole months before the month the suite runs in (China time), so that what the file
 * owes does not depend on the day: each case began six months before this month (a deprivation three years before),
 * and its facts cover this month, so that nothing with facts is due before the next month. The term ends lie 6 months
 * and 2 years ahead.
 */
const thisMonth = localDate(Date.now()).slice(0, 7);
const monthStart = `${thisMonth}-01`;
const began = addMonths(monthStart, -6);
const at = (date: string, time: string) => `${date}T${time}:00+08:00`;

/** Running cases of five procedures in turn, adopted now; half of the deprivations with their facts, half without. */
function generated(i: number): Record<string, unknown> {
  switch (i % 5) {
    case 0: {
      const termStart = addMonths(monthStart, -36);
      return {
        procedure: 'deprived-rights',
        ...base('DR', i),
        subject,
        sentence: { court: '某市中级人民法院', judgmentNumber: '(2023)某刑初12号' },
        termStart,
        termEnd: addDays(addMonths(monthStart, 24), -1),
        communityOrganisation: { name: '某社区居民委员会' },
        adoption:
          i % 10 === 0
            ? {
                facts: {
                  subjectReportedAt: at(termStart, '10:00'),
                  announcementMade: true,
                  lastMonthlyReportMonth: thisMonth,
                  lastFullVisitOn: addDays(monthStart, -1),
                },
              }
            : {},
      };
    }
    case 1:
      return {
        procedure: 'bail-surveillance',
        ...base('BS', i),
        measure: 'bail',
        subject,
        decisionAuthority: { name: '某区人民法院', kind: 'court' },
        guarantee: { kind: 'deposit', amount: 5000 },
        noticeReceivedAt: at(began, '09:00'),
        reportBy: at(addDays(began, 2), '09:00'),
        termStart: began,
        termEnd: addDays(addMonths(began, 12), -1),
        adoption: {
          facts: { subjectReportedAt: at(addDays(began, 1), '10:00'), rulesExplained: true, feedbackSent: true, lastComplianceCheckMonth: thisMonth },
        },
      };
    case 2:
      return {
        procedure: 'hazard-rectification',
        ...base('HR', i),
        unit: { name: '某商场', creditCode: '91350100M000100Y43', keyUnit: false },
        inspection: { at: at(began, '10:00'), assistantId: 'A-001', recordingRef: 'REC-1' },
        hazards: [{ description: '消防通道堵塞' }],
        decidedAt: at(began, '10:30'),
        rectifyBy: addDays(began, 29),
        warningIssued: true,
        adoption: { facts: { orderFiled: true } },
      };
    case 3:
      return {
        procedure: 'case-follow-up',
        ...base('CF', i),
        caseKind: 'criminal',
        filedAt: at(began, '10:00'),
        victimCount: 1,
        adoption: { facts: { filingVisitMade: true } },
      };
    default:
      return {
        procedure: 'dispute',
        ...base('DS', i),
        source: 'discovery',
        category: 'neighbour',
        parties: [{ name: '赵一', role: 'complainant' }],
        place: '某小区',
        occurredAt: at(began, '10:00'),
        riskLevel: 'low',
        adoption: {},
      };
  }
}

interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function startImport(args: string[]): { child: ChildProcess; finished: Promise<Finished>; stderr: () => string } {
  const child = spawn(process.execPath, [importer, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => (stdout += String(d)));
  child.stderr?.on('data', (d) => (stderr += String(d)));
  const finished = new Promise<Finished>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, finished, stderr: () => stderr };
}

/** How many lines the import has answered so far, from its last progress line. */
function progressOf(stderr: string): number {
  const counts = [...stderr.matchAll(/^(\d+)\/\d+ /gm)].map((m) => Number(m[1]));
  return counts.length ? counts[counts.length - 1] : 0;
}

test(`${total} running cases of every procedure, the import killed halfway and run again: each case once, no escalation before adoption`, async () => {
  const file = path.join(dir, 'cases.ndjson');
  await writeFile(file, Array.from({ length: total }, (_, i) => JSON.stringify(generated(i))).join('\n') + '\n');

  const importBegan = new Date();
  const first = startImport([file, '--rate', '50']);
  await stack.until(async () => (progressOf(first.stderr()) >= total / 2 ? true : undefined), 'half of the import', 300_000);
  first.child.kill('SIGKILL');
  expect((await first.finished).signal).toBe('SIGKILL');
  const startedBefore = progressOf(first.stderr());
  expect(startedBefore).toBeLessThan(total);

  const second = await startImport([file, '--rate', '50']).finished;
  expect(second.code).toBe(0);
  const summary = JSON.parse(second.stdout.trim());
  // Every line answered: those the first run had started count as present (a start in flight at the kill may be either).
  expect(summary.started + summary.alreadyPresent).toBe(total);
  expect(summary.alreadyPresent).toBeGreaterThanOrEqual(startedBefore);
  expect(summary).toMatchObject({ conflicts: 0, rejected: 0, failed: 0, invalidLines: 0 });

  // Each case once, in the read model once every case has written it.
  const rows = await stack.until(
    async () => {
      const { rows } = await stack.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM cases WHERE case_number LIKE $1`, [`%-${run}-%`]);
      return rows[0].n === total ? rows[0].n : undefined;
    },
    'every imported case in the read model',
    600_000,
  );
  expect(rows).toBe(total);
  // Of the duties due before the import began, none is overdue or escalated: they are settled by facts or listed for
  // review. (One due while the import ran, such as a report due at the end of a month the run crosses, may be.)
  const dueBeforeImport = `JOIN cases c ON c.case_id = o.case_id WHERE c.case_number LIKE $1 AND o.due_at < $2`;
  const { rows: escalations } = await stack.pool.query(
    `SELECT n.case_id, n.kind, n.obligation_key FROM notices n
       JOIN obligations o ON o.case_id = n.case_id AND o.key = n.obligation_key AND o.period = coalesce(n.period, '')
       ${dueBeforeImport} AND n.kind IN ('overdue-escalation', 'supervisor-escalation')`,
    [`%-${run}-%`, importBegan],
  );
  expect(escalations).toEqual([]);
  const { rows: overdue } = await stack.pool.query(
    `SELECT o.case_id, o.key, o.period FROM obligations o ${dueBeforeImport} AND o.overdue_at IS NOT NULL`,
    [`%-${run}-%`, importBegan],
  );
  expect(overdue).toEqual([]);

  // The review list: the deprivations adopted without facts (i % 10 === 5), and nothing else of this import.
  const toReview = await stack.http('GET', '/v1/cases?adoption=to-review&procedure=deprived-rights&limit=500');
  expect(toReview.status).toBe(200);
  const listed = toReview.body.cases.map((c: { caseNumber: string }) => c.caseNumber).filter((n: string) => n.includes(`-${run}-`));
  expect(listed.sort()).toEqual(
    Array.from({ length: total }, (_, i) => i)
      .filter((i) => i % 10 === 5)
      .map((i) => `DR-${run}-${i}`)
      .sort(),
  );

  // Again, once everything is there: all present, nothing started twice.
  const third = await startImport([file, '--rate', '200']).finished;
  expect(JSON.parse(third.stdout.trim())).toMatchObject({ started: 0, alreadyPresent: total, conflicts: 0, rejected: 0, failed: 0 });
}, 1_800_000);

test('the officer settles a duty due before adoption through the review action, with the usual audit', async () => {
  const caseNumber = `DR-${run}-review`;
  // Adopted on 2026-11-29: December 2023 to October 2026 (35 months), and what fell due before it arrived, to review.
  const created = await stack.http('POST', '/v1/cases', {
    ...generated(5),
    caseNumber,
    termStart: '2023-12-01',
    termEnd: '2028-11-30',
    adoption: { adoptedAt: '2026-11-29T00:00:00+08:00' },
  });
  expect(created.status).toBe(201);
  // How many are due before the arrival depends on the day the suite runs; the review takes exactly one off the list.
  const before = (await stack.http('GET', `${casePath(created.body.caseId)}?consistency=strong`)).body.adoption.toReview;
  expect(before).toBeGreaterThanOrEqual(35);
  const caseId = created.body.caseId;
  const reviewed = action({ type: 'adoption-confirmed', key: 'monthly-report', period: '2024-03', outcome: 'done', doneOn: '2024-03-08' });
  const answer = await stack.report(caseId, reviewed);
  expect(answer.status).toBe(200);
  expect(answer.body.adoption.toReview).toBe(before - 1);
  expect(answer.body.obligations.find((o: { key: string; period?: string }) => o.key === 'monthly-report' && o.period === '2024-03')).toMatchObject({
    status: 'before-adoption',
    adoption: { review: 'done', doneOn: '2024-03-08' },
  });
  const again = await stack.report(caseId, { ...reviewed, actionId: randomUUID() });
  expect(again.status).toBe(409);
  await stack.until(async () => {
    const { rows } = await stack.pool.query(`SELECT 1 FROM audit_log WHERE case_id = $1 AND action_id = $2`, [caseId, reviewed.actionId]);
    return rows.length ? true : undefined;
  }, 'the review in the audit log');
}, 120_000);

test('a file with bad lines: each line and field is named, and nothing is started', async () => {
  const file = path.join(dir, 'bad.ndjson');
  const good = generated(1);
  const lines = [
    JSON.stringify({ ...good, caseNumber: `BAD-${run}-1` }),
    JSON.stringify({ ...good, caseNumber: `BAD-${run}-2`, subject: { ...subject, idNumber: '12' } }),
    '{ not json',
    JSON.stringify({ ...good, caseNumber: `BAD-${run}-4`, adoption: { facts: { lastComplianceCheckMonth: '2026-13' } } }),
    JSON.stringify({ ...good, caseNumber: `BAD-${run}-5`, adoption: { facts: { visitsDone: 2 } } }),
  ];
  await writeFile(file, lines.join('\n'));
  const result = await startImport([file]).finished;
  expect(result.code).toBe(1);
  expect(result.stderr).toContain('line 2: subject.idNumber: an identity document number');
  expect(result.stderr).toContain('line 3: line: not a JSON object');
  expect(result.stderr).toContain('line 4: adoption.facts.lastComplianceCheckMonth: a month, YYYY-MM');
  expect(result.stderr).toMatch(/line 5: adoption\.facts: .*visitsDone/);
  expect(result.stderr).not.toMatch(/^line 1:/m);
  expect(JSON.parse(result.stdout.trim())).toMatchObject({ started: 0, rejected: 4, invalidLines: 4 });
  // Not even the good line was started.
  expect((await stack.http('GET', casePath(`bail-surveillance:BAD-${run}-1`))).status).toBe(404);
}, 120_000);

test('--dry-run says what each case would owe at once after adoption, and starts nothing', async () => {
  const file = path.join(dir, 'dry.ndjson');
  await writeFile(file, [0, 5].map((i) => JSON.stringify({ ...generated(i), caseNumber: `DRY-${run}-${i}` })).join('\n'));
  const result = await startImport([file, '--dry-run']).finished;
  expect(result.code).toBe(0);
  const [withFacts, withoutFacts] = result.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  // Adopted now: the 36 months before this one, this one and the last visit, settled by the facts; without them, to review, and no report
  // owed before this month's.
  type Next = { key: string; period?: string };
  expect(withFacts).toMatchObject({ line: 1, caseId: `deprived-rights:DRY-${run}-0`, overdue: 0, toReview: 0 });
  expect(withFacts.next.filter((n: Next) => n.key === 'monthly-report' && n.period! <= thisMonth)).toEqual([]);
  expect(withFacts.next.map((n: Next) => n.key)).toEqual(expect.arrayContaining(['station-report', 'rights-restored']));
  expect(withoutFacts).toMatchObject({ line: 2, overdue: 0 });
  const firstReport = withoutFacts.next.find((n: Next) => n.key === 'monthly-report');
  expect(firstReport.period >= thisMonth).toBe(true);
  expect(withoutFacts.toReview).toBeGreaterThanOrEqual(35);
  expect((await stack.http('GET', casePath(`deprived-rights:DRY-${run}-0`))).status).toBe(404);
}, 120_000);

test('POST /v1/imports: the station system sends NDJSON; a bad line starts nothing, then skipInvalid starts the rest, idempotently', async () => {
  const station = { authorization: `Bearer ${env.BEATFLOW_TOKEN}`, 'content-type': 'application/x-ndjson' };
  const body = [
    JSON.stringify({ ...generated(3), caseNumber: `API-${run}-1` }),
    JSON.stringify({ ...generated(3), caseNumber: `API-${run}-2`, victimCount: -1 }),
    JSON.stringify({ ...generated(3), caseNumber: `API-${run}-3`, stationId: 'S-99' }),
    JSON.stringify({ ...generated(4), caseNumber: `API-${run}-4` }),
  ].join('\n');
  const post = (query = '') => fetch(`${stack.url}/v1/imports${query}`, { method: 'POST', headers: station, body });

  const refused = await post();
  expect(refused.status).toBe(400);
  const { error } = (await refused.json()) as { error: { fields: unknown[] } };
  expect(error.fields).toEqual([
    { path: '2.victimCount', message: expect.any(String) },
    { path: '3.stationId', message: 'you may not start cases for station S-99' },
  ]);
  expect((await stack.http('GET', casePath(`case-follow-up:API-${run}-1`))).status).toBe(404);

  const skipped = await post('?skipInvalid=true');
  expect(skipped.status).toBe(200);
  expect(await skipped.json()).toMatchObject({ started: 2, alreadyPresent: 0, conflicts: 0, rejected: 2 });
  const again = await post('?skipInvalid=true');
  expect(await again.json()).toMatchObject({ started: 0, alreadyPresent: 2, conflicts: 0, rejected: 2 });

  const officer = await fetch(`${stack.url}/v1/imports`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await tokenFor({ role: 'officer' })}`, 'content-type': 'application/json' },
    body: JSON.stringify([generated(3)]),
  });
  expect(officer.status).toBe(403);
}, 120_000);

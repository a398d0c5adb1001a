/**
 * The one write of a case's wake (flushRecords) against the real PostgreSQL: notices, audit rows and the read model in
 * one transaction, idempotent under Temporal's retries, whether an attempt died before its commit or after it.
 */
import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { createActivities, type FlushInput } from '../../activities';
import { auditChain } from '../../src/db/audit';
import { isDatabaseUnavailable } from '../../src/db/errors';
import type { CaseView } from '../../src/case/contract';
import { openValue } from '../../src/temporal/codec';
import { flushingActivities } from '../support/cases';
import { droppedMidStatement } from '../support/dropped-connection';
import { caseView } from '../support/read-model';
import { testPayloadCodec } from '../support/payload-codec';

let admin: Pool;
let pool: Pool;
let activities: ReturnType<typeof createActivities>;
let end: () => Promise<void>;

beforeAll(async () => {
  ({ admin, pool, activities, end } = await flushingActivities(testPayloadCodec));
});

afterAll(() => end());

const at = Date.parse('2026-03-02T09:00:00+08:00');

function flushInput(caseId: string, revision: number, obligations: Array<{ key: string; status: 'pending' | 'done' }>): FlushInput {
  const view: CaseView = {
    ...caseView(caseId, 'open', obligations),
    personal: [{ role: 'subject', name: '张三', idNumber: '110101199001011234', address: '北京市东城区某街1号' }],
  };
  return {
    caseId,
    view,
    revision,
    notices: [
      { key: 'report/1', kind: 'report', recipient: 'decision-authority', article: '41(8)', titleZh: '告知决定机关', createdAt: at },
      { key: 'report/2', kind: 'report', recipient: 'station', article: '41(8)', titleZh: '告知派出所', createdAt: at + 1000 },
    ],
    audit: [
      { actionId: `${caseId}/a1`, type: 'subject-reported', actor: 'P-20931', at, receivedAt: at, payload: { type: 'subject-reported' } },
      { actionId: `${caseId}/a2`, type: 'feedback-sent', actor: 'P-20931', at: at + 1000, receivedAt: at + 1000, payload: { type: 'feedback-sent' } },
    ],
  };
}

async function rows(caseId: string) {
  const q = async (sql: string) => (await admin.query(sql, [caseId])).rows;
  return {
    notices: await q('SELECT notice_key FROM notices WHERE case_id = $1 ORDER BY id'),
    audit: await q('SELECT action_id, type FROM audit_log WHERE case_id = $1 ORDER BY id'),
    cases: await q('SELECT revision::int AS revision, personal_count FROM cases WHERE case_id = $1'),
    obligations: await q('SELECT key, status FROM obligations WHERE case_id = $1 ORDER BY key'),
  };
}

const newCaseId = () => `bail-surveillance:FL-${randomUUID().slice(0, 8)}`;

test('a flush run again with the same input (its first answer lost after the commit) leaves one row of each; the audit chain verifies', async () => {
  const caseId = newCaseId();
  const input = flushInput(caseId, 3, [
    { key: 'rules-explained', status: 'done' },
    { key: 'subject-report', status: 'pending' },
  ]);
  expect(await activities.flushRecords(input)).toEqual({ notices: 2, audit: 2, saved: true, newerCalendarYears: expect.any(Array) });
  expect(await activities.flushRecords(input)).toMatchObject({ notices: 0, audit: 0, saved: true });
  expect(await rows(caseId)).toEqual({
    notices: [{ notice_key: 'report/1' }, { notice_key: 'report/2' }],
    audit: [
      { action_id: `${caseId}/a1`, type: 'subject-reported' },
      { action_id: `${caseId}/a2`, type: 'feedback-sent' },
      // What the case did on its own: each notice it wrote, with its recipient (test/unit/audit-trail.test.ts).
      { action_id: 'notice/report/1', type: 'notice-issued' },
      { action_id: 'notice/report/2', type: 'notice-issued' },
    ],
    cases: [{ revision: 3, personal_count: 1 }],
    obligations: [
      { key: 'rules-explained', status: 'done' },
      { key: 'subject-report', status: 'pending' },
    ],
  });
  expect((await auditChain(admin, caseId)).chain).toEqual({ verified: true, rows: 4 });
});

test('a flush whose connection dropped while its one statement waited (on the obligations) leaves nothing; the retry writes everything once', async () => {
  const caseId = newCaseId();
  const input = flushInput(caseId, 1, [{ key: 'subject-report', status: 'pending' }]);
  const dropped = await droppedMidStatement(admin, 'obligations', /^WITH audited AS/, () => activities.flushRecords(input));
  expect(isDatabaseUnavailable(dropped)).toBe(true);
  expect(await rows(caseId)).toEqual({ notices: [], audit: [], cases: [], obligations: [] });

  await activities.flushRecords(input);
  await activities.flushRecords(input);
  expect(await rows(caseId)).toEqual({
    notices: [{ notice_key: 'report/1' }, { notice_key: 'report/2' }],
    audit: [
      { action_id: `${caseId}/a1`, type: 'subject-reported' },
      { action_id: `${caseId}/a2`, type: 'feedback-sent' },
      // What the case did on its own: each notice it wrote, with its recipient (test/unit/audit-trail.test.ts).
      { action_id: 'notice/report/1', type: 'notice-issued' },
      { action_id: 'notice/report/2', type: 'notice-issued' },
    ],
    cases: [{ revision: 1, personal_count: 1 }],
    obligations: [{ key: 'subject-report', status: 'pending' }],
  });
  // The pool threw the broken connection away: the activities still have a working one.
  expect((await pool.query('SELECT 1 AS ok')).rows).toEqual([{ ok: 1 }]);
});

test('the read model takes the obligations of the newest revision in one statement: those gone are removed, a late older revision changes nothing', async () => {
  const caseId = newCaseId();
  await activities.flushRecords(flushInput(caseId, 1, [{ key: 'subject-report', status: 'pending' }]));
  const second = flushInput(caseId, 2, [
    { key: 'rules-explained', status: 'pending' },
    { key: 'subject-report-2', status: 'pending' },
  ]);
  await activities.flushRecords(second);
  const expected = [
    { key: 'rules-explained', status: 'pending' },
    { key: 'subject-report-2', status: 'pending' },
  ];
  expect((await rows(caseId)).obligations).toEqual(expected);
  expect(await activities.flushRecords(flushInput(caseId, 1, [{ key: 'subject-report', status: 'done' }]))).toMatchObject({ saved: false });
  expect(await rows(caseId)).toMatchObject({ cases: [{ revision: 2 }], obligations: expected });
});

test('the people a case names are sealed in the read model, never in plaintext; the codec opens them', async () => {
  const caseId = newCaseId();
  const input = flushInput(caseId, 1, [{ key: 'subject-report', status: 'pending' }]);
  await activities.flushRecords(input);
  const { rows: stored } = await admin.query('SELECT row_to_json(c)::text AS text, personal_sealed FROM cases c WHERE case_id = $1', [caseId]);
  expect(stored[0].text).not.toMatch(/张三|110101199001011234|东城区/);
  expect(openValue(testPayloadCodec, stored[0].personal_sealed)).toEqual(input.view.personal);
});

test('a case moved to another officer: the read model names the new officer from the next flush on, and an older flush arriving late does not move it back', async () => {
  const caseId = newCaseId();
  const first = flushInput(caseId, 1, [{ key: 'subject-report', status: 'pending' }]);
  await activities.flushRecords(first);
  const moved = { ...first, notices: [], audit: [], revision: 2, view: { ...first.view, officerId: 'P-20932' } };
  await activities.flushRecords(moved);
  const officer = async () => (await admin.query('SELECT officer_id FROM cases WHERE case_id = $1', [caseId])).rows[0].officer_id;
  expect(await officer()).toBe('P-20932');
  expect(await activities.flushRecords(first)).toMatchObject({ saved: false });
  expect(await officer()).toBe('P-20932');
});

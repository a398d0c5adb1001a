/**
 * The case's record activity (`flushRecords`, one statement) against the real PostgreSQL, when the connection drops in the middle of a statement
 * and Temporal retries the activity: the audit log, the outbox and the read model end up written exactly once.
 * The drop is a real one: the statement waits on a lock the test holds, and the test terminates its backend.
 */
import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { createActivities } from '../../activities';
import { isDatabaseUnavailable } from '../../src/db/errors';
import { flushingActivities } from '../support/cases';
import { caseView } from '../support/read-model';
import { droppedMidStatement } from '../support/dropped-connection';

let admin: Pool;
let pool: Pool;
let activities: ReturnType<typeof createActivities>;
let end: () => Promise<void>;

beforeAll(async () => {
  ({ admin, pool, activities, end } = await flushingActivities());
});

afterAll(() => end());

/** One flush of a case's wake, with the parts a test gives. */
const flush = (caseId: string, parts: Partial<Parameters<typeof activities.flushRecords>[0]>) =>
  activities.flushRecords({ caseId, notices: [], audit: [], view: caseView(caseId, 'open', []), revision: 1, ...parts });

async function readModel(caseId: string) {
  const { rows: cases } = await admin.query('SELECT revision, status FROM cases WHERE case_id = $1', [caseId]);
  const { rows: obligations } = await admin.query('SELECT key, status FROM obligations WHERE case_id = $1 ORDER BY key', [caseId]);
  return { cases, obligations };
}

test('an audit entry whose connection dropped mid-insert is written once by the retries', async () => {
  const caseId = `bail-surveillance:AU-${randomUUID().slice(0, 8)}`;
  const entry = { actionId: randomUUID(), type: 'subject-reported', actor: 'P-20931', at: Date.now(), receivedAt: Date.now(), payload: {} };

  const dropped = await droppedMidStatement(admin, 'audit_log', /INSERT INTO audit_log/, () => flush(caseId, { audit: [entry] }));
  expect(isDatabaseUnavailable(dropped)).toBe(true);
  const count = async () => Number((await admin.query('SELECT count(*) FROM audit_log WHERE case_id = $1', [caseId])).rows[0].count);
  expect(await count()).toBe(0);

  // Temporal's retry; then a second one, as when the first retry's answer was lost after its commit.
  await flush(caseId, { audit: [entry] });
  await flush(caseId, { audit: [entry] });
  expect(await count()).toBe(1);
});

test('a notice whose connection dropped mid-insert lands in the outbox once', async () => {
  const caseId = `bail-surveillance:NO-${randomUUID().slice(0, 8)}`;
  const notice = {
    key: 'violation/1',
    kind: 'violation',
    recipient: 'decision-authority' as const,
    article: '41(8)',
    titleZh: '违反规定情况告知决定机关',
    createdAt: Date.now(),
  };
  const dropped = await droppedMidStatement(admin, 'notices', /INSERT INTO notices/, () => flush(caseId, { notices: [notice] }));
  expect(isDatabaseUnavailable(dropped)).toBe(true);
  expect(await flush(caseId, { notices: [notice] })).toMatchObject({ notices: 1 });
  expect(await flush(caseId, { notices: [notice] })).toMatchObject({ notices: 0 });
  const { rows } = await admin.query('SELECT notice_key FROM notices WHERE case_id = $1', [caseId]);
  expect(rows).toEqual([{ notice_key: 'violation/1' }]);
});

test('a read-model write dropped while it writes the case row and its obligations (one statement) leaves the earlier revision whole; retries converge; a late older revision changes nothing', async () => {
  const caseId = `bail-surveillance:RM-${randomUUID().slice(0, 8)}`;
  const first = caseView(caseId, 'open', [{ key: 'subject-report', status: 'pending' }]);
  expect(await flush(caseId, { view: first, revision: 1 })).toMatchObject({ saved: true });

  const second = caseView(caseId, 'open', [
    { key: 'rules-explained', status: 'pending' },
    { key: 'subject-report', status: 'done' },
  ]);
  // The connection drops while the statement that writes the case row and replaces its obligations waits on them.
  const dropped = await droppedMidStatement(admin, 'obligations', /^WITH audited AS/, () => flush(caseId, { view: second, revision: 2 }));
  expect(isDatabaseUnavailable(dropped)).toBe(true);
  expect(await readModel(caseId)).toEqual({
    cases: [{ revision: '1', status: 'open' }],
    obligations: [{ key: 'subject-report', status: 'pending' }],
  });

  const expected = {
    cases: [{ revision: '2', status: 'open' }],
    obligations: [
      { key: 'rules-explained', status: 'pending' },
      { key: 'subject-report', status: 'done' },
    ],
  };
  expect(await flush(caseId, { view: second, revision: 2 })).toMatchObject({ saved: true });
  expect(await readModel(caseId)).toEqual(expected);
  // The same revision again (its first answer lost after the commit) writes the same rows.
  await flush(caseId, { view: second, revision: 2 });
  expect(await readModel(caseId)).toEqual(expected);
  // An attempt of revision 1 that arrives last is refused by the revision guard.
  expect(await flush(caseId, { view: first, revision: 1 })).toMatchObject({ saved: false });
  expect(await readModel(caseId)).toEqual(expected);
  // The pool threw the broken connection away: the activities still have a working one.
  expect((await pool.query('SELECT 1 AS ok')).rows).toEqual([{ ok: 1 }]);
});

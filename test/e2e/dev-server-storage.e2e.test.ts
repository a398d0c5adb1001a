/**
 * The dev server that `npm start` and this test run use keeps its SQLite state with a write-ahead log (one file synced
 * per commit) instead of SQLite's rollback journal, which made the server wait on the disk with many open cases.
 */
import fs from 'node:fs';

const dbFile = process.env.BEATFLOW_TEST_TEMPORAL_DB_FILE;

test('the dev server writes its state through a write-ahead log beside its database file', () => {
  if (!dbFile) throw new Error('BEATFLOW_TEST_TEMPORAL_DB_FILE is not set: the global setup starts the dev server on a file');
  expect(fs.existsSync(dbFile)).toBe(true);
  expect(fs.existsSync(`${dbFile}-wal`)).toBe(true);
});

/**
 * The run's clock: PostgreSQL, which the global setup starts as a child of the test run, reads the same clock as the
 * tests. Under the date sweep (scripts/test-dates.sh) that clock is libfaketime's: node and PostgreSQL both follow it.
 */
import { expectClockAtSweepInstant } from '../support/clock';
import { testPool } from '../support/cases';

test("PostgreSQL's now() is the tests' clock (the sweep's instant under the date sweep)", async () => {
  const pool = await testPool();
  try {
    const { rows } = await pool.query<{ now: Date }>('SELECT now()');
    expect(Math.abs(rows[0].now.getTime() - Date.now())).toBeLessThan(60_000);
    expectClockAtSweepInstant(Date.now());
  } finally {
    await pool.end();
  }
});

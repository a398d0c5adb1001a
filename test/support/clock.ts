/**
 * The sweep's instant (scripts/test-dates.sh sets BEATFLOW_TEST_FAKETIME to it, China time), for the tests that
 * check that the processes of a run read the clock libfaketime sets.
 */
export function expectClockAtSweepInstant(now: number): void {
  const instant = process.env.BEATFLOW_TEST_FAKETIME;
  if (instant === undefined) return;
  const set = Date.parse(instant.replace(' ', 'T').replace(' ', ''));
  if (Number.isNaN(set)) throw new Error(`BEATFLOW_TEST_FAKETIME is not an instant: ${instant}`);
  // The sweep's run of both projects takes minutes, not hours.
  expect(Math.abs(now - set)).toBeLessThan(3_600_000);
}

/**
 * The time-skipping test server's clock starts at the tests' clock: the Java server the global setup provisions reads
 * the same time as node, so under the date sweep (scripts/test-dates.sh) its workflows run at the sweep's instant.
 */
import { expectClockAtSweepInstant } from '../support/clock';
import { createTimeSkippingEnv } from '../support/time-skipping';

test("the test server's current time is the tests' clock before any time is skipped", async () => {
  const env = await createTimeSkippingEnv();
  try {
    const serverNow = Number(await env.currentTimeMs());
    expect(Math.abs(serverNow - Date.now())).toBeLessThan(60_000);
    expectClockAtSweepInstant(serverNow);
  } finally {
    await env.teardown();
  }
});

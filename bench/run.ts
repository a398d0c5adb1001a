/**
 * Benchmarks of the pure core, run on demand: `npm run bench`. Prints figures; asserts nothing.
 * - legal time: computeDeadline calls per second, per rule;
 * - the obligation engine: a 5-year case (60 monthly duties) driven month by month, fire + nextWake per second;
 * - memory: heap and carried-state size of 1,000 such cases held at once (what a worker's cache holds).
 */
import { builtInCalendar } from '../src/case/calendar';
import { addMonths, computeDeadline, deadlineRules, endOfDay, startOfDay } from '../src/case/legal-time';
import { defaultEnginePolicy } from '../src/case/obligation';
import { ObligationEngine } from '../src/case/obligation-engine';

function rate(label: string, iterations: number, body: (i: number) => void): void {
  for (let i = 0; i < Math.min(iterations, 1000); i++) body(i); // warm up
  const started = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) body(i);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(
    `${label.padEnd(58)} ${Math.round(iterations / seconds)
      .toLocaleString('en')
      .padStart(12)} /s`,
  );
}

/** A 5-year monthly duty driven through its whole term: every period opens, half are done, the rest go overdue. */
function fiveYearCase(): ObligationEngine {
  const engine = new ObligationEngine(ObligationEngine.empty(), defaultEnginePolicy);
  const termStart = '2026-12-01';
  engine.declareRecurring({
    key: 'monthly-report',
    article: '41(4)',
    titleZh: '督促罪犯每月报告活动情况',
    titleEn: 'Monthly report',
    responsible: 'officer',
    everyMonths: 1,
    from: termStart,
    until: '2031-11-29',
  });
  for (let m = 0; m < 60; m++) {
    const month = addMonths(termStart, m);
    engine.fire(startOfDay(month) + 3_600_000);
    const duty = engine.get('monthly-report', month.slice(0, 7));
    if (duty && m % 2 === 0) engine.complete(duty, startOfDay(month) + 7_200_000, 'P-1');
    engine.fire(endOfDay(addMonths(month, 1)) + 1000);
  }
  return engine;
}

console.log(`node ${process.version}, ${process.arch}`);
for (const rule of deadlineRules) {
  rate(`computeDeadline ${rule} (n=5, across 2026)`, 50_000, (i) =>
    computeDeadline(rule, startOfDay('2026-01-05') + (i % 300) * 86_400_000, 5, builtInCalendar),
  );
}
rate('engine: 5-year case built and driven through 60 months', 200, () => fiveYearCase());
const engine = fiveYearCase();
rate('engine: fire + nextWake on a 60-duty case', 100_000, (i) => {
  const now = startOfDay('2031-12-01') + i;
  engine.fire(now);
  engine.nextWake(now);
});

const gc = (globalThis as { gc?: () => void }).gc;
gc?.();
const before = process.memoryUsage().heapUsed;
const held = Array.from({ length: 1000 }, () => fiveYearCase().snapshot());
gc?.();
const after = process.memoryUsage().heapUsed;
const carried = JSON.stringify(held[0]).length;
console.log(
  `${'memory: 1,000 five-year case states held'.padEnd(58)} ${((after - before) / 1e6).toFixed(1).padStart(12)} MB${gc ? '' : ' (run with --expose-gc for a steadier figure)'}`,
);
console.log(`${'carried state of one five-year case (JSON)'.padEnd(58)} ${(carried / 1024).toFixed(1).padStart(12)} KiB`);

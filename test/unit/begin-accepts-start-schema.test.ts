import fc from 'fast-check';
import { StartRefused } from '../../src/case/adoption';
import { isCreditCode } from '../../src/procedures/hazard-rectification/descriptor';
import { formatInstant } from '../../src/case/legal-time';
import { procedureOf, procedures } from '../../src/procedures/index';
import { arbitraryOf } from '../support/arbitrary';
import { SimulatedCase } from '../support/simulator';

/**
 * The API cannot run a procedure's `begin` (it never imports workflow code), so every condition `begin` relies on is
 * written in the start schema. This is the guarantee: whatever the schema accepts, the case begins, fires its first
 * duties, shows its view and keeps time, at any moment in the window the case may arrive; or, when an adoption's
 * bounds depend on that moment (adoptedAt and its facts not after the arrival), it is refused naming the field.
 */

const day = 86_400_000;
const creditCodeChars = '0123456789ABCDEFGHJKLMNPQRTUWXY';
/** A unified social credit code with its check character (JSON Schema cannot say the check). */
const creditCode = fc
  .array(fc.constantFrom(...creditCodeChars), { minLength: 17, maxLength: 17 })
  .map((chars) => [...creditCodeChars].map((last) => chars.join('') + last).find(isCreditCode)!);

const arrival = fc.oneof(
  { arbitrary: fc.integer({ min: -400, max: 400 }).map((n) => Date.parse('2026-06-15T10:00:00+08:00') + n * day), weight: 9 },
  { arbitrary: fc.integer({ min: Date.parse('2000-01-01T00:00:00+08:00'), max: Date.parse('2100-12-31T23:59:59+08:00') }), weight: 1 },
);

describe.each(procedures)('%s: whatever the start schema accepts, begin accepts', (procedure) => {
  test('generated starts, each begun at a generated arrival time', () => {
    const schema = procedureOf(procedure).start;
    const starts = arbitraryOf(schema, { around: Date.parse('2026-06-15T10:00:00+08:00'), overrides: { creditCode } });
    let accepted = 0;
    let begun = 0;
    fc.assert(
      fc.property(starts, arrival, (start, at) => {
        fc.pre(schema.safeParse(start).success);
        accepted++;
        let c: SimulatedCase;
        try {
          c = SimulatedCase.start(start as { procedure: typeof procedure }, at);
        } catch (err) {
          expect(err).toBeInstanceOf(StartRefused);
          expect((err as StartRefused).field).toMatch(/^adoption\./);
          return;
        }
        begun++;
        expect(c.view()).toMatchObject({ status: 'open', caseNumber: (start as { caseNumber: string }).caseNumber });
        expect(c.details()).toContain((start as { caseNumber: string }).caseNumber);
        c.advanceDays(40).continueAsNew().advanceDays(1);
        expect(c.view().startedAt).toBe(formatInstant(at));
      }),
      { numRuns: 100, maxSkipsPerRun: 50 },
    );
    // The schema's refinements leave enough generated starts valid for the property to say something.
    expect(accepted).toBe(100);
    expect(begun).toBeGreaterThanOrEqual(25);
  });
});

import { updateIdOf } from '../../src/temporal/cases';

const report = { type: 'subject-reported', actionId: 'A-0001', actor: 'P-20931', at: '2026-03-02T10:00:00+08:00' };

describe('the Update id of an action', () => {
  test('names the action by its type and actor, then its actionId and a digest of its content', () => {
    expect(updateIdOf(report)).toMatch(/^subject-reported by P-20931 · A-0001\/[0-9a-f]{16}$/);
  });

  test('is the same for the same request again (a retry is answered, not applied twice), whatever the key order', () => {
    const again = { at: '2026-03-02T10:00:00+08:00', actor: 'P-20931', actionId: 'A-0001', type: 'subject-reported' };
    expect(updateIdOf(again)).toBe(updateIdOf(report));
  });

  test('differs when the same actionId carries other content, which the case then refuses', () => {
    expect(updateIdOf({ ...report, at: '2026-03-02T11:00:00+08:00' })).not.toBe(updateIdOf(report));
  });
});

import { rememberedCaseStations } from '../../src/db/cases';

/** A pool that answers the station query from `stations` and counts what it was asked. */
function countingPool(stations: Record<string, string>) {
  const asked: string[] = [];
  const pool = {
    query: async (_sql: string, [caseId]: [string]) => {
      asked.push(caseId);
      return { rows: stations[caseId] ? [{ station_id: stations[caseId] }] : [] };
    },
  };
  return { pool: pool as never, asked };
}

test("a case's station is read once and then remembered; a case the read model does not hold yet is asked again", async () => {
  const { pool, asked } = countingPool({ 'bail-surveillance:A': 'S-01' });
  const stationOf = rememberedCaseStations(pool);
  expect(await stationOf('bail-surveillance:A')).toBe('S-01');
  expect(await stationOf('bail-surveillance:A')).toBe('S-01');
  expect(await stationOf('bail-surveillance:B')).toBeUndefined();
  expect(await stationOf('bail-surveillance:B')).toBeUndefined();
  expect(asked).toEqual(['bail-surveillance:A', 'bail-surveillance:B', 'bail-surveillance:B']);
});

test('beyond its limit the oldest remembered station is forgotten and read again', async () => {
  const { pool, asked } = countingPool({ a: 'S-01', b: 'S-02', c: 'S-03' });
  const stationOf = rememberedCaseStations(pool, 2);
  for (const id of ['a', 'b', 'c', 'b', 'c', 'a']) await stationOf(id);
  expect(asked).toEqual(['a', 'b', 'c', 'a']);
});

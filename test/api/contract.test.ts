import fs from 'node:fs';
import path from 'node:path';
import { apiVersion } from '../../src/api/contract';
import { buildTestApp } from '../helper';
import { testPayloadCodec } from '../support/payload-codec';

/**
 * The served OpenAPI document is the committed one (openapi/beatflow-v1.json): a change to the contract is a reviewed
 * diff of that file, with the version raised and a CHANGELOG entry. `npm run contract:update` rewrites it.
 */
const snapshotPath = path.resolve(__dirname, '../../openapi/beatflow-v1.json');

async function servedDocument(): Promise<unknown> {
  const t = await buildTestApp({ payloadCodec: testPayloadCodec });
  try {
    return (await t.app.inject({ method: 'GET', url: '/docs/json' })).json();
  } finally {
    await t.app.close();
  }
}

test('the served OpenAPI document is the committed snapshot, at the API version the changelog names', async () => {
  const served = await servedDocument();
  if (process.env.UPDATE_CONTRACT === '1') fs.writeFileSync(snapshotPath, `${JSON.stringify(served, null, 2)}\n`);
  const committed = JSON.parse(fs.readFileSync(snapshotPath, 'utf8'));
  expect(served).toEqual(committed);
  expect(committed.info.version).toBe(apiVersion);
  const changelog = fs.readFileSync(path.resolve(__dirname, '../../CHANGELOG.md'), 'utf8');
  expect(changelog).toContain(`## ${apiVersion}`);
});

test('every operation declares its success answer and the error envelope for each error it can give', async () => {
  const doc = (await servedDocument()) as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
  const operations = Object.entries(doc.paths).flatMap(([p, methods]) =>
    Object.entries(methods).map(([m, op]) => ({ op: `${m} ${p}`, operation: op })),
  );
  expect(operations.length).toBeGreaterThanOrEqual(14);
  for (const { op, operation } of operations) {
    const statuses = Object.keys(operation.responses);
    expect({ op, success: statuses.some((s) => s.startsWith('2')) }).toEqual({ op, success: true });
    for (const status of ['400', '401', '429']) expect({ op, statuses }).toEqual({ op, statuses: expect.arrayContaining([status]) });
  }
  const start = doc.paths['/v1/cases'].post.responses as Record<string, { content: Record<string, { schema: unknown }> }>;
  expect(Object.keys(start).sort()).toEqual(['200', '201', '400', '401', '403', '409', '413', '415', '429', '503']);
  expect(start['409'].content['application/json'].schema).toMatchObject({
    type: 'object',
    required: ['error'],
    properties: { error: { required: ['code', 'message'] } },
  });
});

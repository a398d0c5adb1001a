import fs from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { procedures } from '../../src/domain/procedures';
import { historiesDir } from '../support/case-harness';
import { bundleWorkflows } from '../support/cases';

// Histories of finished cases, recorded with `npm run record-histories`. A change to a workflow's commands that
// would break running cases fails here: put it behind patched() instead.
const histories = fs.readdirSync(historiesDir).filter((f) => f.endsWith('.binpb')).sort();

let bundle: WorkflowBundleWithSourceMap;
beforeAll(async () => {
  bundle = await bundleWorkflows();
});

test.each(procedures)('%s has a recorded history to replay', (procedure) => {
  expect(histories.filter((f) => f.startsWith(`${procedure}-`)).length).toBeGreaterThan(0);
});

test('every recorded history is named after a registered procedure', () => {
  expect(histories.filter((f) => !procedures.some((p) => f.startsWith(`${p}-`)))).toEqual([]);
});

test.each(histories)('%s replays on the current workflow code', async (file) => {
  const history = temporal.api.history.v1.History.decode(fs.readFileSync(path.join(historiesDir, file)));
  await expect(Worker.runReplayHistory({ workflowBundle: bundle }, history)).resolves.toBeUndefined();
});

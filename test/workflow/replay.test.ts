import fs from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { historiesDir } from '../support/case-harness';
import { bundleWorkflows } from '../support/cases';

// Histories of finished cases, recorded with `npm run record-histories`. A change to a workflow's commands that
// would break running cases fails here: put it behind patched() instead.
const histories = fs.readdirSync(historiesDir).filter((f) => f.endsWith('.binpb')).sort();

let bundle: WorkflowBundleWithSourceMap;
beforeAll(async () => {
  bundle = await bundleWorkflows();
});

test('recorded histories are present for every procedure', () => {
  expect(histories).toEqual(expect.arrayContaining([
    'bail-surveillance-closed.binpb',
    'deprived-rights-5-years-last-run.binpb',
    'deprived-rights-life-closed.binpb',
    'dispute-resolved-on-site.binpb',
    'hazard-rectification-rectified.binpb',
  ]));
});

test.each(histories)('%s replays on the current workflow code', async (file) => {
  const history = temporal.api.history.v1.History.decode(fs.readFileSync(path.join(historiesDir, file)));
  await expect(Worker.runReplayHistory({ workflowBundle: bundle }, history)).resolves.toBeUndefined();
});

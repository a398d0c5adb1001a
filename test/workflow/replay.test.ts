import fs from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker, type WorkflowBundle } from '@temporalio/worker';
import { procedures } from '../../src/procedures/index';
import { historiesDir } from '../support/case-harness';
import { bundleWorkflows } from '../support/cases';
import { testDataConverter as dataConverter } from '../support/payload-codec';

// Histories of finished cases, recorded with `npm run record-histories`. A change to a workflow's commands that
// would break running cases fails here: put it behind patched() instead. They replay with the payload codec, as the
// worker runs: histories recorded before encryption hold plaintext payloads, which the codec passes through.
const histories = fs
  .readdirSync(historiesDir)
  .filter((f) => f.endsWith('.binpb'))
  .sort();
// Histories of cases started by earlier releases, kept to show that the cases they stand for still replay.
const earlier = ['before-records-beside-deadlines', 'before-pinned-policy'].flatMap((dir) =>
  fs
    .readdirSync(path.join(historiesDir, dir))
    .filter((f) => f.endsWith('.binpb'))
    .map((f) => path.join(dir, f)),
);
const { History } = temporal.api.history.v1;
const read = (file: string) => History.decode(fs.readFileSync(path.join(historiesDir, file)));

let bundle: WorkflowBundle;
let withNewDefaults: WorkflowBundle;
beforeAll(async () => {
  bundle = await bundleWorkflows();
  withNewDefaults = await bundleWorkflows(require.resolve('../support/workflows-with-new-defaults'));
});

test.each(procedures)('%s has a recorded history to replay', (procedure) => {
  expect(histories.filter((f) => f.startsWith(`${procedure}-`)).length).toBeGreaterThan(0);
});

test('every recorded history is named after a registered procedure', () => {
  expect(histories.filter((f) => !procedures.some((p) => f.startsWith(`${p}-`)))).toEqual([]);
});

test.each([...histories, ...earlier])('%s replays on the current workflow code', async (file) => {
  await expect(Worker.runReplayHistory({ workflowBundle: bundle, dataConverter }, read(file))).resolves.toBeUndefined();
});

test.each([...histories, ...earlier.filter((f) => !f.startsWith('before-pinned-policy'))])(
  '%s replays after policy defaults change in code: the case keeps the policy pinned at its start',
  async (file) => {
    await expect(Worker.runReplayHistory({ workflowBundle: withNewDefaults, dataConverter }, read(file))).resolves.toBeUndefined();
  },
);

test('the guard bites: a history altered to have scheduled another activity fails replay as nondeterministic', async () => {
  const history = read('bail-surveillance-closed.binpb');
  const scheduled = history.events!.find((e) => e.activityTaskScheduledEventAttributes)!;
  scheduled.activityTaskScheduledEventAttributes!.activityType = { name: 'deleteCase' };
  await expect(Worker.runReplayHistory({ workflowBundle: bundle, dataConverter }, history)).rejects.toThrow(/nondetermin/i);
});

test('without the pinned policy the same change of defaults would break a running case (a history recorded before pinning)', async () => {
  const history = History.decode(fs.readFileSync(path.join(historiesDir, 'before-pinned-policy', 'bail-surveillance-closed.binpb')));
  await expect(Worker.runReplayHistory({ workflowBundle: bundle, dataConverter }, history)).resolves.toBeUndefined();
  await expect(Worker.runReplayHistory({ workflowBundle: withNewDefaults, dataConverter }, history)).rejects.toThrow(/nondetermin/i);
});

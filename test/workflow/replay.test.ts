import fs from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker, type WorkflowBundle } from '@temporalio/worker';
import { defaultPayloadConverter } from '@temporalio/common';
import { caseIdOf as caseIdFor } from '../../src/case/contract';
import { type Procedure, procedures } from '../../src/procedures/index';
import { historiesDir } from '../support/case-harness';
import { bundleWorkflows } from '../support/cases';
import { testDataConverter as dataConverter } from '../support/payload-codec';

// Histories of finished cases, recorded with `npm run record-histories` on the loop new cases run. A change to a
// workflow's commands that would break running cases fails here: before 1.0, record them again; from 1.0 on, put the
// change behind patched() (README, "Changing workflow code"). They replay with the payload codec, as the worker runs.
const histories = fs
  .readdirSync(historiesDir)
  .filter((f) => f.endsWith('.binpb'))
  .sort();
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

/** The activity types of the local activities a history recorded (each as a marker: its data names the type). */
function localActivityTypes(history: temporal.api.history.v1.IHistory): string[] {
  return (history.events ?? [])
    .map((e) => e.markerRecordedEventAttributes)
    .filter((m) => m?.markerName === 'core_local_activity')
    .map((m) => JSON.parse(Buffer.from(m!.details!.data.payloads![0].data!).toString()).activity_type as string);
}

test.each(histories)('%s was recorded on the loop new cases run: its records written by flushes', (file) => {
  expect(localActivityTypes(read(file))).toContain('flushRecords');
});

test('every recorded history is named after a registered procedure', () => {
  expect(histories.filter((f) => !procedures.some((p) => f.startsWith(`${p}-`)))).toEqual([]);
});

/**
 * The case id a history ran under, from its input: a replay must run under it, as a worker's does, for the case's own
 * timing reads it (each duty's reminder minute is spread by a hash of the case id and the duty).
 */
async function caseIdOf(history: temporal.api.history.v1.IHistory): Promise<string> {
  const [input] = history.events![0].workflowExecutionStartedEventAttributes!.input!.payloads!;
  const [decoded] = await dataConverter.payloadCodecs![0].decode([input]);
  const { start } = defaultPayloadConverter.fromPayload<{ start: { procedure: Procedure; caseNumber: string } }>(decoded);
  return caseIdFor(start.procedure, start.caseNumber);
}

test.each(histories)('%s replays on the current workflow code', async (file) => {
  const history = read(file);
  await expect(Worker.runReplayHistory({ workflowBundle: bundle, dataConverter }, history, await caseIdOf(history))).resolves.toBeUndefined();
});

test.each(histories)('%s replays after policy defaults change in code: the case keeps the policy pinned at its start', async (file) => {
  const history = read(file);
  await expect(
    Worker.runReplayHistory({ workflowBundle: withNewDefaults, dataConverter }, history, await caseIdOf(history)),
  ).resolves.toBeUndefined();
});

test('the guard bites: a history altered to have run another local activity fails replay as nondeterministic', async () => {
  const history = read('bail-surveillance-closed.binpb');
  const marker = history.events!.find((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity')!;
  const payload = marker.markerRecordedEventAttributes!.details!.data.payloads![0];
  const data = JSON.parse(Buffer.from(payload.data!).toString());
  payload.data = Buffer.from(JSON.stringify({ ...data, activity_type: 'deleteCase' }));
  await expect(Worker.runReplayHistory({ workflowBundle: bundle, dataConverter }, history, await caseIdOf(history))).rejects.toThrow(/nondetermin/i);
});

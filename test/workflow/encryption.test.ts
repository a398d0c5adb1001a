/**
 * Personal data is sealed in Temporal: a case started and acted on through clients and a worker with the payload codec
 * leaves no name or ID number in its history (read raw, by a client without the codec), while a client with the codec
 * reads the case, and the read model never holds them.
 */
import { Client, type WorkflowHandle } from '@temporalio/client';
import { METADATA_ENCODING_KEY, type Payload } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { CaseView } from '../../src/case/contract';
import { workflowTypes } from '../../src/procedures/index';
import { caseArgs, startCase } from '../../src/temporal/cases';
import { encryptedEncoding, keyIdMetadataKey } from '../../src/temporal/codec';
import { useCaseHarness } from '../support/case-harness';
import { act, action, bailStart, caseWorker, settle, uniqueQueue, view } from '../support/cases';
import { testPayloadKeys } from '../support/payload-codec';

const harness = useCaseHarness();

const subject = { name: '甄秘密', idNumber: '510402199203154321', address: '四川省攀枝花市东区密码街88号' };
const guarantorName = '贾保人';
const text = (bytes: Uint8Array | null | undefined) => (bytes ? Buffer.from(bytes).toString() : undefined);
const sealed = (payload: Payload | null | undefined) => ({
  encoding: text(payload?.metadata?.[METADATA_ENCODING_KEY]),
  keyId: text(payload?.metadata?.[keyIdMetadataKey]),
});

test('a case started with the codec is sealed in history: input, memo, summary, Update and flush payloads; the codec client reads it', async () => {
  const taskQueue = uniqueQueue('encryption');
  const worker = await caseWorker(harness.env, taskQueue, harness.bundle, harness.pool);
  const start = bailStart(await harness.now(), { subject, guarantee: { kind: 'guarantor', guarantorName } });
  await worker.runUntil(async () => {
    // Started as the API starts a case: with the memo (input digest), the static summary and the search attributes.
    const { caseId } = (await startCase(harness.env.client, taskQueue, start, [], { actor: 'SYS-01', role: 'station-system' })) as { caseId: string };
    const handle: WorkflowHandle = harness.env.client.workflow.getHandle(caseId);
    const reported = await act(handle, action({ type: 'subject-reported' }));
    expect(reported.personal).toEqual([
      { role: 'subject', ...subject },
      { role: 'guarantor', name: guarantorName },
    ]);
    await settle(handle);

    // A client without the codec sees what the Temporal server stores.
    const raw = await new Client({ connection: harness.env.connection }).workflow.getHandle(caseId).fetchHistory();
    const events = raw.events ?? [];
    const started = events[0].workflowExecutionStartedEventAttributes!;
    const keyId = testPayloadKeys.slice(0, testPayloadKeys.indexOf(':'));
    expect(sealed(started.input!.payloads![0])).toEqual({ encoding: encryptedEncoding, keyId });
    expect(sealed(started.memo!.fields!.inputDigest)).toEqual({ encoding: encryptedEncoding, keyId });
    const summary = events[0].userMetadata?.summary;
    // The time-skipping test server may drop user metadata; where it keeps it, the summary is sealed too.
    if (summary) expect(sealed(summary).encoding).toBe(encryptedEncoding);
    const update = events.find((e) => e.workflowExecutionUpdateAcceptedEventAttributes)!.workflowExecutionUpdateAcceptedEventAttributes!;
    expect(sealed(update.acceptedRequest!.input!.args!.payloads![0]).encoding).toBe(encryptedEncoding);
    const completed = events.find((e) => e.workflowExecutionUpdateCompletedEventAttributes)!.workflowExecutionUpdateCompletedEventAttributes!;
    expect(sealed(completed.outcome!.success!.payloads![0]).encoding).toBe(encryptedEncoding);
    // The records' flush runs as a local activity: its input never reaches the history; its result, in a marker, is sealed.
    const flushes = events.filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity');
    expect(flushes.length).toBeGreaterThan(0);
    for (const f of flushes) expect(sealed(f.markerRecordedEventAttributes!.details!.result.payloads![0]).encoding).toBe(encryptedEncoding);
    const scheduled = events.filter((e) => e.activityTaskScheduledEventAttributes).map((e) => e.activityTaskScheduledEventAttributes!);
    for (const s of scheduled) expect(sealed(s.input!.payloads![0]).encoding).toBe(encryptedEncoding);

    const bytes = Buffer.from(temporal.api.history.v1.History.encode(raw).finish());
    const hits = [subject.name, subject.idNumber, subject.address, guarantorName].filter((secret) => bytes.includes(Buffer.from(secret)));
    expect(hits).toEqual([]);
    // The check would see them: what is not sealed, such as the task queue's name, is found in the same bytes.
    expect(bytes.includes(Buffer.from(taskQueue))).toBe(true);

    // A client with the codec reads the case; the read model holds no personal data.
    const queried = await view(handle);
    expect(queried.personal?.[0]).toEqual({ role: 'subject', ...subject });
    const described = await handle.describe();
    expect(described.memo?.inputDigest).toEqual(expect.any(String));
    let rows: Array<{ view: string }> = [];
    for (let tries = 0; tries < 100 && !rows.length; tries++) {
      rows = (await harness.pool.query('SELECT view::text AS view FROM cases WHERE case_id = $1', [caseId])).rows;
      if (!rows.length) await new Promise((r) => setTimeout(r, 100));
    }
    expect(rows).toHaveLength(1);
    expect(rows[0].view).not.toContain(subject.name);
    expect(rows[0].view).not.toContain(subject.idNumber);
    expect(JSON.parse(rows[0].view)).not.toHaveProperty('personal');

    const closed = await act(handle, action({ type: 'authority-decided', decision: 'case-closed' }));
    expect(closed.status).toBe('closed');
    expect((await harness.resultOf<CaseView>(handle)).personal?.[0].name).toBe(subject.name);
  });
});

test('a client without the codec cannot read a sealed case', async () => {
  const taskQueue = uniqueQueue('encryption-plain');
  const start = bailStart(await harness.now(), { subject });
  // No worker: the start alone is enough to see what a client without keys gets.
  const handle = await harness.env.client.workflow.start(workflowTypes['bail-surveillance'], {
    taskQueue,
    workflowId: `bail-surveillance:${start.caseNumber}`,
    args: [caseArgs(start)],
    memo: { note: 'sealed' },
  });
  const plain = new Client({ connection: harness.env.connection }).workflow.getHandle(handle.workflowId);
  await expect(plain.describe()).rejects.toThrow(/encoding/i);
  await handle.terminate('test over');
});

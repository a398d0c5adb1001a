import { temporal } from '@temporalio/proto';
import fc from 'fast-check';
import { calendarYearBody } from '../../src/domain/calendar.schema';
import { isCreditCode } from '../../src/procedures/hazard-rectification/descriptor';
import { deadlineRules, formatInstant, localDate } from '../../src/case/legal-time';
import { type Procedure, procedureOf, procedures } from '../../src/procedures/index';
import { authFor } from '../support/auth';
import { arbitraryOf, hostileStrings } from '../support/arbitrary';
import { useRealApi } from '../support/real-api';

/**
 * Generated requests, valid-looking and hostile, over every endpoint and every action type, against the API on the
 * real Temporal dev server and PostgreSQL with a real worker. Nothing may answer 5xx, every refusal says why, and no
 * case's workflow task may fail.
 */

const seed = 20260302;
const day = 86_400_000;

// A database of its own: the calendar years it loads would otherwise reach other suites' cases through their records.
const api = useRealApi('fuzz', { ownDatabase: true });

interface Request {
  method: 'GET' | 'POST' | 'PUT';
  url: string;
  payload?: unknown;
  /** Generated valid-looking (every type, bound and format respected), not hostile. */
  validLooking: boolean;
  /** What the request is, for the failure message (never its body: it may be 100,000 characters). */
  label: string;
}

interface Answer {
  request: Request;
  status: number;
  body: { error?: { code?: string; message?: string; fields?: Array<{ path: string; message: string }> } } & Record<string, unknown>;
}

const creditCodeChars = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const creditCode = fc
  .array(fc.constantFrom(...creditCodeChars), { minLength: 17, maxLength: 17 })
  .map((chars) => [...creditCodeChars].map((last) => chars.join('') + last).find(isCreditCode)!);

const sample = <T>(arbitrary: fc.Arbitrary<T>, n: number, offset: number): T[] => fc.sample(arbitrary, { numRuns: n, seed: seed + offset });
/** A path segment; half a surrogate pair goes as the bytes a broken client would send. */
const segment = (value: string) =>
  Array.from(value, (ch) => {
    try {
      return encodeURIComponent(ch);
    } catch {
      return '%ED%A0%80';
    }
  }).join('');
const casePath = (caseId: string) => `/v1/cases/${segment(caseId)}`;

/** The station of each case started, so that an action on it is sent by a caller of that station. */
const stationOf = new Map<string, string>();

function stationsOf(url: string): string[] | undefined {
  const segment = /^\/v1\/cases\/([^/]+)\/actions$/.exec(url)?.[1];
  try {
    const station = segment && stationOf.get(decodeURIComponent(segment));
    return station ? [station] : undefined;
  } catch {
    return undefined;
  }
}

async function send(requests: Request[], concurrency = 16): Promise<Answer[]> {
  const answers: Answer[] = [];
  for (let i = 0; i < requests.length; i += concurrency) {
    const batch = requests.slice(i, i + concurrency);
    answers.push(
      ...(await Promise.all(
        batch.map(async (request) => {
          const headers = await authFor(request.method, request.url, request.payload, stationsOf(request.url));
          const res = await api.app.inject({ method: request.method, url: request.url, payload: request.payload as object | undefined, headers });
          return { request, status: res.statusCode, body: res.body ? JSON.parse(res.body) : {} };
        }),
      )),
    );
  }
  return answers;
}

/** Starts of every procedure: valid-looking ones (their dates around now) and hostile ones. */
function startRequests(now: number): Request[] {
  return procedures.flatMap((procedure, p) => {
    const schema = procedureOf(procedure).start;
    // Far dates are few: a term begun years ago owes a notice for every month since, which a real case writes one by one.
    const looking = arbitraryOf(schema, { around: now, anywhere: 1, overrides: { creditCode } });
    // Most are drawn among those the schema accepts, so every procedure's cases start and take actions.
    const valid = [
      ...sample(looking, 5, p),
      // Drawn and kept, not filtered: a filter that few draws pass (the dates the contract bounds) would search without end.
      ...sample(looking, 400, 50 + p)
        .filter((v) => schema.safeParse(v).success)
        .slice(0, 10),
    ];
    const hostile = sample(arbitraryOf(schema, { around: now, hostility: 2, overrides: { creditCode } }), 15, 100 + p);
    return [
      ...valid.map((payload) => ({ method: 'POST' as const, url: '/v1/cases', payload, validLooking: true, label: `start ${procedure}` })),
      ...hostile.map((payload) => ({ method: 'POST' as const, url: '/v1/cases', payload, validLooking: false, label: `hostile start ${procedure}` })),
    ];
  });
}

/** Actions of every type on the cases that started: mostly at the time they arrive, as an officer reports. */
function actionRequests(cases: Array<{ caseId: string; procedure: Procedure; officerId: string }>, now: number): Request[] {
  return cases.flatMap(({ caseId, procedure, officerId }, i) => {
    const schema = procedureOf(procedure).action;
    const valid = sample(arbitraryOf(schema, { around: now }), 4, 1000 + i).map((a, k) => {
      // Reported by the officer the case is assigned to (an officer acts on their own cases only).
      const action: Record<string, unknown> = { ...(a as Record<string, unknown>), actor: officerId };
      if (k % 4 !== 0) delete action.at;
      return action;
    });
    const hostile = sample(arbitraryOf(schema, { around: now, hostility: 2 }), 2, 5000 + i);
    const url = `${casePath(caseId)}/actions`;
    return [
      ...valid.map((payload) => ({
        method: 'POST' as const,
        url,
        payload,
        validLooking: true,
        label: `${procedure} action ${String((payload as { type?: unknown }).type)}`,
      })),
      ...hostile.map((payload) => ({ method: 'POST' as const, url, payload, validLooking: false, label: `hostile ${procedure} action` })),
    ];
  });
}

/** Reads, lists, legal time and the calendar, with valid-looking and hostile parameters. */
function otherRequests(cases: Array<{ caseId: string }>, now: number): Request[] {
  const hostile = fc.constantFrom(...hostileStrings.filter((s) => s.length < 1000));
  const date = fc.integer({ min: -400, max: 400 }).map((n) => localDate(now + n * day));
  const edges = fc.constantFrom('2000-01-01', '2100-12-31', '2000-01-01T00:00:00+08:00', '2100-12-31T23:59:59+08:00', formatInstant(now));
  const query = (params: Record<string, unknown>) =>
    new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => typeof e[1] === 'string')).toString();

  const deadlines = sample(
    fc.record({
      rule: fc.oneof({ arbitrary: fc.constantFrom(...deadlineRules), weight: 4 }, hostile),
      from: fc.oneof({ arbitrary: date, weight: 2 }, { arbitrary: edges, weight: 2 }, hostile),
      n: fc.oneof({ arbitrary: fc.integer({ min: 0, max: 3660 }).map(String), weight: 4 }, fc.constantFrom('3661', '-1', '1.5', '1e3', ''), hostile),
    }),
    360,
    2,
  ).map((params) => ({
    method: 'GET' as const,
    url: `/v1/time/deadline?${query(params)}`,
    validLooking: [params.rule, params.n].every((v) => !hostileStrings.includes(v)) && /^\d+$/.test(params.n),
    label: 'deadline',
  }));

  const lists = sample(
    fc.record(
      {
        stationId: fc.oneof({ arbitrary: fc.constantFrom('S-01', 'S-02'), weight: 3 }, hostile),
        officerId: fc.oneof({ arbitrary: fc.constantFrom('P-1', 'P-20931'), weight: 3 }, hostile),
        procedure: fc.oneof({ arbitrary: fc.constantFrom(...procedures), weight: 3 }, hostile),
        status: fc.oneof({ arbitrary: fc.constantFrom('open', 'closed'), weight: 3 }, hostile),
        limit: fc.oneof({ arbitrary: fc.integer({ min: 1, max: 500 }).map(String), weight: 3 }, fc.constantFrom('0', '501', 'ten'), hostile),
      },
      { requiredKeys: [] },
    ),
    100,
    3,
  ).map((params) => ({ method: 'GET' as const, url: `/v1/cases?${query(params)}`, validLooking: false, label: 'list' }));

  const reads = [
    ...cases.slice(0, 40).map(({ caseId }) => ({ method: 'GET' as const, url: casePath(caseId), validLooking: true, label: 'read' })),
    ...hostileStrings
      .filter((s) => s.length < 1000)
      .flatMap((s) => [`bail-surveillance:${s}`, s])
      .map((id) => ({ method: 'GET' as const, url: casePath(id), validLooking: false, label: 'read of a hostile case id' })),
    ...hostileStrings
      .filter((s) => s.length < 1000)
      .map((id) => ({
        method: 'POST' as const,
        url: `${casePath(id)}/actions`,
        payload: {},
        validLooking: false,
        label: 'action on a hostile case id',
      })),
  ];

  // Years no other test reads: a valid-looking load changes the calendar its cases then learn.
  const year = fc.integer({ min: 2091, max: 2097 });
  const calendars = [
    ...sample(year, 10, 4).map((y) => ({ method: 'GET' as const, url: `/v1/calendar/${y}`, validLooking: true, label: 'calendar read' })),
    ...sample(fc.oneof(hostile, fc.constantFrom('0000', '1999', '2101', '9999', '20261')), 20, 5).map((y) => ({
      method: 'GET' as const,
      url: `/v1/calendar/${segment(y)}`,
      validLooking: false,
      label: 'calendar read of a hostile year',
    })),
    ...sample(fc.tuple(year, arbitraryOf(calendarYearBody, { around: Date.parse('2094-06-01T00:00:00+08:00') })), 4, 6).map(([y, body]) => ({
      method: 'PUT' as const,
      url: `/v1/calendar/${y}`,
      payload: body,
      validLooking: true,
      label: 'calendar load',
    })),
    ...sample(fc.tuple(fc.oneof(year.map(String), hostile), arbitraryOf(calendarYearBody, { around: now, hostility: 3 })), 30, 7).map(
      ([y, body]) => ({
        method: 'PUT' as const,
        url: `/v1/calendar/${segment(y)}`,
        payload: body,
        validLooking: false,
        label: 'hostile calendar load',
      }),
    ),
  ];
  return [...deadlines, ...lists, ...reads, ...calendars];
}

/** Every run of every case on the suite's task queue, once no workflow task is pending. */
async function settledExecutions(expected: number): Promise<Array<{ workflowId: string; runId: string; status: string }>> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const runs: Array<{ workflowId: string; runId: string; status: string }> = [];
    for await (const e of api.client.workflow.list({ query: `TaskQueue = '${api.taskQueue}'` })) {
      runs.push({ workflowId: e.workflowId, runId: e.runId, status: e.status.name });
    }
    const open = runs.filter((r) => r.status === 'RUNNING');
    const busy = await Promise.all(
      open.map(async (r) => Boolean((await api.client.workflow.getHandle(r.workflowId, r.runId).describe()).raw.pendingWorkflowTask)),
    );
    if ((new Set(runs.map((r) => r.workflowId)).size >= expected && !busy.some(Boolean)) || Date.now() > deadline) return runs;
    await new Promise((r) => setTimeout(r, 250));
  }
}

test('1,000+ generated requests: no 5xx, every refusal says why, no workflow task fails', async () => {
  const began = Date.now();
  const now = Date.now();

  const phases: Record<string, number> = {};
  const phase = async (name: string, requests: Request[]) => {
    const t0 = Date.now();
    const answers = await send(requests);
    phases[name] = (Date.now() - t0) / 1000;
    return answers;
  };
  const starts = await phase('starts', startRequests(now));
  const created = starts
    .filter((a) => a.status === 201)
    .map((a) => {
      const { procedure, officerId } = a.request.payload as { procedure: Procedure; officerId: string };
      return { caseId: a.body.caseId as string, procedure, officerId };
    });
  for (const a of starts.filter((s) => s.status === 201))
    stationOf.set(a.body.caseId as string, (a.request.payload as { stationId: string }).stationId);
  // The same start again is the same case; other content under its number is a conflict.
  const repeats = await phase(
    'repeats',
    starts
      .filter((a) => a.status === 201)
      .slice(0, 10)
      .flatMap((a, i) => [
        { ...a.request, label: 'repeated start' },
        { ...a.request, payload: { ...(a.request.payload as object), stationId: `S-${i}-other` }, label: 'conflicting start' },
      ]),
  );
  const actions = await phase('actions', actionRequests(created, now));
  const others = await phase('others', otherRequests(created, now));
  const answers = [...starts, ...repeats, ...actions, ...others];
  const seconds = (Date.now() - began) / 1000;

  const validLooking = answers.filter((a) => a.request.validLooking).length;
  const accepted = (list: Answer[], status: number) => list.filter((a) => a.status === status).length;
  const tally = {
    requests: answers.length,
    validLooking,
    created: created.length,
    repeatedSame: repeats.filter((a) => a.status === 200).length,
    conflicts: repeats.filter((a) => a.status === 409).length,
    actionsApplied: accepted(actions, 200),
    actionsRefusedByCase: accepted(actions, 409),
    refused400: answers.filter((a) => a.status === 400).length,
    seconds,
    phases,
  };
  console.log(`fuzz: ${JSON.stringify(tally)}`);
  const failures = answers.filter((a) => a.status >= 500).map((a) => `${a.status} ${a.request.method} ${a.request.label}: ${JSON.stringify(a.body)}`);
  expect(failures).toEqual([]);
  const unexplained = answers
    .filter((a) => a.status >= 400)
    .filter((a) => {
      const error = a.body.error;
      if (!error?.code || !error.message) return true;
      return a.status === 400 && error.code === 'invalid-request' && !error.fields?.length;
    })
    .map((a) => `${a.status} ${a.request.label}: ${JSON.stringify(a.body).slice(0, 300)}`);
  expect(unexplained).toEqual([]);

  expect(answers.length).toBeGreaterThanOrEqual(1_000);
  expect(validLooking / answers.length).toBeGreaterThanOrEqual(0.3);
  // The workflow side is really exercised: cases of every procedure started and took actions.
  expect(new Set(created.map((c) => c.procedure))).toEqual(new Set(procedures));
  expect(tally.created).toBeGreaterThanOrEqual(30);
  expect(tally.repeatedSame).toBe(10);
  expect(tally.conflicts).toBe(10);
  expect(tally.actionsApplied).toBeGreaterThanOrEqual(20);

  const runs = await settledExecutions(created.length);
  expect(new Set(runs.map((r) => r.workflowId))).toEqual(new Set(created.map((c) => c.caseId)));
  expect(runs.filter((r) => r.status === 'FAILED' || r.status === 'TERMINATED' || r.status === 'TIMED_OUT')).toEqual([]);
  const taskFailures: string[] = [];
  for (const run of runs) {
    const history = await api.client.workflow.getHandle(run.workflowId, run.runId).fetchHistory();
    for (const event of history.events ?? []) {
      if (event.eventType === temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED) {
        taskFailures.push(`${run.workflowId}: ${event.workflowTaskFailedEventAttributes?.failure?.message}`);
      }
    }
  }
  expect(taskFailures).toEqual([]);
}, 300_000);

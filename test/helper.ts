/**
 * Builds the HTTP API on fake Temporal and database plugins, registered under the real plugins' names, so HTTP
 * behaviour is tested with `app.inject` and no servers. The real stack is tested in test/live/api.test.ts.
 */
import { type Client, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import {
  ApplicationFailure,
  type PayloadCodec,
  type SearchAttributePair,
  TypedSearchAttributes,
  WorkflowExecutionAlreadyStartedError,
} from '@temporalio/common';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import pino, { type Logger } from 'pino';
import { app, type AppOptions, serverOptions } from '../src/api/app';
import type { AccessEntry, AuditRow, ChainCheck } from '../src/db/audit';
import type { CaseFilter, CaseSummary } from '../src/db/cases';
import type { NoticeFilter, OutboxNotice } from '../src/db/notices';
import type { KpiCounts, KpiDuty } from '../src/db/kpis';
import type { ObligationRow } from '../src/db/obligations';
import type { Page } from '../src/db/paging';
import type { Repository } from '../src/db/repository';
import type { StoredCase } from '../src/db/cases';
import { builtInCalendarYears, type CalendarYear } from '../src/case/calendar';
import { type CalendarBroadcast, calendarBroadcastId, calendarBroadcastWorkflowType } from '../src/domain/calendar-broadcast';
import type { ActionEnvelope, CaseView } from '../src/case/contract';
import { canonicalJson } from '../src/case/fingerprint';
import type { CaseStart } from '../src/procedures/index';
import type { Principal } from '../src/domain/roles';
import { officerIdKey, recordsBlockedSinceKey } from '../src/domain/search-attributes';
import { testAuth } from './support/auth';
import { Rejected, SimulatedCase } from './support/simulator';

interface Execution {
  workflowType: string;
  memo: Record<string, unknown>;
  status: 'RUNNING' | 'COMPLETED';
  /** The real case, on the pure case model, its clock the real one: what the workflow would run. */
  kase: SimulatedCase;
  updates: Map<string, CaseView>;
  actionIds: Map<string, string>;
  /** As the start set them (procedure, station, officer …); a test may add RecordsBlockedSince. */
  searchAttributes: SearchAttributePair[];
}

/**
 * An in-memory Temporal holding case executions, faking only the client calls src/temporal makes (start, describe,
 * query, executeUpdate, signal, list, getSystemInfo); a route that reaches for anything else fails its test. Each
 * execution runs the real case (the procedure's rules on the obligation engine, as the simulator runs them) on the
 * real clock: what it accepts, refuses and answers is the case's own. A calendar broadcast is only recorded as started
 * (the real one is tested on real servers).
 */
export class FakeTemporal {
  readonly executions = new Map<string, Execution>();
  readonly signals: Array<{ workflowId: string; signal: string; args: unknown[] }> = [];
  /** Each start of a calendar broadcast that created one (a start of one already running finds it: USE_EXISTING). */
  readonly broadcastsStarted: Array<{ workflowId: string; taskQueue: string; year: CalendarYear }> = [];
  /** Every action sent to a case (accepted, refused, or too late for a closed one): what passed the API's checks. */
  readonly received: Array<{ caseId: string; action: ActionEnvelope }> = [];
  /** Set: every call fails with this error, as when the server cannot be reached. */
  failure?: Error;
  readonly client: Client;

  constructor(private readonly onAccepted: (caseId: string, action: ActionEnvelope) => void) {
    const workflow = {
      start: async (
        workflowType: string,
        options: {
          workflowId: string;
          taskQueue: string;
          memo?: Record<string, unknown>;
          args: [{ start: CaseStart; calendar: CalendarYear[] }];
          typedSearchAttributes?: SearchAttributePair[];
        },
      ) => {
        this.reachable();
        if (workflowType === calendarBroadcastWorkflowType) {
          const [{ year }] = options.args as unknown as [{ year: CalendarYear }];
          if (!this.broadcastsStarted.some((b) => b.workflowId === options.workflowId)) {
            this.broadcastsStarted.push({ workflowId: options.workflowId, taskQueue: options.taskQueue, year });
          }
          return;
        }
        if (this.executions.has(options.workflowId)) {
          throw new WorkflowExecutionAlreadyStartedError('Workflow execution already started', options.workflowId, workflowType);
        }
        const [{ start, calendar }] = options.args;
        this.executions.set(options.workflowId, {
          workflowType,
          memo: options.memo ?? {},
          status: 'RUNNING',
          kase: SimulatedCase.start(start, Date.now(), calendar),
          updates: new Map(),
          actionIds: new Map(),
          searchAttributes: options.typedSearchAttributes ?? [],
        });
      },
      getHandle: (workflowId: string) => ({
        describe: async () => {
          const execution = this.execution(workflowId);
          return {
            workflowId,
            type: execution.workflowType,
            memo: execution.memo,
            status: { name: execution.status },
            typedSearchAttributes: new TypedSearchAttributes(execution.searchAttributes),
          };
        },
        query: async () => this.execution(workflowId).kase.advanceTo(Date.now()).view(),
        executeUpdate: async (_update: unknown, options: { args: [ActionEnvelope]; updateId: string }) => this.update(workflowId, options),
        signal: async (signal: string | { name: string }, ...args: unknown[]) => {
          this.execution(workflowId);
          this.signals.push({ workflowId, signal: typeof signal === 'string' ? signal : signal.name, args });
        },
      }),
      list: (_options?: unknown) => this.running(),
    };
    const workflowService = {
      getSystemInfo: async () => {
        this.reachable();
        return {};
      },
    };
    const connection = { withDeadline: <R>(_deadline: number, fn: () => Promise<R>) => fn() };
    this.client = { workflow, workflowService, connection } as unknown as Client;
  }

  /** The case reports that it cannot write its records since `since`, as the real one sets RecordsBlockedSince. */
  blockRecords(caseId: string, since: Date): void {
    this.execution(caseId).searchAttributes.push({ key: recordsBlockedSinceKey, value: since });
  }

  private update(workflowId: string, { args: [action], updateId }: { args: [ActionEnvelope]; updateId: string }): CaseView {
    const execution = this.execution(workflowId);
    this.received.push({ caseId: workflowId, action: structuredClone(action) });
    if (execution.status !== 'RUNNING') throw new WorkflowNotFoundError('workflow execution already completed', workflowId, undefined);
    const earlier = execution.updates.get(updateId);
    if (earlier) return structuredClone(earlier);
    let view: CaseView;
    try {
      view = execution.kase.advanceTo(Date.now()).submit(action);
    } catch (err) {
      if (err instanceof Rejected) throw rejection(err.type, err.message);
      throw err;
    }
    execution.updates.set(updateId, view);
    execution.actionIds.set(action.actionId, updateId);
    // A case that closes ends its workflow: it takes no Update any more.
    if (view.status === 'closed') execution.status = 'COMPLETED';
    // As the runtime upserts it: the officer the case is assigned to now.
    execution.searchAttributes = [
      ...execution.searchAttributes.filter((a) => a.key.name !== officerIdKey.name),
      { key: officerIdKey, value: view.officerId },
    ];
    this.onAccepted(workflowId, action);
    return structuredClone(view);
  }

  /** Every running case, whatever the query: the routes must scope what they list themselves (the real query does too). */
  private async *running(): AsyncIterable<{ workflowId: string; typedSearchAttributes: TypedSearchAttributes }> {
    this.reachable();
    for (const [workflowId, execution] of this.executions) {
      if (execution.status === 'RUNNING') yield { workflowId, typedSearchAttributes: new TypedSearchAttributes(execution.searchAttributes) };
    }
  }

  private execution(workflowId: string): Execution {
    this.reachable();
    const execution = this.executions.get(workflowId);
    if (!execution) throw new WorkflowNotFoundError('workflow not found', workflowId, undefined);
    return execution;
  }

  private reachable(): void {
    if (this.failure) throw this.failure;
  }
}

function rejection(type: string, message: string): WorkflowUpdateFailedError {
  return new WorkflowUpdateFailedError('Workflow Update failed', ApplicationFailure.create({ type, message, nonRetryable: true }));
}

/** The fake database's clock, where one is needed. */
const fakeNow = '2026-03-02T09:00:00+08:00';

/** The read model, audit log and calendar in memory, with the PostgreSQL repository's behaviour. */
export class FakeRepository implements Repository {
  readonly summaries: CaseSummary[] = [];
  readonly auditLog: Array<{ caseId: string; actionId: string; type: string }> = [];
  readonly calendarYears = new Map<number, CalendarYear>(builtInCalendarYears.map((y) => [y.year, structuredClone(y)]));
  /** The notices outbox, oldest written first. */
  readonly outbox: OutboxNotice[] = [];
  /** Calendar broadcasts by workflow id, as the table holds them: a stored version brings its broadcast to do. */
  readonly broadcasts = new Map<string, CalendarBroadcast & { year: number }>();
  /** Set: every call fails with this error, as when the database cannot be reached. */
  failure?: Error;

  cases = {
    // The filters and paging of the supervisor's lists are PostgreSQL's (test/unit/supervisor-lists.test.ts); the fake
    // filters by station, officer, procedure and status and answers one page.
    list: async ({ stationIds, officerId, procedure, status, limit }: CaseFilter): Promise<Page<CaseSummary>> => {
      this.reachable();
      const dueAt = (c: CaseSummary) => (c.nextDueAt ? Date.parse(c.nextDueAt) : Infinity);
      const rows = this.summaries
        .filter((c) => (!stationIds || stationIds.includes(c.stationId)) && (!officerId || c.officerId === officerId))
        .filter((c) => (!procedure || c.procedure === procedure) && (!status || c.status === status))
        .sort((a, b) => dueAt(a) - dueAt(b) || a.caseId.localeCompare(b.caseId))
        .slice(0, limit);
      return { rows };
    },
    station: async (caseId: string): Promise<string | undefined> => {
      this.reachable();
      return this.summaries.find((c) => c.caseId === caseId)?.stationId;
    },
    officer: async (caseId: string): Promise<string | undefined> => {
      this.reachable();
      return this.summaries.find((c) => c.caseId === caseId)?.officerId;
    },
    // The fake keeps no rows of views: every read of a case falls back to the fake Temporal's query.
    read: async (): Promise<StoredCase | undefined> => {
      this.reachable();
      return undefined;
    },
  };

  // The fake holds no duties: the duty lists and rates are PostgreSQL's (test/unit/kpis.test.ts, test/api/supervisor.test.ts).
  obligations = {
    list: async (): Promise<Page<ObligationRow>> => {
      this.reachable();
      return { rows: [] };
    },
  };

  kpis = {
    counts: async (): Promise<KpiCounts> => {
      this.reachable();
      return { onTime: 0, late: 0, missed: 0 };
    },
    duties: async (): Promise<Page<KpiDuty>> => {
      this.reachable();
      return { rows: [] };
    },
  };

  /** What the API recorded besides actions: refusals, calendar loads, unmasked reads. */
  readonly accessLog: AccessEntry[] = [];

  audit = {
    actionRecorded: async (caseId: string, actionId: string): Promise<boolean> => {
      this.reachable();
      return this.auditLog.some((entry) => entry.caseId === caseId && entry.actionId === actionId);
    },
    record: async (entry: AccessEntry): Promise<void> => {
      this.reachable();
      this.accessLog.push(structuredClone(entry));
    },
    // The chain itself, its hashes and its check, are PostgreSQL's (test/api/audit.test.ts); the fake lists the rows.
    chain: async (caseId: string): Promise<{ rows: AuditRow[]; chain: ChainCheck }> => {
      this.reachable();
      const rows: AuditRow[] = [
        ...this.auditLog
          .filter((entry) => entry.caseId === caseId)
          .map((entry) => ({ kind: 'action' as const, caseId, actionId: entry.actionId, type: entry.type, actor: '', payload: {} })),
        ...this.accessLog
          .filter((entry) => entry.caseId === caseId)
          .map((entry) => ({ kind: entry.kind, caseId, type: entry.type, actor: entry.actor, payload: entry.details })),
      ].map((row, i) => ({ ...row, id: String(i + 1), at: fakeNow, receivedAt: fakeNow, recordedAt: fakeNow, prevHash: null, hash: '' }));
      return { rows, chain: { verified: true, rows: rows.length } };
    },
  };

  calendar = {
    years: async (): Promise<CalendarYear[]> => {
      this.reachable();
      return [...this.calendarYears.values()].sort((a, b) => a.year - b.year).map((y) => structuredClone(y));
    },
    year: async (year: number): Promise<CalendarYear | undefined> => {
      this.reachable();
      const held = this.calendarYears.get(year);
      return held && structuredClone(held);
    },
    replace: async (year: Omit<CalendarYear, 'version'>): Promise<{ year: CalendarYear; changed: boolean }> => {
      this.reachable();
      const held = this.calendarYears.get(year.year);
      if (held && canonicalJson({ ...held, version: 0 }) === canonicalJson({ ...year, version: 0 })) return { year: held, changed: false };
      const stored = { ...year, version: (held?.version ?? 0) + 1 };
      this.calendarYears.set(year.year, stored);
      const id = calendarBroadcastId(year.year, stored.version);
      this.broadcasts.set(id, {
        id,
        year: year.year,
        version: stored.version,
        requestedAt: new Date().toISOString(),
        casesReached: null,
        finishedAt: null,
      });
      return { year: structuredClone(stored), changed: true };
    },
    broadcast: async (year: number, version: number): Promise<CalendarBroadcast | undefined> => {
      this.reachable();
      const held = this.broadcasts.get(calendarBroadcastId(year, version));
      if (!held) return undefined;
      const { year: _year, ...broadcast } = held;
      return { ...broadcast };
    },
    awaitingBroadcast: async (): Promise<CalendarYear[]> => {
      this.reachable();
      const current = [...this.calendarYears.values()].filter(
        (y) => this.broadcasts.get(calendarBroadcastId(y.year, y.version))?.finishedAt === null,
      );
      return current.sort((a, b) => a.year - b.year).map((y) => structuredClone(y));
    },
  };

  notices = {
    list: async ({ status, caseId, limit, stationIds }: NoticeFilter): Promise<OutboxNotice[]> => {
      this.reachable();
      return structuredClone(
        this.outbox.filter((n) => n.status === status && (!caseId || n.caseId === caseId) && this.ofStations(n.caseId, stationIds)).slice(0, limit),
      );
    },
    caseOf: async (id: string): Promise<{ caseId: string; stationId?: string } | undefined> => {
      this.reachable();
      const held = this.outbox.find((n) => n.id === id);
      return held && { caseId: held.caseId, stationId: this.summaries.find((c) => c.caseId === held.caseId)?.stationId };
    },
    redeliver: async (id: string, stationIds?: string[]): Promise<OutboxNotice | 'not-found' | 'delivered'> => {
      this.reachable();
      const held = this.outbox.find((n) => n.id === id && this.ofStations(n.caseId, stationIds));
      if (!held) return 'not-found';
      if (held.status === 'delivered') return 'delivered';
      Object.assign(held, { status: 'pending', attempts: 0, deadAt: undefined, lastError: undefined, nextAttemptAt: fakeNow });
      return structuredClone(held);
    },
  };

  async ping(): Promise<void> {
    this.reachable();
  }

  /** Whether a case lies in `stationIds` as the read model places it (the real query joins the cases table). */
  private ofStations(caseId: string, stationIds: string[] | undefined): boolean {
    if (!stationIds) return true;
    const summary = this.summaries.find((c) => c.caseId === caseId);
    return summary !== undefined && stationIds.includes(summary.stationId);
  }

  private reachable(): void {
    if (this.failure) throw this.failure;
  }
}

export interface TestApp {
  app: FastifyInstance;
  temporal: FakeTemporal;
  db: FakeRepository;
  /** `METHOD url` of each answered request that carried personal data unmasked (what the access log records). */
  unmasked: string[];
}

export interface TestAppOptions {
  /** Requests per caller and window before 429; generous by default. */
  rateLimit?: { max: number; windowMs: number };
  /** Where the request log goes; silent by default. */
  logger?: Logger;
  /** The database as the app finds it when it boots; empty but for the shipped calendar by default. */
  db?: FakeRepository;
  /** The real repository over a test database, in place of the fake (the duty lists and rates are PostgreSQL's). */
  repository?: Repository;
  /** With it the app serves the codec endpoint. */
  payloadCodec?: PayloadCodec;
  codecCorsOrigin?: string;
  /** With it the app serves the development sign-in page. */
  devSignIn?: AppOptions['devSignIn'];
  /**
   * The verified caller of each request, as the identity plugin will set it (a hook that runs before every route);
   * until that plugin exists, tests name the caller here. Undefined: no caller.
   */
  principalOf?: (request: FastifyRequest) => Principal | undefined;
}

/** The app on fakes, ready for `inject`; the caller closes it. */
export async function buildTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const db = options.db ?? new FakeRepository();
  // A case writes each accepted action into the audit log, as the real case's activity does.
  const temporal = new FakeTemporal((caseId, action) => db.auditLog.push({ caseId, actionId: action.actionId, type: action.type }));
  const server = Fastify(serverOptions(options.logger ?? pino({ level: 'silent' })));
  await server.register(
    fp(
      async (instance) => {
        instance.decorate('temporal', temporal.client);
        instance.decorate('taskQueue', 'fake-queue');
      },
      { name: 'temporal' },
    ),
  );
  await server.register(
    fp(
      async (instance) => {
        instance.decorate('db', options.repository ?? db);
      },
      { name: 'db' },
    ),
  );
  const unmasked: string[] = [];
  server.addHook('onResponse', async (request) => {
    if (request.unmasked) unmasked.push(`${request.method} ${request.url}`);
  });
  const { principalOf } = options;
  if (principalOf) {
    server.addHook('onRequest', async (request) => {
      request.principal = principalOf(request);
    });
  }
  await server.register(app, {
    auth: testAuth,
    rateLimit: options.rateLimit ?? { max: 100_000, windowMs: 60_000 },
    payloadCodec: options.payloadCodec,
    codecCorsOrigin: options.codecCorsOrigin,
    devSignIn: options.devSignIn,
  });
  await server.ready();
  return { app: server, temporal, db, unmasked };
}

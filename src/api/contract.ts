/**
 * The answers of the API as schemas: each route declares its success body and the error envelope for every status
 * it can answer, so the OpenAPI document says all of it, and Fastify serializes by these schemas (a field not named
 * here never leaves the server).
 */
import { z } from 'zod';
import type { AuditRow } from '../db/audit';
import type { CaseSummary } from '../db/cases';
import type { OutboxNotice } from '../db/notices';
import type { CalendarYear } from '../case/calendar';
import type { CaseView, ObligationView } from '../case/contract';
import { procedures } from '../procedures/index';

/**
 * The version of the API contract (the OpenAPI document's info.version), apart from the package's: a change to the
 * document raises it, with an entry in CHANGELOG.md and the snapshot in openapi/ rewritten (`npm run contract:update`).
 */
export const apiVersion = '1.3.0';

export const errorEnvelope = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    fields: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
});

/** Why each status is answered; the body is always the envelope. */
const errorMeanings = {
  400: 'The request is not valid: `fields` names what is wrong',
  401: 'No valid bearer token',
  403: "The caller's roles or stations do not allow it",
  404: 'Not found, or not visible to the caller',
  409: 'Refused by the current state',
  413: 'The body is larger than this route accepts',
  415: 'The body is not JSON',
  429: 'Too many requests from this caller; retry later',
  503: "Temporal or PostgreSQL cannot be reached, or the case's last task is being retried; retry after Retry-After seconds (retries are safe)",
} as const;
export type ErrorStatus = keyof typeof errorMeanings;

/** Every route behind the token answers these. */
const authenticated: ErrorStatus[] = [400, 401, 429];
/** What a route with a JSON body adds. */
export const withBody: ErrorStatus[] = [413, 415];

/**
 * A route's `response` schemas: its success answers and the error envelope for the statuses it adds to those every
 * authenticated route answers (400, 401, 429).
 */
export function responses<S extends Record<number, z.ZodType>>(success: S, ...statuses: ErrorStatus[]) {
  const errors = Object.fromEntries(
    [...new Set([...authenticated, ...statuses])].sort().map((status) => [status, errorEnvelope.describe(errorMeanings[status])]),
  ) as Record<ErrorStatus, typeof errorEnvelope>;
  return { ...errors, ...success };
}

const obligationView = z.object({
  key: z.string(),
  period: z.string().optional(),
  article: z.string(),
  titleZh: z.string(),
  titleEn: z.string(),
  responsible: z.enum(['officer', 'station', 'decision-authority', 'subject', 'system']),
  status: z.enum(['pending', 'done', 'overdue', 'waived', 'cancelled', 'before-adoption']),
  opensAt: z.string().optional(),
  dueAt: z.string(),
  completedAt: z.string().optional(),
  completedBy: z.string().optional(),
  completionReceivedAt: z.string().optional(),
  late: z.boolean(),
  overdueAt: z.string().optional(),
  basis: z
    .object({
      rule: z.string(),
      from: z.string().optional(),
      n: z.number().int().optional(),
      sets: z.enum(['dueAt', 'opensAt']).optional(),
      explanation: z.array(z.string()),
      warnings: z.array(z.string()),
    })
    .optional(),
  adoption: z
    .object({
      fact: z.string().optional(),
      review: z.enum(['to-review', 'done', 'not-done']).optional(),
      reviewedBy: z.string().optional(),
      reviewedAt: z.string().optional(),
      doneOn: z.string().optional(),
    })
    .optional(),
  changes: z
    .array(z.object({ field: z.enum(['dueAt', 'opensAt']).optional(), from: z.string(), to: z.string(), at: z.string(), reason: z.string() }))
    .optional(),
});

const personalRecord = z.object({
  role: z.enum(['subject', 'guarantor', 'party', 'contact']),
  name: z.string(),
  idNumber: z.string().optional(),
  address: z.string().optional(),
  partyRole: z.string().optional(),
});

const procedureName = z.enum(procedures as [string, ...string[]]);

export const caseView = z
  .object({
    caseId: z.string(),
    procedure: procedureName,
    caseNumber: z.string(),
    stationId: z.string(),
    officerId: z.string(),
    status: z.enum(['open', 'closed']),
    outcome: z.string().optional(),
    startedAt: z.string(),
    closedAt: z.string().optional(),
    nextDueAt: z.string().optional(),
    overdueCount: z.number().int(),
    obligations: z.array(obligationView),
    notices: z.array(
      z.object({ kind: z.string(), recipient: z.string(), article: z.string(), obligationKey: z.string().optional(), createdAt: z.string() }),
    ),
    records: z.unknown(),
    policy: z.record(z.string(), z.number()),
    warnings: z.array(z.string()),
    calendar: z.array(z.object({ year: z.number().int(), version: z.number().int() })),
    run: z.number().int(),
    recordsBlockedSince: z.string().optional(),
    duplicate: z.boolean().optional(),
    revision: z.number().int().optional().describe("The read model's revision of the case (absent when the case itself answered)"),
    writtenAt: z.string().optional().describe('When the read model row was written (absent when the case itself answered)'),
    adoption: z
      .object({
        adoptedAt: z.string(),
        facts: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
        settledByFacts: z.number().int(),
        toReview: z.number().int(),
        review: z.array(z.object({ key: z.string(), period: z.string().optional(), dueAt: z.string() })),
      })
      .optional(),
    personal: z.array(personalRecord).optional().describe('Masked unless the caller is an officer or a station leader of the case'),
  })
  .describe("A case's obligations, notices and records");

/** A duty that arrived already due: before the case reached beatflow (to review, or settled by a fact), or moved for lack of time. */
export const arrivedDue = z.object({
  key: z.string(),
  period: z.string().optional(),
  dueAt: z.string(),
  settledBy: z.string().optional().describe('the adoption fact that settled it; absent: listed for review'),
  owedBy: z.string().optional().describe('its legal time had passed when the case arrived: owed by then instead'),
});

export const caseStarted = z.object({
  caseId: z.string(),
  created: z.boolean(),
  arrivedDue: z.array(arrivedDue).optional().describe('on creation: every duty that arrived already due'),
});

export const casePage = z.object({
  cases: z.array(
    z.object({
      caseId: z.string(),
      procedure: procedureName,
      caseNumber: z.string(),
      stationId: z.string(),
      officerId: z.string(),
      status: z.enum(['open', 'closed']),
      outcome: z.string().optional(),
      nextDueAt: z.string().optional(),
      overdueCount: z.number().int(),
      recordsBlockedSince: z.string().optional(),
    }),
  ),
  nextCursor: z.string().optional().describe('The `cursor` of the next page, when there is one'),
});

export const blockedCases = z.object({
  cases: z.array(
    z.object({
      caseId: z.string(),
      procedure: z.string().optional(),
      stationId: z.string().optional(),
      officerId: z.string().optional(),
      recordsBlockedSince: z.string(),
    }),
  ),
});

export const auditChain = z.object({
  rows: z.array(
    z.object({
      id: z.string(),
      kind: z.enum(['action', 'case-started', 'system', 'refused', 'calendar-loaded', 'unmasked-read', 'redelivered']),
      caseId: z.string().optional(),
      actionId: z.string().optional(),
      type: z.string().optional(),
      actor: z.string(),
      /** The role the actor acted in ('system' for what the case did on its own); absent on rows written before roles were. */
      role: z.string().optional(),
      at: z.string(),
      receivedAt: z.string(),
      recordedAt: z.string(),
      payload: z.unknown(),
      prevHash: z.string().nullable(),
      hash: z.string(),
    }),
  ),
  chain: z.object({ verified: z.boolean(), rows: z.number().int(), firstBrokenId: z.string().optional() }),
});

export const deadlineAnswer = z.object({
  rule: z.string(),
  from: z.string(),
  n: z.number().int(),
  due: z.string(),
  explanation: z.array(z.string()),
  warnings: z.array(z.string()),
});

const calendarBroadcast = z.object({
  id: z.string(),
  version: z.number().int(),
  requestedAt: z.string(),
  casesReached: z.number().int().nullable(),
  finishedAt: z.string().nullable(),
});

const calendarYear = z.object({
  year: z.number().int(),
  holidays: z.array(z.object({ from: z.string(), to: z.string(), name: z.string() })),
  workdays: z.array(z.string()),
  source: z.string(),
  version: z.number().int(),
  provisional: z.boolean().optional(),
  broadcast: calendarBroadcast.nullable(),
});
export const calendarYearView = calendarYear;
export const calendarYearLoaded = calendarYear.extend({ changed: z.boolean() });

export const outboxNotice = z.object({
  id: z.string(),
  caseId: z.string(),
  noticeKey: z.string(),
  kind: z.string(),
  recipient: z.string(),
  article: z.string(),
  obligationKey: z.string().optional(),
  period: z.string().optional(),
  titleZh: z.string(),
  createdAt: z.string(),
  status: z.enum(['pending', 'delivered', 'dead']),
  attempts: z.number().int(),
  nextAttemptAt: z.string().optional(),
  lastAttemptAt: z.string().optional(),
  lastError: z.string().optional(),
  deliveredAt: z.string().optional(),
  deadAt: z.string().optional(),
});
export const noticePage = z.object({ notices: z.array(outboxNotice) });

export const procedureCatalogue = z.object({
  procedures: z.array(
    z.object({
      name: procedureName,
      titleZh: z.string(),
      titleEn: z.string(),
      articles: z.string(),
      policy: z.record(z.string(), z.number()),
      duties: z.array(z.object({ key: z.string(), article: z.string(), titleZh: z.string(), titleEn: z.string(), responsible: z.string() })),
    }),
  ),
});

/**
 * Fastify sends only what these schemas name: a field added to a view and not here would be dropped silently. These
 * fail the typecheck instead.
 */
type Unnamed<T, Schema extends z.ZodType> = Exclude<keyof T, keyof NonNullable<z.output<Schema>>>;
type NamesEvery<T, Schema extends z.ZodType> = [Unnamed<T, Schema>] extends [never] ? true : Unnamed<T, Schema>;
export const schemasNameEveryField: [
  NamesEvery<CaseView, typeof caseView>,
  NamesEvery<ObligationView, typeof obligationView>,
  NamesEvery<NonNullable<ObligationView['adoption']>, (typeof obligationView)['shape']['adoption']>,
  NamesEvery<CaseSummary, (typeof casePage)['shape']['cases']['element']>,
  NamesEvery<AuditRow, (typeof auditChain)['shape']['rows']['element']>,
  NamesEvery<OutboxNotice, typeof outboxNotice>,
  NamesEvery<CalendarYear, typeof calendarYear>,
] = [true, true, true, true, true, true, true];

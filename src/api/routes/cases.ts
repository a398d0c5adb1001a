import fp from 'fastify-plugin';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { systemId } from '../../procedures/schema';
import { caseStartSchema, procedures, tryBeginCase } from '../../procedures/index';
import { coversStation, resourceRoles } from '../../domain/roles';
import { casesWithBlockedRecords, readCase, startCase } from '../../temporal/cases';
import { isCaseCursor, stuckAfterMs } from '../../db/cases';
import { bodyLimits } from '../limits';
import { pagingQuery, queryFlag, queryInstant } from '../list-query';
import { isDatabaseUnavailable } from '../../db/errors';
import { blockedCases, casePage, caseStarted, caseView, responses, withBody } from '../contract';
import { HttpError } from '../errors';
import { requireCase, seesOwnCasesOnly, requireRole, stationScope } from '../scope';
import { viewForCaller } from '../masking';
import type { CaseView } from '../../case/contract';
import type { PersonalRecord } from '../../domain/personal';
import { type EncryptionCodec, openValue } from '../../temporal/codec';

export interface CasesRoutesOptions {
  /** Opens the personal part the read model keeps sealed; without it a case naming people is read from the case. */
  codec?: EncryptionCodec;
}

/** A database that cannot answer now is read past: the case itself answers. */
export function unlessUnavailable(err: unknown): undefined {
  if (isDatabaseUnavailable(err)) return undefined;
  throw err;
}

/** A case id is `<procedure>:<case number>`; anything else names no case, and never reaches Temporal or the database. */
export const caseIdParams = z.object({
  caseId: z.string().regex(/^[a-z][a-z-]{0,39}:[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'a case id, <procedure>:<case number>'),
});

/** How many records-blocked cases (longest blocked first) the stuck filter takes from Temporal's visibility. */
const blockedCasesConsidered = 1000;

/** Cases: start one (idempotent by the station system's case number), read one, list the read model. */
const routes: FastifyPluginAsyncZod<CasesRoutesOptions> = async (app, options) => {
  /**
   * The case from the read model, with its revision and when it was written; undefined when the row is not there yet,
   * or when it names people the API cannot open (a row from before they were stored, a writer without the key).
   */
  const fromReadModel = async (caseId: string): Promise<(CaseView & { revision: number; writtenAt: string }) | undefined> => {
    const stored = await app.db.cases.read(caseId).catch(unlessUnavailable);
    if (!stored || stored.personal.count === null) return undefined;
    const { view, revision, writtenAt, personal } = stored;
    if (personal.count === 0) return { ...view, revision, writtenAt };
    if (!personal.sealed || !options.codec) return undefined;
    return { ...view, personal: openValue<PersonalRecord[]>(options.codec, personal.sealed), revision, writtenAt };
  };
  const readFor = async (caseId: string, strong: boolean) =>
    (strong ? undefined : await fromReadModel(caseId)) ?? (await readCase(app.temporal, caseId));

  app.post(
    '/v1/cases',
    {
      schema: {
        summary: 'Start a case (station system, for its own stations)',
        tags: ['cases'],
        body: caseStartSchema,
        response: responses({ 200: caseStarted, 201: caseStarted }, 403, 409, 503, ...withBody),
      },
      bodyLimit: bodyLimits.start,
    },
    async (request, reply) => {
      const principal = requireRole(request, resourceRoles.startCase, 'starting a case');
      if (!coversStation(principal, request.body.stationId)) {
        request.refusal = 'station';
        throw new HttpError(403, 'forbidden', `you may not start cases for station ${request.body.stationId}`);
      }
      const years = await app.db.calendar.years();
      const begun = tryBeginCase(request.body, Date.now(), years);
      if ('refused' in begun) {
        if (begun.field) throw new HttpError(400, 'invalid-request', begun.refused, [{ path: `body.${begun.field}`, message: begun.refused }]);
        throw new HttpError(400, 'case-cannot-begin', `案件无法开始 (the case cannot begin): ${begun.refused}`);
      }
      const outcome = await startCase(app.temporal, app.taskQueue, request.body, years, { actor: principal.sub, role: 'station-system' });
      request.caseId = outcome.caseId;
      if ('conflict' in outcome) {
        throw new HttpError(409, 'case-conflict', `case ${request.body.caseNumber} already exists with other content`);
      }
      reply.header('location', `/v1/cases/${encodeURIComponent(outcome.caseId)}`);
      // What arrived already due, as the case begun here saw it: said once, when the case is created.
      const arrivedDue = outcome.created ? { arrivedDue: begun.kase.arrivedDue() } : {};
      return reply.code(outcome.created ? 201 : 200).send({ caseId: outcome.caseId, created: outcome.created, ...arrivedDue });
    },
  );

  app.get(
    '/v1/cases/records-blocked',
    {
      schema: {
        summary: 'Open cases that cannot write their records (notices, audit, read model); their deadlines run on',
        tags: ['cases'],
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }),
        response: responses({ 200: blockedCases }, 403, 503),
      },
    },
    async (request) => {
      const principal = requireRole(request, resourceRoles.readCases, 'reading cases');
      const cases = await casesWithBlockedRecords(app.temporal, request.query.limit, stationScope(principal));
      return {
        cases: cases.filter(
          (c) =>
            c.stationId !== undefined && coversStation(principal, c.stationId) && (!seesOwnCasesOnly(principal) || c.officerId === principal.sub),
        ),
      };
    },
  );

  app.get(
    '/v1/cases/:caseId',
    {
      schema: {
        summary:
          "A case's obligations, notices and records, from the read model (with its `revision` and `writtenAt`); `consistency=strong` asks the case itself",
        tags: ['cases'],
        params: caseIdParams,
        querystring: z.object({ consistency: z.enum(['read-model', 'strong']).default('read-model') }),
        response: responses({ 200: caseView }, 403, 404, 503),
      },
    },
    async (request) => {
      request.caseId = request.params.caseId;
      const view = await readFor(request.params.caseId, request.query.consistency === 'strong');
      requireCase(request, view);
      requireRole(request, resourceRoles.readCases, 'reading a case');
      return viewForCaller(request, view);
    },
  );

  app.get(
    '/v1/cases',
    {
      schema: {
        summary: 'Cases from the read model, filtered, soonest next due time first, a page at a time (cursor)',
        description:
          'adoption=to-review: adopted cases with duties due before adoption still to review; overdue: cases with an overdue duty (or, false, without); dueBefore: next due time before this instant; stuck: records ' +
          `blocked (as Temporal's visibility or the case's last record says), or an open case whose next due time passed more than ${stuckAfterMs / 60_000} minutes ago and that has not ` +
          'written since. The order is stable (next due time, then case id; cases with nothing due last); nextCursor, when ' +
          'present, gives the next page.',
        tags: ['cases'],
        querystring: z.object({
          stationId: systemId.optional(),
          officerId: systemId.optional(),
          procedure: z.enum(procedures as [string, ...string[]]).optional(),
          status: z.enum(['open', 'closed']).optional(),
          adoption: z.enum(['to-review']).optional(),
          overdue: queryFlag.optional(),
          dueBefore: queryInstant.optional(),
          stuck: queryFlag.optional(),
          ...pagingQuery(isCaseCursor),
        }),
        response: responses({ 200: casePage }, 403, 503),
      },
    },
    async (request) => {
      const principal = requireRole(request, resourceRoles.readCases, 'reading cases');
      const { stationId, ...filter } = request.query;
      if (stationId !== undefined && !coversStation(principal, stationId)) return { cases: [] };
      // An officer lists the cases assigned to them.
      if (seesOwnCasesOnly(principal)) {
        if (filter.officerId !== undefined && filter.officerId !== principal.sub) return { cases: [] };
        filter.officerId = principal.sub;
      }
      const stationIds = stationId !== undefined ? [stationId] : stationScope(principal);
      // A case whose records are blocked may not have told the read model so: Temporal's visibility knows.
      const blockedCaseIds =
        filter.stuck === undefined
          ? undefined
          : (await casesWithBlockedRecords(app.temporal, blockedCasesConsidered, stationIds)).map((c) => c.caseId);
      const page = await app.db.cases.list({ ...filter, stationIds, blockedCaseIds, now: Date.now() });
      return { cases: page.rows.filter((c) => coversStation(principal, c.stationId)), nextCursor: page.nextCursor };
    },
  );
};

export const casesRoutes = fp(routes, { name: 'cases-routes', dependencies: ['auth', 'db', 'temporal'], encapsulate: true });

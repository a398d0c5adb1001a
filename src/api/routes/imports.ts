import type { Readable } from 'node:stream';
import fp from 'fastify-plugin';
import { type FastifyPluginAsyncZod, validatorCompiler } from 'fastify-type-provider-zod';
import { caseStartSchema } from '../../procedures/index';
import { z } from 'zod';
import { coversStation, resourceRoles } from '../../domain/roles';
import { startCase } from '../../temporal/cases';
import type { ArrivedDue } from '../../case/adoption';
import { dryRun } from '../../import/dry-run';
import { type LineError, type ValidStart, validateLines, validateStarts } from '../../import/validate';
import { arrivedDue, responses, withBody } from '../contract';
import { HttpError } from '../errors';
import { bodyLimits } from '../limits';
import { principalOf, requireRole } from '../scope';

/** Starts at most this many cases at once: an import never crowds out the station system's other calls. */
const concurrency = 8;
const maxStarts = 5_000;
const importBodyLimit = 16 * 1024 * 1024;

const importQuery = z.object({
  skipInvalid: z.enum(['true', 'false']).default('false'),
  /** true: nothing starts; the answer says what each valid line's case would owe at once. */
  dryRun: z.enum(['true', 'false']).default('false'),
});
const lineError = z.object({ line: z.int(), field: z.string(), message: z.string() });
const importAnswer = z.object({
  started: z.int(),
  alreadyPresent: z.int(),
  conflicts: z.int(),
  rejected: z.int(),
  /** Every line that was not started or present: invalid, another station's, or a conflict. */
  errors: z.array(lineError),
  /** Per case created: each duty that arrived already due (as the 201 to a start says it); lines with none are left out. */
  arrived: z.array(z.object({ line: z.int(), caseId: z.string(), arrivedDue: z.array(arrivedDue) })),
});
const dryRunLine = z.object({
  line: z.int(),
  caseId: z.string(),
  open: z.int(),
  overdue: z.int(),
  beforeAdoption: z.int(),
  toReview: z.int(),
  next: z.array(z.object({ key: z.string(), period: z.string().optional(), dueAt: z.string() })),
  arrivedDue: z.array(arrivedDue),
});
const dryRunAnswer = z.object({ dryRun: z.literal(true), lines: z.array(dryRunLine), rejected: z.int(), errors: z.array(lineError) });

/**
 * Imports: the station system's running cases at once (NDJSON, one start per line, or a JSON array), validated whole
 * before anything starts, then started as POST /v1/cases starts them (idempotent by case number).
 */
const routes: FastifyPluginAsyncZod = async (app) => {
  // NDJSON is read as it arrives, with the caps applied while reading: a body of more starts than an import takes, or
  // with a line longer than a start may be, is refused at that line, before the rest is read or anything is parsed.
  app.addContentTypeParser('application/x-ndjson', (_request, payload, done) => {
    readNdjson(payload).then((body) => done(null, body), done);
  });

  app.post(
    '/v1/imports',
    {
      schema: {
        summary:
          'Import running cases (station system): every line validated and begun first; nothing started while one is bad unless skipInvalid; dryRun starts nothing and says what each case would owe',
        tags: ['cases'],
        querystring: importQuery,
        // What the document says each item is; the route validates them itself, so its errors name the line.
        body: z.union([z.string(), z.array(caseStartSchema).max(maxStarts)]),
        response: responses({ 200: z.union([importAnswer, dryRunAnswer]) }, 403, 503, ...withBody),
      },
      bodyLimit: importBodyLimit,
      // The caller's role before a byte of the body is read (the auth plugin has verified the token by then).
      preParsing: async (request) => {
        requireRole(request, resourceRoles.startCase, 'importing cases');
      },
      validatorCompiler: (route) => (route.httpPart === 'body' ? (data) => ({ value: data }) : validatorCompiler({ ...route, schema: importQuery })),
    },
    async (request) => {
      const principal = principalOf(request);
      const startedBy = { actor: principal.sub, role: 'station-system' };
      if (typeof request.body !== 'string' && !Array.isArray(request.body)) {
        throw new HttpError(400, 'invalid-request', 'the body is NDJSON or a JSON array of starts');
      }
      const checked =
        typeof request.body === 'string' ? validateLines(request.body) : validateStarts(request.body.map((value, i) => ({ line: i + 1, value })));
      if (checked.valid.length + checked.errors.length > maxStarts)
        throw new HttpError(400, 'invalid-request', `at most ${maxStarts} starts per import`);
      const errors: LineError[] = [...checked.errors];
      const covered: ValidStart[] = [];
      for (const entry of checked.valid) {
        if (coversStation(principal, entry.start.stationId)) covered.push(entry);
        else errors.push({ line: entry.line, field: 'stationId', message: `you may not start cases for station ${entry.start.stationId}` });
      }
      // Each case is begun as its workflow would begin it: a line its procedure cannot begin is a bad line, never a failed case.
      const calendar = await app.db.calendar.years();
      const lines = dryRun(covered, Date.now(), calendar);
      const valid = covered.filter((_, i) => lines[i].error === undefined);
      for (const { line, error, field } of lines) {
        if (error !== undefined)
          errors.push({ line, field: field ?? 'procedure', message: field ? error : `案件无法开始 (the case cannot begin): ${error}` });
      }
      errors.sort((a, b) => a.line - b.line);
      const bad = new Set(errors.map((e) => e.line)).size;
      if (request.query.dryRun === 'true') {
        const begun = lines.filter((l) => l.error === undefined).map(({ error: _error, field: _field, ...l }) => l);
        return { dryRun: true as const, lines: begun, rejected: bad, errors };
      }
      if (errors.length && request.query.skipInvalid !== 'true') {
        throw new HttpError(
          400,
          'invalid-request',
          `${bad} bad line(s), nothing started`,
          errors.map((e) => ({ path: `${e.line}.${e.field}`, message: e.message })),
        );
      }
      const arrived = new Map(lines.filter((l) => l.arrivedDue.length).map((l) => [l.line, l]));
      const answer = {
        started: 0,
        alreadyPresent: 0,
        conflicts: 0,
        rejected: bad,
        errors,
        arrived: [] as Array<{ line: number; caseId: string; arrivedDue: ArrivedDue[] }>,
      };
      let next = 0;
      const worker = async () => {
        while (next < valid.length) {
          const { line, start } = valid[next++];
          const outcome = await startCase(app.temporal, app.taskQueue, start, calendar, startedBy);
          if ('conflict' in outcome) {
            answer.conflicts++;
            errors.push({ line, field: 'caseNumber', message: `case ${start.caseNumber} already exists with other content` });
          } else if (outcome.created) {
            answer.started++;
            const due = arrived.get(line);
            if (due) answer.arrived.push({ line, caseId: due.caseId, arrivedDue: due.arrivedDue });
          } else answer.alreadyPresent++;
        }
      };
      await Promise.all(Array.from({ length: concurrency }, worker));
      errors.sort((a, b) => a.line - b.line);
      answer.arrived.sort((a, b) => a.line - b.line);
      return answer;
    },
  );
};

export const importsRoutes = fp(routes, { name: 'imports-routes', dependencies: ['auth', 'db', 'temporal'], encapsulate: true });

/**
 * The body of an NDJSON import, read chunk by chunk: refused once it exceeds the import's size, holds more non-blank
 * lines than `maxStarts`, or a line longer than a single start may be (`bodyLimits.start`), at the byte that does it.
 */
function readNdjson(payload: Readable): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let lines = 0;
    let lineBytes = 0;
    let lineHasContent = false;
    const refuse = (error: HttpError) => {
      payload.removeAllListeners('data');
      payload.resume();
      reject(error);
    };
    payload.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > importBodyLimit) return refuse(new HttpError(413, 'payload-too-large', `an import is at most ${importBodyLimit} bytes`));
      for (const byte of chunk) {
        if (byte === 0x0a) {
          lineBytes = 0;
          lineHasContent = false;
          continue;
        }
        if (++lineBytes > bodyLimits.start) {
          return refuse(new HttpError(400, 'invalid-request', `line ${lines}: a start is at most ${bodyLimits.start} bytes`));
        }
        if (!lineHasContent && byte !== 0x20 && byte !== 0x09 && byte !== 0x0d) {
          lineHasContent = true;
          if (++lines > maxStarts) return refuse(new HttpError(400, 'invalid-request', `at most ${maxStarts} starts per import (line ${lines})`));
        }
      }
      chunks.push(chunk);
    });
    payload.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    payload.on('error', reject);
  });
}

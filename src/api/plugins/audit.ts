import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { AccessEntry } from '../../db/audit';
import { caseIdParams } from '../routes/cases';

declare module 'fastify' {
  interface FastifyInstance {
    /** Resolves once the audit rows of the requests answered so far are written (or their failure logged). */
    auditWritten(): Promise<void>;
  }
  interface FastifyRequest {
    /** Set by PUT /v1/calendar/:year once the year is stored: which year, which version, and whether it changed. */
    calendarLoaded?: { year: number; version: number; changed: boolean };
  }
}

/**
 * Writes to the audit log, once the answer is sent, what the API saw of its authenticated callers: refused attempts
 * (`request.refusal`, or any 403), calendar loads and reads that carried personal data unmasked. The actor is the
 * verified caller, never a body. Unauthenticated requests are not written: anyone could fill the table with them;
 * they are in the request log.
 */
export const auditPlugin = fp(
  async (app) => {
    const writing = new Set<Promise<void>>();
    const write = async (request: FastifyRequest, entries: AccessEntry[]): Promise<void> => {
      for (const entry of entries) {
        try {
          await app.db.audit.record(entry);
        } catch (err) {
          // The answer is already sent and stands; the gap is logged where operators look.
          request.log.error({ err, audit: entry.kind, caseId: entry.caseId, route: request.routeOptions.url }, 'audit log write failed');
        }
      }
    };
    app.addHook('onResponse', async (request, reply) => {
      const entries = accessEntries(request, reply.statusCode, new Date(Date.now() - reply.elapsedTime));
      if (!entries.length) return;
      const written = write(request, entries);
      writing.add(written);
      await written;
      writing.delete(written);
    });
    app.decorate('auditWritten', async () => {
      await Promise.all([...writing]);
    });
    // A graceful stop writes what the answered requests call for before the pool is ended.
    app.addHook('onClose', async () => app.auditWritten());
  },
  { name: 'audit', dependencies: ['db'] },
);

/** The audit rows a finished request calls for; none for a caller without a verified identity. */
export function accessEntries(request: FastifyRequest, status: number, at: Date): AccessEntry[] {
  const principal = request.principal;
  if (!principal) return [];
  const params = (request.params ?? {}) as { caseId?: unknown; year?: unknown };
  // A refusal may come before the route read its parameters: a case id is taken only in its valid form.
  const caseId = request.caseId ?? (caseIdParams.safeParse(params).success ? (params.caseId as string) : undefined);
  const common = { actor: principal.sub, role: request.actingRole ?? principal.roles.join(','), at, caseId };
  const details = { method: request.method, route: request.routeOptions.url ?? null, status };
  const entries: AccessEntry[] = [];
  if (request.refusal || status === 403) {
    const year = typeof params.year === 'string' && /^\d{4}$/.test(params.year) ? Number(params.year) : undefined;
    const reason = request.refusal ?? 'forbidden';
    const refused = {
      ...common,
      kind: 'refused' as const,
      type: request.actionType,
      details: { ...details, reason, message: request.refusalMessage, year },
    };
    // A case outside the caller's scope (or none at all) is not theirs to add to: the refusal joins the access chain,
    // naming the case it asked for.
    const outside = reason === 'station' || reason === 'assignment';
    entries.push(outside ? { ...refused, caseId: undefined, chain: 'access', details: { ...refused.details, caseId } } : refused);
  }
  if (request.calendarLoaded && status < 300) {
    entries.push({ ...common, caseId: undefined, chain: 'calendar', kind: 'calendar-loaded', details: { ...details, ...request.calendarLoaded } });
  }
  if (request.unmasked && status < 400) entries.push({ ...common, kind: 'unmasked-read', details });
  if (request.redelivered && status < 300) entries.push({ ...common, kind: 'redelivered', details: { ...details, ...request.redelivered } });
  return entries;
}

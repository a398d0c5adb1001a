/** SQLSTATE classes of a database that cannot serve now: 08 connection exception, 53 insufficient resources, 57P0x shutdown or start-up. */
const unavailableStates = /^(08|53|57P0[1-4])/;
/** 57014: a statement cancelled by statement_timeout. */
const statementTimeout = '57014';
const networkCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE']);
/** The errors node-postgres raises without a code: no connection in time, a connection lost, a server that stopped answering. */
const clientMessages =
  /^(timeout exceeded when trying to connect|Connection terminated|Query read timeout|Client has encountered a connection error|timeout expired)/;

/** Whether an error says PostgreSQL cannot be reached or cannot serve right now (so the request may be retried), not that it is wrong. */
export function isDatabaseUnavailable(err: unknown): boolean {
  for (let e = err; e instanceof Error; e = e.cause) {
    const code = (e as Error & { code?: unknown }).code;
    if (typeof code === 'string' && (unavailableStates.test(code) || code === statementTimeout || networkCodes.has(code))) return true;
    if (clientMessages.test(e.message)) return true;
    if (e instanceof AggregateError && e.errors.some(isDatabaseUnavailable)) return true;
  }
  return false;
}

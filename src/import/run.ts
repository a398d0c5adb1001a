import type { ValidStart } from './validate';

/** How the API answered a start: 201 started, 200 already present (the same case), 409 conflict, 4xx rejected. */
export interface ImportSummary {
  started: number;
  alreadyPresent: number;
  conflicts: number;
  rejected: number;
  /** Lines that never got an answer after every retry (network, 5xx, rate limit): run the import again. */
  failed: number;
}

export interface ImportOptions {
  apiUrl: string;
  token: string;
  /** Starts per second at most. */
  rate: number;
  /** Requests in flight at most. */
  concurrency?: number;
  attempts?: number;
  progress?: (done: number, total: number, summary: ImportSummary) => void;
  /** One line per start that was not started or present (line, case, status, reason). */
  report?: (entry: { line: number; caseId: string; status: number | 'failed'; reason: string }) => void;
  fetch?: typeof fetch;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts each case through POST /v1/cases at no more than `rate` a second. The start is idempotent by case number, so
 * an import run again after a crash counts what it had started as already present and starts the rest.
 */
export async function importStarts(starts: ValidStart[], options: ImportOptions): Promise<ImportSummary> {
  const summary: ImportSummary = { started: 0, alreadyPresent: 0, conflicts: 0, rejected: 0, failed: 0 };
  const send = options.fetch ?? fetch;
  const interval = 1000 / options.rate;
  const attempts = options.attempts ?? 6;
  let nextSlot = Date.now();
  let index = 0;
  let done = 0;

  const slot = async () => {
    const now = Date.now();
    const at = Math.max(now, nextSlot);
    nextSlot = at + interval;
    if (at > now) await sleep(at - now);
  };

  const startOne = async ({ line, caseId, start }: ValidStart) => {
    let reason = '';
    for (let attempt = 1; attempt <= attempts; attempt++) {
      await slot();
      let status: number;
      let body = '';
      let retryAfter: string | null = null;
      try {
        const answer = await send(new URL('/v1/cases', options.apiUrl), {
          method: 'POST',
          headers: { authorization: `Bearer ${options.token}`, 'content-type': 'application/json' },
          body: JSON.stringify(start),
        });
        status = answer.status;
        retryAfter = answer.headers.get('retry-after');
        body = await answer.text();
      } catch (err) {
        reason = err instanceof Error ? err.message : String(err);
        await sleep(Math.min(500 * 2 ** attempt, 10_000));
        continue;
      }
      if (status === 201) return void summary.started++;
      if (status === 200) return void summary.alreadyPresent++;
      if (status === 409) {
        summary.conflicts++;
        return options.report?.({ line, caseId, status, reason: messageOf(body) });
      }
      if (status === 429 || status >= 500) {
        reason = `${status} ${messageOf(body)}`;
        const waitSeconds = Number(retryAfter);
        await sleep(Number.isFinite(waitSeconds) && waitSeconds > 0 ? waitSeconds * 1000 : Math.min(500 * 2 ** attempt, 10_000));
        continue;
      }
      summary.rejected++;
      return options.report?.({ line, caseId, status, reason: messageOf(body) });
    }
    summary.failed++;
    options.report?.({ line, caseId, status: 'failed', reason });
  };

  const worker = async () => {
    while (index < starts.length) {
      const next = starts[index++];
      await startOne(next);
      done++;
      options.progress?.(done, starts.length, summary);
    }
  };
  const concurrency = Math.max(1, Math.min(options.concurrency ?? Math.ceil(options.rate), 16));
  await Promise.all(Array.from({ length: concurrency }, worker));
  return summary;
}

function messageOf(body: string): string {
  try {
    const parsed = JSON.parse(body) as { message?: unknown; error?: unknown };
    return String(parsed.message ?? parsed.error ?? body).slice(0, 300);
  } catch {
    return body.slice(0, 300);
  }
}

/**
 * `npm run import -- <file.ndjson> [--dry-run] [--skip-invalid] [--rate N]`: imports a station's running cases, one
 * start per line (with its `adoption` block), through the API with the station system's token (BEATFLOW_TOKEN, at
 * BEATFLOW_API_URL). Validates the whole file first; starts nothing while a line is bad unless --skip-invalid.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { dryRun } from './dry-run';
import { importStarts } from './run';
import { validateLines } from './validate';

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      'dry-run': { type: 'boolean', default: false },
      'skip-invalid': { type: 'boolean', default: false },
      rate: { type: 'string', default: '20' },
    },
  });
  const [file] = positionals;
  if (!file || positionals.length > 1) throw new Error('usage: npm run import -- <file.ndjson> [--dry-run] [--skip-invalid] [--rate N]');
  const rate = Number(values.rate);
  if (!Number.isFinite(rate) || rate <= 0 || rate > 1000) throw new Error('--rate: starts per second, more than 0 and at most 1000');

  const { valid, errors } = validateLines(await readFile(file, 'utf8'));
  for (const e of errors) process.stderr.write(`line ${e.line}: ${e.field}: ${e.message}\n`);
  const badLines = new Set(errors.map((e) => e.line)).size;
  if (errors.length && !values['skip-invalid'] && !values['dry-run']) {
    process.stderr.write(`${badLines} bad line(s): nothing started (--skip-invalid starts the valid ones)\n`);
    process.stdout.write(
      `${JSON.stringify({ started: 0, alreadyPresent: 0, conflicts: 0, rejected: badLines, failed: 0, invalidLines: badLines })}\n`,
    );
    return 1;
  }

  if (values['dry-run']) {
    for (const line of dryRun(valid, Date.now())) process.stdout.write(`${JSON.stringify(line)}\n`);
    process.stderr.write(`dry run: ${valid.length} valid line(s), ${badLines} bad; nothing started\n`);
    return errors.length ? 1 : 0;
  }

  const token = process.env.BEATFLOW_TOKEN;
  if (!token) throw new Error('BEATFLOW_TOKEN: the station system token to start cases with');
  const apiUrl = process.env.BEATFLOW_API_URL ?? 'http://127.0.0.1:3000';
  const began = Date.now();
  const tty = process.stderr.isTTY;
  let lastPrinted = 0;
  const summary = await importStarts(valid, {
    apiUrl,
    token,
    rate,
    report: (r) => process.stderr.write(`${tty ? '\n' : ''}line ${r.line}: ${r.caseId}: ${r.status}: ${r.reason}\n`),
    progress: (done, total, s) => {
      const now = Date.now();
      if (done < total && now - lastPrinted < 1000) return;
      lastPrinted = now;
      const perSecond = (done / Math.max((now - began) / 1000, 0.001)).toFixed(1);
      const text = `${done}/${total} (${Math.floor((done / total) * 100)}%) started ${s.started}, present ${s.alreadyPresent}, conflicts ${s.conflicts}, rejected ${s.rejected}, failed ${s.failed} · ${perSecond}/s`;
      process.stderr.write(tty ? `\r${text}` : `${text}\n`);
    },
  });
  if (tty) process.stderr.write('\n');
  const result = { ...summary, rejected: summary.rejected + badLines, invalidLines: badLines };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  return summary.failed || summary.conflicts || result.rejected ? 2 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);

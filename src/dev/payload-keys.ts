import fs from 'node:fs';
import path from 'node:path';
import { generatePayloadKey } from '../temporal/codec';

/**
 * PAYLOAD_ENCRYPTION_KEYS when set; otherwise a development key generated on the first start and kept (owner-only) in
 * the data directory, so that the cases of earlier starts stay readable.
 */
export function developmentPayloadKeys(dataDir: string, configured: string | undefined, log: (line: string) => void): string {
  if (configured) return configured;
  const file = path.join(dataDir, 'payload-keys');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(file, `${generatePayloadKey('dev-1')}\n`, { mode: 0o600, flag: 'wx' });
    log(`generated a development payload key in ${file}`);
  }
  return fs.readFileSync(file, 'utf8').trim();
}

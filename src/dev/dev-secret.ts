import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

/**
 * The development signing secret of `npm start` and `npm run token`: generated once, kept in the data directory
 * (readable by its owner only), so tokens stay valid across restarts. Never used when a key is configured.
 */
export async function devSecret(dataDir: string, create = true): Promise<string | undefined> {
  const file = path.join(dataDir, 'auth-dev-secret');
  try {
    const held = (await fs.readFile(file, 'utf8')).trim();
    if (held.length >= 32) return held;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if (!create) return undefined;
  await fs.mkdir(dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  await fs.writeFile(file, secret + '\n', { mode: 0o600 });
  return secret;
}

/** The embedded PostgreSQL of `npm start` when DATABASE_URL is unset: PGlite (PostgreSQL in WebAssembly) in this process. */
import fs from 'node:fs';
import path from 'node:path';
import { LOOPBACK } from './processes';

export interface EmbeddedPostgresHandle {
  /** postgres://… URL for DATABASE_URL. */
  url: string;
  port: number;
  /**
   * PGlite is a single session: the socket server admits this many client connections at a time (1), and refuses
   * the others. Size connection pools accordingly (DATABASE_POOL_SIZE=1).
   */
  maxConnections: number;
  stop(): Promise<void>;
}

/**
 * PostgreSQL for `npm start` without anything installed: PGlite persisted under `dataDir`, served on
 * 127.0.0.1:`port` (0: any free port) by pglite-socket. One client connection at a time.
 */
export async function startEmbeddedPostgres(opts: { dataDir: string; port: number }): Promise<EmbeddedPostgresHandle> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
  const dataDir = path.resolve(opts.dataDir);
  fs.mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir);
  const maxConnections = 1;
  const server = new PGLiteSocketServer({ db, host: LOOPBACK, port: opts.port, maxConnections });
  try {
    await server.start();
  } catch (err) {
    await db.close();
    throw err;
  }
  const port = Number(server.getServerConn().split(':').pop());
  let stopped = false;
  return {
    url: `postgres://postgres@${LOOPBACK}:${port}/postgres?sslmode=disable`,
    port,
    maxConnections,
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.stop();
      await db.close();
    },
  };
}

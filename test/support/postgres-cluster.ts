/**
 * A private throwaway PostgreSQL cluster for the tests, from the Debian server binaries (`initdb`, `postgres`),
 * on 127.0.0.1 and stopped by the PID started here.
 */
import fs from 'node:fs';
import path from 'node:path';
import { freePort, LOOPBACK, runOwned, sleep, spawnOwned, stopOwned, waitForPort } from '../../src/dev/processes';
import { isExecutableFile } from '../../src/dev/provision';

interface PostgresBinaries {
  initdb: string;
  postgres: string;
}

/** initdb and postgres from the newest /usr/lib/postgresql/<major>/bin, else from PATH. */
export function findPostgresBinaries(): PostgresBinaries | undefined {
  const base = '/usr/lib/postgresql';
  let majors: string[] = [];
  try {
    majors = fs
      .readdirSync(base)
      .filter((d) => /^\d+(\.\d+)?$/.test(d))
      .sort((a, b) => Number(b) - Number(a));
  } catch {
    // not a Debian layout
  }
  for (const major of majors) {
    const bin = path.join(base, major, 'bin');
    const found = { initdb: path.join(bin, 'initdb'), postgres: path.join(bin, 'postgres') };
    if (isExecutableFile(found.initdb) && isExecutableFile(found.postgres)) return found;
  }
  for (const dir of (process.env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    const initdb = path.join(dir, 'initdb');
    if (!isExecutableFile(initdb)) continue;
    // keep initdb and postgres of the same installation: look beside the real initdb first
    const realBin = path.dirname(fs.realpathSync(initdb));
    for (const candidate of [path.join(realBin, 'postgres'), path.join(dir, 'postgres')]) {
      if (isExecutableFile(candidate)) return { initdb: path.join(realBin, 'initdb'), postgres: candidate };
    }
  }
  return undefined;
}

function systemUser(name: string): { uid: number; gid: number; home: string } | undefined {
  let passwd: string;
  try {
    passwd = fs.readFileSync('/etc/passwd', 'utf8');
  } catch {
    return undefined;
  }
  for (const line of passwd.split('\n')) {
    const fields = line.split(':');
    if (fields[0] === name && fields.length >= 6) {
      return { uid: Number(fields[2]), gid: Number(fields[3]), home: fields[5] };
    }
  }
  return undefined;
}

export interface PostgresClusterHandle {
  /** postgres://postgres@127.0.0.1:<port>/beatflow_test */
  url: string;
  /** The same server's `postgres` database, for creating more databases. */
  adminUrl: string;
  port: number;
  /** The PID of the running server (a new one after resume()). */
  readonly pid: number;
  /** Where the cluster lives (data and socket folders); removed by stop(). */
  dir: string;
  /** Stops the server by its PID with a fast shutdown, as `pg_ctl stop -m fast` would; the data folder stays. */
  halt(): Promise<void>;
  /** Starts the server again on the same port and data folder, and waits until it accepts queries. */
  resume(): Promise<void>;
  stop(): Promise<void>;
}

export interface PostgresClusterOptions {
  /** A folder in which a private cluster folder is created; it must be traversable by the `postgres` user when root. */
  baseDir: string;
  /** Defaults to a free port. */
  port?: number;
  database?: string;
  timeoutMs?: number;
}

/**
 * A private PostgreSQL cluster for tests: initdb into a fresh folder under `baseDir`, then `postgres` spawned
 * directly (so its PID is ours) on 127.0.0.1 with durability turned off, and a database `beatflow_test`.
 * PostgreSQL refuses to run as root: as root, both run as the `postgres` system user (Debian's package creates it).
 * `stop()` ends the server by PID (fast shutdown, SIGKILL after a grace period) and removes the folder; `halt()` and
 * `resume()` stop and start it again on the same port and data, for tests of an outage.
 */
export async function startPostgresCluster(opts: PostgresClusterOptions): Promise<PostgresClusterHandle> {
  const bins = findPostgresBinaries();
  if (!bins) {
    throw new Error(
      'PostgreSQL server binaries (initdb, postgres) not found under /usr/lib/postgresql/*/bin or on PATH: apt-get install -y postgresql',
    );
  }
  const database = opts.database ?? 'beatflow_test';
  if (!/^[a-z_][a-z0-9_]*$/.test(database)) throw new Error(`invalid database name ${database}`);
  const timeoutMs = opts.timeoutMs ?? 60_000;
  let runAs: { uid: number; gid: number; home: string } | undefined;
  if (process.getuid?.() === 0) {
    runAs = systemUser('postgres');
    if (!runAs)
      throw new Error("PostgreSQL refuses to run as root and there is no 'postgres' system user (apt-get install -y postgresql creates it)");
  }

  fs.mkdirSync(opts.baseDir, { recursive: true });
  const dir = fs.mkdtempSync(path.join(opts.baseDir, 'beatflow-pg-'));
  const dataDir = path.join(dir, 'data');
  const socketDir = path.join(dir, 'sock');
  fs.mkdirSync(socketDir);
  if (runAs) {
    fs.chownSync(dir, runAs.uid, runAs.gid);
    fs.chownSync(socketDir, runAs.uid, runAs.gid);
  }
  const removeDir = (): void => fs.rmSync(dir, { recursive: true, force: true });
  const env: NodeJS.ProcessEnv = { ...process.env, LC_ALL: 'C', LANG: 'C' };
  if (runAs) {
    env.HOME = runAs.home;
    env.USER = 'postgres';
    env.LOGNAME = 'postgres';
  }
  const as = { cwd: dir, env, uid: runAs?.uid, gid: runAs?.gid };

  try {
    await runOwned('initdb', bins.initdb, ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync'], as);
  } catch (err) {
    removeDir();
    const hint = runAs ? ` (the postgres user must be able to reach ${opts.baseDir})` : '';
    throw new Error(`${(err as Error).message}${hint}`);
  }

  const port = opts.port ?? (await freePort());
  const launch = () => {
    const server = spawnOwned(
      bins.postgres,
      [
        '-D',
        dataDir,
        '-k',
        socketDir,
        '-h',
        LOOPBACK,
        '-p',
        String(port),
        '-c',
        'fsync=off',
        '-c',
        'synchronous_commit=off',
        '-c',
        'full_page_writes=off',
        '-c',
        'max_connections=200',
        '-c',
        'log_min_messages=warning',
      ],
      as,
    );
    server.cleanupSync = removeDir;
    return server;
  };
  let proc = launch();
  const adminUrl = `postgres://postgres@${LOOPBACK}:${port}/postgres`;
  // SIGINT is PostgreSQL's fast shutdown (SIGTERM would wait for every client to disconnect).
  const halt = (): Promise<void> => stopOwned(proc, 'SIGINT', 10_000);
  const stop = async (): Promise<void> => {
    await halt();
    removeDir();
  };
  /** Runs `query` as soon as the server accepts it ("the database system is starting up" until recovery is done). */
  const untilAnswers = async (query: string): Promise<void> => {
    await waitForPort(proc, 'PostgreSQL', LOOPBACK, port, timeoutMs);
    const { Client } = await import('pg');
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const client = new Client({ connectionString: adminUrl });
      try {
        await client.connect();
        await client.query(query);
        return;
      } catch (err) {
        if (proc.exit || Date.now() > deadline) {
          throw new Error(`PostgreSQL (PID ${proc.pid}) not ready on port ${port}: ${(err as Error).message}\n${proc.output.lines()}`);
        }
        await sleep(100);
      } finally {
        await client.end().catch(() => undefined);
      }
    }
  };
  const resume = async (): Promise<void> => {
    if (!proc.exit) throw new Error(`PostgreSQL (PID ${proc.pid}) is still running`);
    proc = launch();
    await untilAnswers('SELECT 1');
  };

  try {
    await untilAnswers(`CREATE DATABASE ${database}`);
    return {
      url: `postgres://postgres@${LOOPBACK}:${port}/${database}`,
      adminUrl,
      port,
      get pid() {
        return proc.pid;
      },
      dir,
      halt,
      resume,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

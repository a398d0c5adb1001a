/**
 * Child processes owned by PID: everything `npm start` and the tests spawn is started here, remembered by the PID
 * it got, and stopped by that PID (never by name), with a last-resort kill when this process exits without
 * stopping them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';

/** Every server started here listens on this address only. */
export const LOOPBACK = '127.0.0.1';

/** A TCP port that is free on 127.0.0.1 right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, LOOPBACK, () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('could not determine a free port'));
      });
    });
  });
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function canConnect(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean): void => {
      socket.removeAllListeners();
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Keeps the last lines a child process printed, for error messages. */
export class OutputTail {
  private text = '';
  constructor(private readonly maxChars = 16_000) {}
  push(chunk: Buffer | string): void {
    this.text += chunk.toString();
    if (this.text.length > this.maxChars * 2) this.text = this.text.slice(-this.maxChars);
  }
  lines(count = 40): string {
    return this.text.trimEnd().split('\n').slice(-count).join('\n');
  }
}

export interface OwnedProcess {
  child: ChildProcess;
  pid: number;
  output: OutputTail;
  /** Set once the process has exited. */
  exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  exited: Promise<void>;
  /** Synchronous clean-up after a last-resort kill (e.g. removing a throwaway data folder). */
  cleanupSync?: () => void;
}

export interface SpawnOwnedOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  uid?: number;
  gid?: number;
  /** Receives each output line (stdout and stderr) as it comes. */
  onOutput?: (line: string) => void;
}

const owned = new Set<OwnedProcess>();
let exitHookInstalled = false;

function killAllOwned(): void {
  for (const proc of owned) {
    if (!proc.exit) {
      try {
        process.kill(proc.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    try {
      proc.cleanupSync?.();
    } catch {
      // best effort
    }
  }
}

/**
 * Last resort: a process that exits without stopping its servers still takes them down with it, on a normal exit
 * and on a terminating signal that nobody else handles (when someone does, e.g. `npm start`'s graceful shutdown,
 * it stays theirs to stop the servers).
 */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', killAllOwned);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      if (process.listenerCount(signal) > 0) return;
      killAllOwned();
      process.kill(process.pid, signal);
    });
  }
}

/** Spawns a child process that this process owns: remembered by PID until it exits, killed if we exit first. */
export function spawnOwned(cmd: string, args: string[], opts: SpawnOwnedOptions = {}): OwnedProcess {
  const child = spawn(cmd, args, {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    uid: opts.uid,
    gid: opts.gid,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = new OutputTail();
  let pending = '';
  const onData = (chunk: Buffer): void => {
    output.push(chunk);
    if (opts.onOutput) {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) opts.onOutput(line);
    }
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const proc: OwnedProcess = {
    child,
    pid: child.pid ?? -1,
    output,
    exit: undefined,
    exited: new Promise<void>((resolve) => {
      child.once('error', (err) => {
        output.push(`spawn error: ${err.message}\n`);
        proc.exit ??= { code: null, signal: null };
        resolve();
      });
      child.once('exit', (code, signal) => {
        proc.exit = { code, signal };
        resolve();
      });
    }),
  };
  if (child.pid === undefined) {
    // spawn failed synchronously enough that there is no PID; the 'error' event carries the reason
    proc.exit = { code: null, signal: null };
  }
  owned.add(proc);
  void proc.exited.then(() => owned.delete(proc));
  installExitHook();
  return proc;
}

/** Stops a process by its PID: `signal` first, SIGKILL after `graceMs`. Resolves once it has exited. */
export async function stopOwned(proc: OwnedProcess, signal: NodeJS.Signals = 'SIGTERM', graceMs = 10_000): Promise<void> {
  if (proc.exit || proc.pid < 0) return;
  try {
    process.kill(proc.pid, signal);
  } catch {
    return; // already gone
  }
  const timer = new Promise<'timeout'>((resolve) => {
    const t = setTimeout(() => resolve('timeout'), graceMs);
    t.unref();
  });
  if ((await Promise.race([proc.exited.then(() => 'exited' as const), timer])) === 'timeout') {
    try {
      process.kill(proc.pid, 'SIGKILL');
    } catch {
      // exited meanwhile
    }
    await proc.exited;
  }
}

export function describeExit(proc: OwnedProcess): string {
  if (!proc.exit) return 'still running';
  return proc.exit.signal ? `killed by ${proc.exit.signal}` : `exited with code ${proc.exit.code}`;
}

/**
 * Waits until `host:port` accepts TCP connections. Fails early when the process exits, and after `timeoutMs`;
 * either error carries the tail of the process's output.
 */
export async function waitForPort(proc: OwnedProcess, what: string, host: string, port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (proc.exit) {
      await proc.exited; // so that a spawn error is in the output
      throw new Error(`${what} ${describeExit(proc)} before listening on ${host}:${port}. Its output:\n${proc.output.lines()}`);
    }
    if (await canConnect(host, port)) return;
    if (Date.now() > deadline) {
      throw new Error(
        `${what} (PID ${proc.pid}) did not listen on ${host}:${port} within ${timeoutMs / 1000} s. Its output:\n${proc.output.lines()}`,
      );
    }
    await sleep(100);
  }
}

/** Runs a command as an owned process to completion; fails with the tail of its output unless it exits with 0. */
export async function runOwned(what: string, cmd: string, args: string[], opts: SpawnOwnedOptions): Promise<void> {
  const proc = spawnOwned(cmd, args, opts);
  await proc.exited;
  if (proc.exit?.code !== 0) {
    throw new Error(`${what} ${describeExit(proc)}: ${cmd} ${args.join(' ')}\n${proc.output.lines()}`);
  }
}

/**
 * CPU time by process, read from /proc (Linux): this node process (all its threads: the API, the bench's clients,
 * the worker's main thread and its workflow threads), the Temporal server and PostgreSQL (the postmaster and its
 * backends). On 2 cores every part competes for the same CPU, so an operation's cost is its CPU time in all three.
 */
import fs from 'node:fs';

export interface CpuPids {
  temporal: number;
  postgres: number;
  /** Worker processes of the bench's own, counted with this one as node. */
  workers?: number[];
}

type Split = { node: number; temporal: number; postgres: number };

const ticksPerSecond = 100;

/** utime + stime of a process, in ms; 0 once it is gone. */
function processMs(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
  } catch {
    return 0;
  }
}

/** A process and its descendants, by their parent ids in /proc. */
function treeMs(root: number): number {
  const parentOf = new Map<number, number>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      parentOf.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  const inTree = (pid: number): boolean => {
    for (let p: number | undefined = pid; p !== undefined && p > 1; p = parentOf.get(p)) if (p === root) return true;
    return false;
  };
  let ms = 0;
  for (const pid of parentOf.keys()) if (inTree(pid)) ms += processMs(pid);
  return ms;
}

function snapshot(pids: CpuPids): Split {
  const own = process.cpuUsage();
  const workers = (pids.workers ?? []).reduce((sum, pid) => sum + processMs(pid), 0);
  return { node: (own.user + own.system) / 1000 + workers, temporal: treeMs(pids.temporal), postgres: treeMs(pids.postgres) };
}

/** Runs `work` and returns its result with the CPU ms each part spent meanwhile. */
export async function measuringCpu<T>(pids: CpuPids | undefined, work: () => Promise<T>): Promise<{ result: T; cpu?: Split }> {
  if (!pids) return { result: await work() };
  const before = snapshot(pids);
  const result = await work();
  const after = snapshot(pids);
  return { result, cpu: { node: after.node - before.node, temporal: after.temporal - before.temporal, postgres: after.postgres - before.postgres } };
}

/** "node 12.1 + Temporal 5.0 + PostgreSQL 2.2 = 19.3 ms" per operation. */
export function cpuPerOperation(cpu: Split | undefined, count: number): string {
  if (!cpu) return 'n/a';
  const per = (ms: number) => (ms / count).toFixed(1);
  return `node ${per(cpu.node)} + Temporal ${per(cpu.temporal)} + PostgreSQL ${per(cpu.postgres)} = ${per(cpu.node + cpu.temporal + cpu.postgres)} ms`;
}

export function cpuTotal(cpu: Split | undefined, count: number): string {
  return cpu ? `${((cpu.node + cpu.temporal + cpu.postgres) / count).toFixed(1)} ms` : 'n/a';
}

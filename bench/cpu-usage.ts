// Where a bench phase's CPU went, from Linux's /proc: the machine's busy share of all its cores,
// and the CPU time of chosen processes (a process and everything it started, or processes by
// name), so a throughput figure can say whether the machine was saturated and who used it.
//
//   const before = cpuSnapshot();
//   … the phase …
//   const used = cpuBetween(before, cpuSnapshot(), { serve: treeOf(serve.pid), clamd: named('clamd') });
//   used.busy          // 0.97: 97% of all cores were busy
//   used.ms.serve      // CPU ms of serve and its analysis children meanwhile
//
// A process that ended between the snapshots is missing from the second one: its time counts
// only through its parent's waited-for children, so take the second snapshot before stopping.
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';

/** Clock ticks per second of /proc's times (USER_HZ: 100 on Linux). */
const TICKS_PER_SECOND = 100;

export interface ProcessTimes {
  readonly pid: number;
  readonly ppid: number;
  readonly comm: string;
  /** utime + stime, in ticks. */
  readonly ticks: number;
}

export interface CpuSnapshot {
  /** Busy and total ticks of all cores together (/proc/stat's cpu line). */
  readonly busyTicks: number;
  readonly totalTicks: number;
  readonly processes: ReadonlyMap<number, ProcessTimes>;
}

/** A set of processes chosen in a snapshot (e.g. a process tree). */
export type Selector = (processes: ReadonlyMap<number, ProcessTimes>) => ReadonlySet<number>;

function machineTicks(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
  // cpu user nice system idle iowait irq softirq steal …
  const f = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = (f[3] ?? 0) + (f[4] ?? 0);
  const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

function processTimes(pid: number): ProcessTimes | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // comm is in parentheses and may hold spaces: the fields after it start past the last ')'.
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    const rest = stat
      .slice(close + 2)
      .split(' ')
      .map(Number);
    // rest[0] is field 3 (state): ppid is field 4, utime 14, stime 15.
    return { pid, comm, ppid: rest[1]!, ticks: rest[11]! + rest[12]! };
  } catch {
    return null; // ended while we looked
  }
}

export function cpuSnapshot(): CpuSnapshot {
  const { busy, total } = machineTicks();
  const processes = new Map<number, ProcessTimes>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const t = processTimes(Number(name));
    if (t) processes.set(t.pid, t);
  }
  return { busyTicks: busy, totalTicks: total, processes };
}

/** A process and all its descendants. */
export function treeOf(root: number): Selector {
  return (processes) => {
    const chosen = new Set<number>([root]);
    for (let grew = true; grew;) {
      grew = false;
      for (const p of processes.values()) {
        if (!chosen.has(p.pid) && chosen.has(p.ppid)) {
          chosen.add(p.pid);
          grew = true;
        }
      }
    }
    return chosen;
  };
}

/** Every process started by `root`, directly or not, without `root` itself. */
export function descendantsOf(root: number): Selector {
  const tree = treeOf(root);
  return (processes) => new Set([...tree(processes)].filter((pid) => pid !== root));
}

/** Processes whose command name (/proc/<pid>/comm, at most 15 characters) is `comm`. */
export function named(comm: string): Selector {
  return (processes) => new Set([...processes.values()].filter((p) => p.comm === comm).map((p) => p.pid));
}

export interface CpuUsed {
  /** Share of all cores' time that was busy, 0–1. */
  readonly busy: number;
  /** CPU ms per selector, counted over the processes it chooses in the second snapshot. */
  readonly ms: Readonly<Record<string, number>>;
}

export function cpuBetween(before: CpuSnapshot, after: CpuSnapshot, selectors: Readonly<Record<string, Selector>>): CpuUsed {
  const ms: Record<string, number> = {};
  for (const [name, select] of Object.entries(selectors)) {
    let ticks = 0;
    for (const pid of select(after.processes)) {
      const now = after.processes.get(pid);
      if (!now) continue;
      const then = before.processes.get(pid);
      // A process started after the first snapshot counts from zero.
      ticks += now.ticks - (then && then.comm === now.comm ? then.ticks : 0);
    }
    ms[name] = (ticks * 1000) / TICKS_PER_SECOND;
  }
  const total = after.totalTicks - before.totalTicks;
  return { busy: total > 0 ? (after.busyTicks - before.busyTicks) / total : 0, ms };
}

/** "machine 97% busy (2 cores); CPU per message: serve 17.1 ms, clamd 3.0 ms, …". */
export function describeCpu(used: CpuUsed, messages: number): string {
  const parts = Object.entries(used.ms).map(([name, ms]) => `${name} ${(ms / Math.max(messages, 1)).toFixed(1)} ms`);
  return `machine ${(used.busy * 100).toFixed(0)}% busy (${os.availableParallelism()} cores); CPU per message: ${parts.join(', ')}`;
}

/** One process alone. */
export function only(pid: number): Selector {
  return () => new Set([pid]);
}

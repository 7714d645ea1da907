/**
 * What Linux's /proc says about the processes of a benchmark:
 *  - memory of a child from /proc/<pid>/status: VmRSS (resident now) and VmHWM (the resident
 *    high-water mark). Writing "5" to /proc/<pid>/clear_refs resets VmHWM to the current RSS
 *    (Linux >= 4.0), so a benchmark can read the peak of one phase (a download) rather than since exec;
 *  - CPU time of a child from /proc/<pid>/stat, and of the whole machine from /proc/stat, so a
 *    figure can say which process was saturated and whether the machine itself was (or was stolen
 *    from: `steal` is time the hypervisor gave to someone else).
 */
import { readFileSync, writeFileSync } from 'node:fs';

export interface ProcMemory {
  /** Resident set size now, in bytes. */
  rssBytes: number;
  /** Peak resident set size (since exec or since the last reset), in bytes. */
  peakRssBytes: number;
}

/** Value of a "Name:   1234 kB" line in bytes, or null if the line is missing or not in kB. */
function kbField(status: string, name: string): number | null {
  const m = new RegExp(`^${name}:\\s+(\\d+)\\s+kB\\s*$`, 'm').exec(status);
  return m ? Number(m[1]) * 1024 : null;
}

/** Parses the text of /proc/<pid>/status; null when VmRSS or VmHWM is absent (kernel thread, zombie). */
export function parseProcStatus(status: string): ProcMemory | null {
  const rss = kbField(status, 'VmRSS');
  const hwm = kbField(status, 'VmHWM');
  if (rss === null || hwm === null) return null;
  return { rssBytes: rss, peakRssBytes: hwm };
}

/** The process's memory now, or null when it cannot be read (not Linux, process gone). */
export function readProcMemory(pid: number): ProcMemory | null {
  try {
    return parseProcStatus(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return null;
  }
}

/** Resets VmHWM to the current RSS; false when the kernel or permissions do not allow it. */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** USER_HZ: the unit of /proc's CPU times; 100 on every Linux architecture node runs on. */
const TICKS_PER_SEC = 100;

/** CPU seconds from /proc/<pid>/stat: the process's own, and that of its children it has reaped. */
export interface ProcCpuTimes {
  /** utime + stime. */
  self: number;
  /** cutime + cstime: children that have exited and been waited for (a finished wrk run, say). */
  children: number;
}

/**
 * Parses the text of /proc/<pid>/stat; null if it does not parse. The command name (field 2) is in
 * parentheses and may itself contain spaces and ')', so fields are counted after the last ')':
 * utime, stime, cutime, cstime are fields 14 to 17 of the line.
 */
export function parseProcStatTimes(stat: string): ProcCpuTimes | null {
  const close = stat.lastIndexOf(')');
  if (close < 0) return null;
  // fields[0] is field 3 (state), so field n is fields[n - 3].
  const fields = stat.slice(close + 1).trim().split(/\s+/);
  if (fields.length < 15) return null;
  const [utime, stime, cutime, cstime] = fields.slice(11, 15).map(Number) as [number, number, number, number];
  if (![utime, stime, cutime, cstime].every(Number.isFinite)) return null;
  return { self: (utime + stime) / TICKS_PER_SEC, children: (cutime + cstime) / TICKS_PER_SEC };
}

/** CPU times of a process so far, or null when they cannot be read. */
export function readProcCpuTimes(pid: number): ProcCpuTimes | null {
  try {
    return parseProcStatTimes(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return null;
  }
}

/** The machine's CPU time so far, summed over all CPUs, in seconds. */
export interface MachineCpu {
  /** user + nice + system + irq + softirq (guest time is already inside user). */
  busy: number;
  /** Time the hypervisor ran something else while this VM wanted the CPU. */
  steal: number;
  /** busy + idle + iowait + steal. */
  total: number;
}

/** Parses the aggregate "cpu " line of /proc/stat; null if missing. */
export function parseMachineCpu(procStat: string): MachineCpu | null {
  const m = /^cpu\s+([\d\s]+)$/m.exec(procStat);
  if (!m) return null;
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = m[1]!.trim().split(/\s+/).map(Number);
  const busy = user + nice + system + irq + softirq;
  return { busy: busy / TICKS_PER_SEC, steal: steal / TICKS_PER_SEC, total: (busy + idle + iowait + steal) / TICKS_PER_SEC };
}

export function readMachineCpu(): MachineCpu | null {
  try {
    return parseMachineCpu(readFileSync('/proc/stat', 'utf8'));
  } catch {
    return null;
  }
}

/** CPU use over an interval, in percent of one CPU (100 = one core saturated). */
export interface CpuShare {
  /** Per label ("server", "proxy", "wrk"): percent of one core; null if it could not be read. */
  processes: Record<string, number | null>;
  /** The whole machine: busy and stolen time in percent of one core (so up to 100 x CPUs). */
  machineBusy: number | null;
  machineSteal: number | null;
}

/**
 * Starts measuring the CPU use of the given processes and of the machine; the returned function
 * ends the interval and gives the shares. `reapedLabel` also counts the CPU time of this process's
 * children that exit and are reaped within the interval (a wrk run) under that label. Wall time is
 * performance.now().
 */
export function startCpuMeter(pids: Record<string, number | undefined>, reapedLabel?: string): () => CpuShare {
  const t0 = performance.now();
  const selfOf = (pid: number | undefined): number | null => (pid === undefined ? null : (readProcCpuTimes(pid)?.self ?? null));
  const before = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, selfOf(pid)]));
  const reaped0 = readProcCpuTimes(process.pid)?.children ?? null;
  const machine0 = readMachineCpu();
  return () => {
    const wall = (performance.now() - t0) / 1000;
    const pct = (sec: number | null): number | null => (sec === null || wall <= 0 ? null : (100 * sec) / wall);
    const delta = (a: number | null, b: number | null): number | null => (a === null || b === null ? null : b - a);
    const processes: Record<string, number | null> = {};
    for (const [k, pid] of Object.entries(pids)) processes[k] = pct(delta(before[k] ?? null, selfOf(pid)));
    if (reapedLabel !== undefined) processes[reapedLabel] = pct(delta(reaped0, readProcCpuTimes(process.pid)?.children ?? null));
    const machine1 = readMachineCpu();
    const both = machine0 !== null && machine1 !== null;
    return {
      processes,
      machineBusy: both ? pct(machine1.busy - machine0.busy) : null,
      machineSteal: both ? pct(machine1.steal - machine0.steal) : null,
    };
  };
}

/**
 * The machine's busy time not charged to any of the measured processes, in percent of one core:
 * the kernel's loopback and interrupt work that is not charged to a task, plus whatever else runs
 * on the machine. A few tens of percent is the kernel; a whole core means someone else was busy.
 */
export function outsideShare(cpu: CpuShare): number | null {
  if (cpu.machineBusy === null) return null;
  let known = 0;
  for (const v of Object.values(cpu.processes)) if (v !== null) known += v;
  return Math.max(0, cpu.machineBusy - known);
}

import { describe, expect, it } from 'vitest';
import { outsideShare, parseMachineCpu, parseProcStatTimes, parseProcStatus, readProcCpuTimes, readProcMemory, startCpuMeter } from './proc-status.js';

// Trimmed from a real /proc/<pid>/status (Linux 6.x, node 20).
const STATUS = `Name:\tnode
Umask:\t0022
State:\tS (sleeping)
Pid:\t3209
VmPeak:\t 1089444 kB
VmSize:\t 1024016 kB
VmLck:\t       0 kB
VmHWM:\t   89236 kB
VmRSS:\t   63400 kB
RssAnon:\t   21000 kB
Threads:\t7
`;

describe('parseProcStatus', () => {
  it('reads VmRSS and VmHWM in bytes', () => {
    expect(parseProcStatus(STATUS)).toEqual({ rssBytes: 63400 * 1024, peakRssBytes: 89236 * 1024 });
  });

  it('does not take VmHWM from a longer name or another unit, and is null without the fields', () => {
    expect(parseProcStatus('Name:\tkthreadd\nState:\tS (sleeping)\n')).toBeNull();
    expect(parseProcStatus('XVmRSS:\t1 kB\nVmHWM:\t2 kB\n')).toBeNull();
    expect(parseProcStatus('VmRSS:\t1 MB\nVmHWM:\t2 kB\n')).toBeNull();
  });

  it.runIf(process.platform === 'linux')('reads this process', () => {
    const m = readProcMemory(process.pid)!;
    expect(m.rssBytes).toBeGreaterThan(1024 * 1024);
    expect(m.peakRssBytes).toBeGreaterThanOrEqual(m.rssBytes);
    expect(readProcMemory(2 ** 22 + 12345)).toBeNull();
  });
});

describe('CPU time from /proc', () => {
  // Real lines; the second has a command name with a space and a ')' in it.
  const STAT = '4885 (cat) R 4881 4881 1828 0 -1 4194304 98 0 0 0 250 37 0 0 20 0 1 0 58944 3133440 381 18446744073709551615 0 0';
  const TRICKY = '4886 (node (x) y) S 1 1 1 0 -1 0 0 0 0 0 12 3 0 0 20 0 7 0 1 2 3';

  it('sums utime+stime and cutime+cstime (fields 14-17) in seconds, counting fields after the last ")"', () => {
    const t = parseProcStatTimes(STAT)!;
    expect(t.self).toBeCloseTo(2.87, 10);
    expect(t.children).toBe(0);
    const tricky = parseProcStatTimes(TRICKY)!;
    expect(tricky.self).toBeCloseTo(0.15, 10);
    expect(tricky.children).toBeCloseTo(0, 10);
    expect(parseProcStatTimes(STAT.replace(' 250 37 0 0 ', ' 250 37 400 25 '))!.children).toBeCloseTo(4.25, 10);
    expect(parseProcStatTimes('garbage')).toBeNull();
    expect(parseProcStatTimes('1 (x) R 1 2')).toBeNull();
  });

  it('reads the machine line of /proc/stat: busy, steal and total', () => {
    const procStat = 'cpu  20954 0 4832 89631 402 0 897 579 0 0\ncpu0 10235 0 2262 45415 30 0 431 275 0 0\nintr 1 2\n';
    expect(parseMachineCpu(procStat)).toEqual({ busy: 266.83, steal: 5.79, total: 1172.95 });
    expect(parseMachineCpu('cpu0 1 2 3 4\n')).toBeNull();
  });

  it.runIf(process.platform === 'linux')('meters this process burning CPU', () => {
    expect(readProcCpuTimes(process.pid)!.self).toBeGreaterThanOrEqual(0);
    const stop = startCpuMeter({ self: process.pid, gone: undefined }, 'reaped');
    const until = performance.now() + 300;
    let x = 0;
    while (performance.now() < until) x += Math.sqrt(x + 1);
    const share = stop();
    expect(x).toBeGreaterThan(0);
    // 300 ms of busy loop: near 100% of a core (ticks are 10 ms, so allow slack).
    expect(share.processes['self']).toBeGreaterThan(50);
    expect(share.processes['gone']).toBeNull();
    expect(share.processes['reaped']).toBe(0);
    expect(share.machineBusy).toBeGreaterThan(0);
  });
});

describe('outsideShare', () => {
  it('is machine busy minus the measured processes (unknown ones skipped), never negative', () => {
    expect(outsideShare({ processes: { server: 90, proxy: 60, wrk: null }, machineBusy: 190, machineSteal: 0 })).toBe(40);
    expect(outsideShare({ processes: { server: 101 }, machineBusy: 99, machineSteal: 0 })).toBe(0);
    expect(outsideShare({ processes: {}, machineBusy: null, machineSteal: null })).toBeNull();
  });
});

import { ReadFilterTransport } from './test-support/read-filter-transport.js';
import { describe, expect, it } from 'vitest';
import { MemoryLogger } from '../../server/core/logger.js';
import { createDemoRouter } from '../../server/demo/demo-routes.js';
import { createServer } from '../../server/server.js';
import type { Transport, TransportEvents } from '../../server/transport/transport.js';
import { caseWorldSeed, CLEAN_PLAN, compactRanges, faultProfile, parseFaultProfiles, runUnderFaults, type CaseOutcome, type FaultProfileSpec, type LinkPlan } from './faults.js';
import { faultsSuffix, verdictWithFaults } from './faults-report.js';
import { AERONET_PATHS } from './h2/aeronet-target.js';
import { aeronetTargets, h2SuiteRunner, simTargetFactory } from './h2/faults.js';
import { DEFAULT_STALL_LIMIT_MS, runH2Suite } from './h2/run-suite.js';
import { StreamCutter } from './stream-cutter.js';

const profiles = (...names: string[]): FaultProfileSpec[] => names.map((n) => faultProfile(n)!);
const H2_OPTIONS = { ...AERONET_PATHS, stallLimitMs: DEFAULT_STALL_LIMIT_MS };

describe('StreamCutter', () => {
  it('cuts the write that spans the offset, and only that one', () => {
    const cutter = new StreamCutter(5);
    expect(cutter.pieces(Buffer.from('abc')).map(String)).toEqual(['abc']);
    expect(cutter.pieces(Buffer.from('defgh')).map(String)).toEqual(['de', 'fgh']);
    expect(cutter.pieces(Buffer.from('ijk')).map(String)).toEqual(['ijk']);
    // A cut on a write boundary, or none at all, leaves writes whole.
    const onBoundary = new StreamCutter(3);
    expect([...onBoundary.pieces(Buffer.from('abc')), ...onBoundary.pieces(Buffer.from('de'))].map(String)).toEqual(['abc', 'de']);
    expect(new StreamCutter(null).pieces(Buffer.from('abc')).map(String)).toEqual(['abc']);
  });
});

describe('parseFaultProfiles and compactRanges', () => {
  it('reads a comma list or "all", and names what it does not know', () => {
    expect(parseFaultProfiles('choppy').profiles.map((p) => p.name)).toEqual(['choppy']);
    expect(parseFaultProfiles('byte, splits,byte').profiles.map((p) => p.name)).toEqual(['byte', 'splits']);
    expect(parseFaultProfiles('all').profiles.map((p) => p.name)).toEqual(['choppy', 'byte', 'coalesce', 'splits']);
    expect(parseFaultProfiles('choppy,bogus').unknown).toEqual(['bogus']);
    expect(parseFaultProfiles('').unknown).toEqual(['']);
  });

  it('folds runs of numbers', () => {
    expect(compactRanges([1, 2, 3, 7, 9, 10])).toBe('1-3, 7, 9-10');
    expect(compactRanges([])).toBe('');
  });
});

/*
 * The generic logic with a fake suite: the "target" is the plan itself, and the runner decides
 * each case's verdict from it, so what runs where can be checked exactly.
 */
describe('runUnderFaults (generic)', () => {
  // Three cases: 'small' (100 octets each way), 'big' (1 MB), 'fragile' (60 octets, fails when
  // cut at 20..29, and byte by byte).
  const traffic = {
    small: { clientToServer: 100, serverToClient: 100, longestClientStream: 100 },
    big: { clientToServer: 1_000_000, serverToClient: 50, longestClientStream: 1_000_000 },
    fragile: { clientToServer: 60, serverToClient: 60, longestClientStream: 60 },
  };
  const calls: Array<{ plan: LinkPlan; ids: readonly string[] | null }> = [];
  const runner = async (plan: LinkPlan, ids: readonly string[] | null): Promise<CaseOutcome[]> => {
    calls.push({ plan, ids });
    const all = ids ?? ['small', 'big', 'fragile', 'skip'];
    return all.map((id) => {
      if (id === 'skip') return { id, result: 'skipped', actual: 'n/a' };
      const byteByByte = plan.clientToServer.maxSegment?.[1] === 1;
      const cut = plan.splitClientAt;
      const broken = id === 'fragile' && (byteByByte || (cut !== null && cut >= 20 && cut < 30));
      return { id, result: broken ? 'failed' : 'passed', expected: 'ok', actual: broken ? `broke (cut ${cut})` : 'fine', traffic: traffic[id as keyof typeof traffic] };
    });
  };

  it('runs clean, then each profile per seed; small-only profiles send larger cases to their fallback', async () => {
    calls.length = 0;
    const out = await runUnderFaults(runner, (plan) => plan, profiles('byte', 'choppy'), [1, 2]);
    expect(out.passCleanFailFaults).toEqual(['fragile']);
    // Clean, then choppy for the big case (byte's fallback) per seed, byte for the small ones per
    // seed, then choppy for the small ones only (the big one's choppy runs are shared).
    expect(calls.map((c) => [c.plan.clientToServer.maxSegment?.[1], c.plan.seed, c.ids])).toEqual([
      [2 ** 30, 1, null],
      [1500, 1, ['big']],
      [1500, 2, ['big']],
      [1, 1, ['small', 'fragile']],
      [1, 2, ['small', 'fragile']],
      [1500, 1, ['small', 'fragile']],
      [1500, 2, ['small', 'fragile']],
    ]);
    expect(out.faulted.get('big')).toEqual([
      { profile: 'choppy', seed: 1, result: 'passed', expected: 'ok', actual: 'fine', insteadOf: 'byte' },
      { profile: 'choppy', seed: 2, result: 'passed', expected: 'ok', actual: 'fine', insteadOf: 'byte' },
      { profile: 'choppy', seed: 1, result: 'passed', expected: 'ok', actual: 'fine' },
      { profile: 'choppy', seed: 2, result: 'passed', expected: 'ok', actual: 'fine' },
    ]);
    expect(out.faulted.get('fragile')!.filter((r) => r.result === 'failed').map((r) => `${r.profile}/${r.seed}`)).toEqual(['byte/1', 'byte/2']);
    expect(out.faulted.has('skip')).toBe(false);
    expect(out.runs).toHaveLength(6);
  });

  it('splits: one run per offset, each case up to its own length; failures gathered per case', async () => {
    calls.length = 0;
    const out = await runUnderFaults(runner, (plan) => plan, profiles('splits'), [1, 2, 3], { splitLimit: 200 });
    const splitRuns = calls.filter((c) => c.plan.splitClientAt !== null);
    expect(splitRuns).toHaveLength(99);
    expect(splitRuns[0]!.ids).toEqual(['small', 'fragile']);
    expect(splitRuns[59]!.ids).toEqual(['small']); // offset 60: past the end of fragile's 60 octets
    const fragile = out.faulted.get('fragile')!;
    expect(fragile).toHaveLength(1);
    expect(fragile[0]).toMatchObject({ profile: 'splits', seed: null, result: 'failed', splitPoints: { tried: 59, failed: [20, 21, 22, 23, 24, 25, 26, 27, 28, 29] } });
    expect(fragile[0]!.actual).toBe('failed at 10 of 59 split points (20-29); at 20: broke (cut 20)');
    expect(out.faulted.get('small')![0]).toMatchObject({ result: 'passed', actual: 'passed at all 99 split points' });
    // The 1 MB case is past the limit: choppy, for each seed, in place of splits.
    expect(out.faulted.get('big')!.map((r) => [r.profile, r.seed, r.insteadOf])).toEqual([['choppy', 1, 'splits'], ['choppy', 2, 'splits'], ['choppy', 3, 'splits']]);
    expect(faultsSuffix({ id: 'fragile', result: 'passed', faults: fragile })).toBe(' [splits ✗ at 20-29 of 59]');
    expect(verdictWithFaults({ id: 'fragile', result: 'passed', faults: fragile })).toBe('failed');
  });

  it('a run that throws fails every case it was running, with the reason', async () => {
    const out = await runUnderFaults(
      async (plan: LinkPlan, ids: readonly string[] | null) => {
        if (plan.seed === 2) throw new Error('nothing left to happen at 5 ms');
        return (ids ?? ['a', 'b']).map((id): CaseOutcome => ({ id, result: 'passed', actual: '' }));
      },
      (plan) => plan,
      profiles('choppy'),
      [1, 2],
    );
    expect(out.faulted.get('a')!.map((r) => [r.seed, r.result, r.actual])).toEqual([[1, 'passed', ''], [2, 'failed', 'the run did not finish: nothing left to happen at 5 ms']]);
    expect(out.passCleanFailFaults).toEqual(['a', 'b']);
  });

  it('caseWorlds: each case of a seeded run in a world of its own, seeded from the seed and its id; splits keep one world', async () => {
    const worlds: Array<{ seed: number; cut: number | null; ids: readonly string[] | null }> = [];
    const out = await runUnderFaults(
      async (plan: LinkPlan, ids: readonly string[] | null) => {
        worlds.push({ seed: plan.seed, cut: plan.splitClientAt, ids });
        if (plan.seed === caseWorldSeed(2, 'b')) throw new Error('hung');
        return (ids ?? ['a', 'b']).map((id): CaseOutcome => ({ id, result: 'passed', actual: '', traffic: { clientToServer: 3, serverToClient: 3, longestClientStream: 3 } }));
      },
      (plan) => plan,
      profiles('choppy', 'splits'),
      [1, 2],
      { caseWorlds: true },
    );
    expect(worlds).toEqual([
      { seed: 1, cut: null, ids: null },
      { seed: caseWorldSeed(1, 'a'), cut: null, ids: ['a'] },
      { seed: caseWorldSeed(1, 'b'), cut: null, ids: ['b'] },
      { seed: caseWorldSeed(2, 'a'), cut: null, ids: ['a'] },
      { seed: caseWorldSeed(2, 'b'), cut: null, ids: ['b'] },
      { seed: 1, cut: 1, ids: ['a', 'b'] },
      { seed: 1, cut: 2, ids: ['a', 'b'] },
    ]);
    // Results keep the run's seed; a world that throws fails its own case only.
    expect(out.faulted.get('a')!.map((r) => [r.profile, r.seed, r.result])).toEqual([['choppy', 1, 'passed'], ['choppy', 2, 'passed'], ['splits', null, 'passed']]);
    expect(out.faulted.get('b')!.map((r) => [r.seed, r.result])).toEqual([[1, 'passed'], [2, 'failed'], [null, 'passed']]);
    expect(out.runs.map((r) => r.cases)).toEqual([2, 2, 2, 2]);
  });

  it('caseWorldSeed is a stable 32-bit hash of the seed and the id', () => {
    expect(caseWorldSeed(3, 'http2/6.5.2/1')).toBe(caseWorldSeed(3, 'http2/6.5.2/1'));
    expect(caseWorldSeed(3, 'http2/6.5.2/1')).not.toBe(caseWorldSeed(4, 'http2/6.5.2/1'));
    expect(caseWorldSeed(3, 'a')).not.toBe(caseWorldSeed(3, 'b'));
    // FNV-1a of "1/a": the same on every machine.
    expect(caseWorldSeed(1, 'a')).toBe(0x2044adf8);
  });
});

/** `events` with another onData (the others still call `events`: they may be methods of a class). */
function withOnData(events: TransportEvents, onData: (chunk: Buffer) => void): TransportEvents {
  return {
    onData,
    onEnd: () => events.onEnd(),
    onDrain: () => events.onDrain(),
    onClose: () => events.onClose(),
    onError: (error) => events.onError(error),
  };
}

/**
 * A server with a naive frame reader in front: it expects each frame's 9-octet header to arrive
 * in one read (the bug the faults are for). When a read ends inside a header, it resets the
 * connection. Reads that end elsewhere, and the preface however it comes, are fine.
 */
function naiveFrameReader(inner: Transport): Transport {
  let prefaceLeft = 24;
  let payloadLeft = 0;
  return new ReadFilterTransport(inner, (chunk, deliver, reset) => {
    let off = Math.min(prefaceLeft, chunk.length);
    prefaceLeft -= off;
    while (off < chunk.length) {
      if (payloadLeft > 0) {
        const n = Math.min(payloadLeft, chunk.length - off);
        payloadLeft -= n;
        off += n;
        continue;
      }
      if (chunk.length - off < 9) {
        reset();
        return;
      }
      payloadLeft = chunk.readUIntBE(off, 3);
      off += 9;
    }
    deliver(chunk);
  });
}

const fragileAeronet = simTargetFactory((sim) => {
  const server = createServer({ handler: createDemoRouter().handle, clock: sim.clock, compression: false, logger: new MemoryLogger() });
  return { accept: (t: Transport) => server.accept(naiveFrameReader(t)) };
}, 'aeronet behind a naive frame reader');

describe('the HTTP/2 suite under faults', () => {
  it('the split point reaches the server: a connection cut at 10 delivers 10 octets, then the rest', async () => {
    const reads: number[] = [];
    const targets = simTargetFactory((sim) => {
      const server = createServer({ handler: createDemoRouter().handle, clock: sim.clock, compression: false, logger: new MemoryLogger() });
      return {
        accept: (t: Transport) => {
          const attach = t.attach.bind(t);
          const reattach = t.reattach.bind(t);
          const recording = (events: TransportEvents) => withOnData(events, (chunk) => (reads.push(chunk.length), events.onData(chunk)));
          t.attach = (events) => attach(recording(events));
          t.reattach = (events) => reattach(recording(events));
          server.accept(t);
        },
      };
    });
    const clean = targets(CLEAN_PLAN);
    await clean.run(runH2Suite(clean, { ...AERONET_PATHS, filter: ['generic/1/1'] }));
    const whole = [...reads];
    reads.length = 0;
    const cut = targets({ ...CLEAN_PLAN, splitClientAt: 10 });
    const report = await cut.run(runH2Suite(cut, { ...AERONET_PATHS, filter: ['generic/1/1'] }));
    expect(report.cases[0]!.result).toBe('passed');
    expect(reads).toEqual([10, whole[0]! - 10, ...whole.slice(1)]);
  });

  it('lists a server that breaks on a frame header split across reads: passes clean, fails under byte, choppy and splits', async () => {
    const runner = h2SuiteRunner({ ...H2_OPTIONS, filter: ['generic/1', 'generic/3.7', 'generic/4'] });
    const out = await runUnderFaults(runner, fragileAeronet, profiles('byte', 'choppy', 'splits'), [1, 2]);
    expect(out.clean.map((c) => c.result)).toEqual(Array(out.clean.length).fill('passed'));
    // generic/1/1 only needs the server's SETTINGS, which it sends before reading anything: it may
    // pass even byte by byte. Every case that needs the server to read a frame fails.
    const reading = out.clean.map((c) => c.id).filter((id) => id !== 'generic/1/1');
    expect(out.passCleanFailFaults.filter((id) => id !== 'generic/1/1')).toEqual(reading);
    for (const id of reading) {
      const byProfile = (name: string) => out.faulted.get(id)!.filter((r) => r.profile === name);
      // One octet at a time splits every header: every run fails.
      expect(byProfile('byte').map((r) => r.result), id).toEqual(['failed', 'failed']);
      // A cut inside the preface or a payload is harmless; inside a frame header it is not.
      const splits = byProfile('splits')[0]!.splitPoints!;
      expect(splits.failed.length, id).toBeGreaterThan(0);
      expect(splits.failed.length, id).toBeLessThan(splits.tried);
      expect(splits.failed.every((k) => k > 24), id).toBe(true);
    }
    const get = out.faulted.get('generic/4/1')!.find((r) => r.profile === 'byte')!;
    expect(get.actual).toMatch(/connection closed \(RST\)/);
  });

  it('aeronet passes every case under choppy and byte for 3 seeds, and at every split point of the small cases', async () => {
    const out = await runUnderFaults(h2SuiteRunner(H2_OPTIONS), aeronetTargets, profiles('choppy', 'byte'), [1, 2, 3]);
    expect(out.clean.filter((c) => c.result === 'failed')).toEqual([]);
    const failures = [...out.faulted].flatMap(([id, list]) => list.filter((r) => r.result === 'failed').map((r) => `${id} ${r.profile}/${r.seed}: ${r.actual}`));
    expect(failures).toEqual([]);
    expect(out.passCleanFailFaults).toEqual([]);
    // Splits of a few groups (the whole suite's 13,000 runs take ~5 s: `aeronet conformance h2 --faults splits`).
    const split = await runUnderFaults(h2SuiteRunner({ ...H2_OPTIONS, filter: ['generic/1', 'generic/3.10', 'http2/4.3', 'http2/6.5', 'hpack'] }), aeronetTargets, profiles('splits'), [1]);
    expect(split.passCleanFailFaults).toEqual([]);
    const results = [...split.faulted.values()].map((list) => list[0]!);
    const splitRuns = results.filter((r) => r.insteadOf === undefined);
    expect(splitRuns.length).toBeGreaterThanOrEqual(10);
    expect(Math.min(...splitRuns.map((r) => r.splitPoints?.tried ?? 0))).toBeGreaterThan(30);
    // A case whose client stream is past the split limit (h2spec's 4000-octet fields in 4.3/2 and
    // 4.3/3) runs choppy in its place, and says so.
    const fellBack = results.filter((r) => r.insteadOf !== undefined);
    expect(fellBack.length).toBeGreaterThan(0);
    for (const r of fellBack) expect(r).toMatchObject({ profile: 'choppy', insteadOf: 'splits' });
  }, 60_000);
});

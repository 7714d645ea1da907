import { afterEach, describe, expect, it, vi } from 'vitest';
import { conformanceCommand } from '../../../cli/conformance-command.js';
import { MemoryLogger } from '../../../server/core/logger.js';
import { createDemoRouter } from '../../../server/demo/demo-routes.js';
import { createServer } from '../../../server/server.js';
import type { Transport } from '../../../server/transport/transport.js';
import { faultProfile, parseFaultProfiles, type TargetFactory } from '../faults.js';
import { AERONET_H1_PATHS, h1SimTargetFactory, runH1SuiteUnderFaults } from '../h1/faults.js';
import { ReadFilterTransport } from '../test-support/read-filter-transport.js';
import { runConformanceMatrix } from './run-matrix.js';
import { runCleanPass, runSimColumns } from './sim-columns.js';
import { H1_MATRIX_SUITE } from './suites.js';

/**
 * aeronet behind a reader that resets the connection when the first read ends before the
 * request line's LF: it passes clean (whole writes) and fails under choppy only on the seeds
 * whose first segment is short, so which seeds fail says whether a repro replays the same faults.
 */
const fragileH1: TargetFactory<unknown> = h1SimTargetFactory((sim) => {
  const server = createServer({ handler: createDemoRouter().handle, clock: sim.clock, compression: false, logger: new MemoryLogger() });
  return {
    accept: (t: Transport) => {
      let lineDone = false;
      server.accept(new ReadFilterTransport(t, (chunk, deliver, reset) => {
        if (!lineDone && !chunk.includes(0x0a)) return reset();
        lineDone = true;
        deliver(chunk);
      }));
    },
  };
}, 'fragile') as TargetFactory<unknown>;

const onlySim = { layers: ['sim'] as const };

describe('the sim columns of the matrix, for real', () => {
  it('h1: a group under every profile for one seed: every cell passes, the columns carry the seeds', async () => {
    const m = await runConformanceMatrix('h1', { ...onlySim, filter: ['h1/chunked'], profiles: parseFaultProfiles('all').profiles, seeds: [1] });
    expect(m.suite).toBe('h1');
    expect(m.columns.map((c) => c.id)).toEqual(['clean', 'sim:choppy', 'sim:byte', 'sim:coalesce', 'sim:splits']);
    expect(m.columns.find((c) => c.id === 'sim:byte')!.seeds).toEqual([1]);
    expect(m.rows.length).toBeGreaterThanOrEqual(5);
    expect(m.rows.every((r) => r.id.startsWith('h1/chunked/'))).toBe(true);
    for (const r of m.rows) expect(Object.entries(r.cells).filter(([, c]) => c.verdict !== 'passed'), r.id).toEqual([]);
    expect(m.rows[0]!.cells['sim:splits']!.detail).toMatch(/^\d+ split points$/);
    expect(m.breaksOnlyUnderFaults).toEqual([]);
  }, 60_000);

  it('h2: a section under choppy and byte for one seed, strict: every cell passes', async () => {
    const m = await runConformanceMatrix('h2', { ...onlySim, filter: ['http2/6.5', 'http2/6.5.2'], profiles: [faultProfile('choppy')!, faultProfile('byte')!], seeds: [1], caseOptions: { strict: true } });
    expect(m.columns.map((c) => c.id)).toEqual(['clean', 'sim:choppy', 'sim:byte']);
    expect(m.rows.map((r) => r.id)).toContain('http2/6.5.2/1');
    for (const r of m.rows) expect(Object.values(r.cells).map((c) => c.verdict), r.id).toEqual(['passed', 'passed', 'passed']);
  }, 60_000);

  it('a server that breaks on a short first read: listed with its first failing seed, and each seed\'s repro gives the matrix\'s verdict', async () => {
    const filter = ['h1/chunked', 'h1/framing'];
    const seeds = [1, 2, 3, 4, 5, 6, 7, 8];
    const choppy = [faultProfile('choppy')!];
    const m = await runConformanceMatrix('h1', { ...onlySim, filter, profiles: choppy, seeds, simTargets: fragileH1 });
    expect(m.rows.every((r) => r.cells['clean']!.verdict === 'passed')).toBe(true);
    const findings = m.breaksOnlyUnderFaults;
    expect(findings.length).toBeGreaterThan(0);

    // Per case and seed, the matrix's verdict (the same runner, read before it is folded into cells).
    const outcome = await runSimColumns(H1_MATRIX_SUITE, filter, {}, { profiles: choppy, seeds, targets: fragileH1, clean: await runCleanPass(H1_MATRIX_SUITE, filter, {}, fragileH1) });
    const mixed = [...outcome.faulted].filter(([, list]) => list.some((r) => r.result === 'failed') && list.some((r) => r.result === 'passed'));
    // Some cases fail on some seeds only: otherwise this could not tell an exact replay from a lucky one.
    expect(mixed.length).toBeGreaterThan(0);
    for (const f of findings) {
      const firstFailed = outcome.faulted.get(f.id)!.find((r) => r.result === 'failed')!.seed;
      expect(f).toMatchObject({ column: 'sim:choppy', seed: firstFailed, repro: `npx aeronet conformance h1 ${f.id} --faults choppy --seed ${firstFailed}` });
    }
    // What the repro line runs (conformance h1 ID --faults choppy --seed S: the case alone), seed by seed.
    for (const [id, list] of mixed.slice(0, 3)) {
      for (const r of list) {
        const alone = await runH1SuiteUnderFaults({ ...AERONET_H1_PATHS, filter: [id] }, { profiles: choppy, seeds: [r.seed!], targets: fragileH1 as never });
        expect(alone.cases[0]!.faults!.map((x) => [x.seed, x.result]), `${id} seed ${r.seed}`).toEqual([[r.seed, r.result]]);
      }
    }
  }, 120_000);
});

describe('a sim repro line, run by the CLI', () => {
  afterEach(() => vi.restoreAllMocks());
  const run = async (args: string[]) => {
    let stdout = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const code = await conformanceCommand(args);
    vi.restoreAllMocks();
    return { code, stdout };
  };

  it('gives the matrix cell\'s verdict for aeronet, h2 and h1', async () => {
    const m = await runConformanceMatrix('h2', { ...onlySim, filter: ['http2/6.5.2/1'], profiles: [faultProfile('byte')!], seeds: [3] });
    expect(m.rows[0]!.cells['sim:byte']!.verdict).toBe('passed');
    const h2 = await run(['h2', 'http2/6.5.2/1', '--faults', 'byte', '--seed', '3']);
    expect(h2.code).toBe(0);
    expect(h2.stdout).toMatch(/✓ 1: .*\[byte ✓×1\]/);
    expect(h2.stdout).toContain('seeds 3');
    const h1 = await run(['h1', 'h1/chunked/4', '--faults', 'coalesce', '--seed', '2']);
    expect(h1.code).toBe(0);
    expect(h1.stdout).toMatch(/✓ 4: .*\[coalesce ✓×1\]/);
  }, 60_000);
});

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { findNetemScenario, NETEM_SCENARIOS } from '../../../scenarios/netem/index.js';
import type { NetemRunResult } from '../../netem/run-netem-scenario.js';
import { matrixFailed } from './build-matrix.js';
import { netemCells, netemCliProblem, netemPlans } from './netem-column.js';
import { NETEM_MATRIX_PROFILES, NETEM_TIMEOUT_MS, netemMatrixProfile } from './netem-profiles.js';
import { MAX_NAME_LENGTH, netemScenarioName, parseNetemScenarioName, verdictsFromNotes, verdictsNote, type NetemMatrixPlan } from './netem-scenario.js';
import { reproCommand } from './repro.js';
import { runConformanceMatrix } from './run-matrix.js';

/*
 * The netem columns need root and a netem kernel (or User-Mode Linux) and minutes: what runs here
 * is their planning and parsing, on fixtures. The real run is by hand (see the report in
 * harness/conformance/matrix/README.md).
 */
process.env['AERONET_CLI'] = inject('aeronetCli');
const tmp = mkdtempSync(path.join(tmpdir(), 'aeronet-netem-matrix-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const plan = (over: Partial<NetemMatrixPlan> = {}): NetemMatrixPlan => ({ suite: 'h2', profile: 'lossy', timeoutMs: 8000, strict: false, stallLimitMs: null, filter: null, ...over });

describe('netem matrix scenario names', () => {
  it('spell the plan and read back to it: suite, profile, wait, strict, stall limit, case filter', () => {
    const plans = [
      plan(),
      plan({ suite: 'h1', profile: 'narrow', timeoutMs: 12000 }),
      plan({ strict: true, stallLimitMs: 3000, filter: ['http2/6.5.2/1', 'abuse/zero-window-stall', 'hpack'] }),
      plan({ suite: 'h1', filter: ['smuggling/cl-te/2', 'h1/chunked'] }),
    ];
    for (const p of plans) {
      const name = netemScenarioName(p);
      expect(name).toMatch(/^netem\/[a-z0-9-]+$/);
      expect(parseNetemScenarioName(name), name).toEqual(p);
    }
    expect(netemScenarioName(plans[2]!)).toBe('netem/matrix-h2-lossy-t8000-strict-s3000-f-http2-s6-d5-d2-s1-cabuse-szero-hwindow-hstall-chpack');
  });

  it('drop a filter they cannot spell or that would make the name too long (the host then keeps only the selected cases)', () => {
    expect(parseNetemScenarioName(netemScenarioName(plan({ filter: ['HTTP2/6.5'] })))!.filter).toBeNull();
    const long = Array.from({ length: 40 }, (_, k) => `http2/6.5.${k}/1`);
    const name = netemScenarioName(plan({ filter: long }));
    expect(name.length).toBeLessThanOrEqual(MAX_NAME_LENGTH);
    expect(parseNetemScenarioName(name)!.filter).toBeNull();
  });

  it('refuse names that are not a matrix plan', () => {
    for (const bad of ['netem/h1-reorder', 'netem/matrix-h3-lossy-t8000', 'netem/matrix-h1-stormy-t8000', 'netem/matrix-h1-lossy', 'netem/matrix-h1-lossy-t8000-f-h1-xchunked', 'netem/matrix-h1-lossy-t8000-f-h1-']) {
      expect(parseNetemScenarioName(bad), bad).toBeNull();
    }
  });

  it('findNetemScenario builds the scenario from its name; the list and its smoke set are unchanged', () => {
    const name = netemScenarioName(plan({ filter: ['http2/6.5'] }));
    const s = findNetemScenario(name)!;
    expect(s.name).toBe(name);
    expect(s.protocol).toBe('h2c');
    expect(s.link(undefined as never)).toEqual(netemMatrixProfile('lossy')!.link);
    expect(findNetemScenario('netem/matrix-h1-narrow-t8000')!.protocol).toBe('h1');
    expect(findNetemScenario('netem/matrix-nope')).toBeUndefined();
    expect(NETEM_SCENARIOS.some((x) => x.name.startsWith('netem/matrix-'))).toBe(false);
    expect(NETEM_SCENARIOS.filter((x) => x.smoke).map((x) => x.name)).toEqual(['netem/h1-latency-keep-alive', 'netem/h1-loss-download', 'netem/h1-zero-window-stall']);
  });

  it('plans: one per profile, the longer of 8 s and --timeout per wait, strict and the stall limit carried, no filter for the whole suite', () => {
    expect(netemPlans('h2', { profiles: NETEM_MATRIX_PROFILES, caseOptions: {}, filter: [] })).toEqual([plan(), plan({ profile: 'narrow' })]);
    expect(netemPlans('h2', { profiles: [netemMatrixProfile('lossy')!], caseOptions: { timeoutMs: 20_000, strict: true, stallLimitMs: 5000 }, filter: ['abuse'] })).toEqual([plan({ timeoutMs: 20_000, strict: true, stallLimitMs: 5000, filter: ['abuse'] })]);
    expect(netemPlans('h1', { profiles: [netemMatrixProfile('lossy')!], caseOptions: { timeoutMs: 500 }, filter: [] })[0]!.timeoutMs).toBe(NETEM_TIMEOUT_MS);
  });
});

describe('verdicts carried back in the run\'s notes', () => {
  const cases = [
    { id: 'h1/chunked/1', result: 'passed' as const, actual: 'HTTP/1.1 200' },
    { id: 'h1/chunked/2', result: 'failed' as const, actual: `no response, closed ${'x'.repeat(500)}` },
    { id: 'h1/chunked/3', result: 'skipped' as const, actual: 'needs an echo path' },
  ];
  const notes = ['     1.0 ms  link up', `  9123.4 ms  ${verdictsNote(cases)}`, '  9200.0 ms  registry back to baseline'];

  it('parse from the notes (passes without their actual, the rest clipped)', () => {
    const v = verdictsFromNotes(notes)!;
    expect(v.map((x) => [x.id, x.result])).toEqual(cases.map((c) => [c.id, c.result]));
    expect(v[0]).toEqual({ id: 'h1/chunked/1', result: 'passed' });
    expect(v[1]!.actual!.length).toBe(400);
    expect(verdictsFromNotes(['  1.0 ms  link up'])).toBeNull();
    expect(verdictsFromNotes(['  1.0 ms  conformance-verdicts [{"id": "x", "result": "maybe"}]'])).toBeNull();
    expect(verdictsFromNotes(['  1.0 ms  conformance-verdicts [{"id": "x", "res'])).toBeNull();
  });

  const result = (over: Partial<NetemRunResult>): NetemRunResult => ({
    layer: 'netem', scenario: 'netem/matrix-h1-lossy-t8000', seed: 1, ok: true, failure: null, durationMs: 90_000, backend: 'uml', kernel: '6.1.176', link: {}, commands: [], notes, serverLog: [], serverCommand: [], tls: false,
    registry: { baseline: null, final: null }, captures: { client: null, server: null, note: '' }, ...over,
  });
  const clean = [...cases.map((c) => ({ ...c, result: c.result === 'skipped' ? ('skipped' as const) : ('passed' as const) })), { id: 'h1/chunked/4', result: 'passed' as const, actual: '' }];
  const repro = (id: string, column: string, seed: number | null) => reproCommand({ suite: 'h1', caseFlags: [] }, id, column, seed);

  it('become the column\'s cells: each case\'s verdict, a failure with its --via-netem repro, a missing case failed, a clean skip skipped', () => {
    const { cells, problem } = netemCells(clean, result({}), 'netem:lossy', repro);
    expect(problem).toBeNull();
    expect(cells.get('h1/chunked/1')).toEqual({ verdict: 'passed' });
    expect(cells.get('h1/chunked/2')).toMatchObject({ verdict: 'failed', repro: 'npx aeronet conformance h1 h1/chunked/2 --via-netem lossy' });
    expect(cells.get('h1/chunked/3')).toEqual({ verdict: 'skipped', detail: 'skipped on the clean pass: needs an echo path' });
    expect(cells.get('h1/chunked/4')).toMatchObject({ verdict: 'failed', detail: 'the suite across the link did not report this case' });
  });

  it('a run whose own checks failed keeps its cells and says so; a run with no verdicts has no cells and says why', () => {
    expect(netemCells(clean, result({ ok: false, failure: { kind: 'invariant', message: 'the server still holds 1 connection' } }), 'netem:lossy', repro).problem).toBe('the run\'s own checks failed: invariant: the server still holds 1 connection');
    const none = netemCells(clean, result({ ok: false, notes: [], failure: { kind: 'error', message: 'the User-Mode Linux guest ended with status 124 (time limit)' } }), 'netem:lossy', repro);
    expect(none.cells.size).toBe(0);
    expect(none.problem).toBe('the netem run reported no verdicts: the User-Mode Linux guest ended with status 124 (time limit)');
  });
});

describe('the netem columns where they cannot run', () => {
  it('are present, skipped with the preflight\'s reason, and fail nothing', async () => {
    const progress: string[] = [];
    const m = await runConformanceMatrix('h1', {
      layers: ['netem'], profiles: [], seeds: [], filter: ['h1/chunked/1'], artifactsDir: tmp,
      netemPreflight: async () => ({ backend: null, missing: ['root: namespaces, veth pairs and qdiscs need it'] }),
      onProgress: (l) => progress.push(l),
    });
    expect(m.columns.map((c) => [c.id, c.skipReason])).toEqual([
      ['clean', null],
      ['netem:lossy', 'no netem backend here: root: namespaces, veth pairs and qdiscs need it'],
      ['netem:narrow', 'no netem backend here: root: namespaces, veth pairs and qdiscs need it'],
    ]);
    expect(m.columns[1]!.detail).toContain('2 % loss and 20 % reordering over 15 ms delay');
    expect(Object.keys(m.rows[0]!.cells)).toEqual(['clean']);
    expect(matrixFailed(m)).toBe(false);
    expect(progress).toContain('netem: skipped: no netem backend here: root: namespaces, veth pairs and qdiscs need it');
  }, 30_000);

  it('say so when the built CLI is missing or predates the matrix (the guest runs the build)', () => {
    expect(netemCliProblem(path.join(tmp, 'nope', 'aeronet.js'))).toMatch(/^no built CLI at .*nope\/aeronet\.js \(npm run build\)$/);
    const old = path.join(tmp, 'old', 'dist', 'cli');
    mkdirSync(old, { recursive: true });
    writeFileSync(path.join(old, 'aeronet.js'), '');
    expect(netemCliProblem(path.join(old, 'aeronet.js'))).toMatch(/predates the conformance matrix .*: npm run build$/);
    expect(netemCliProblem()).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import { faultProfile, type FaultedResult, type FaultProfileSpec, type FaultsOutcome } from '../faults.js';
import { assembleMatrix, cleanColumn, matrixFailed, simColumns, type CleanCase, type ColumnResult } from './build-matrix.js';
import { renderMatrixText } from './render-matrix-text.js';
import { reproCommand } from './repro.js';

const spec = (name: string): FaultProfileSpec => faultProfile(name)!;
const repro = (id: string, column: string, seed: number | null) => reproCommand({ suite: 'h2', caseFlags: ['--strict'] }, id, column, seed);

/*
 * A synthetic run: four cases, three profiles. 'steady' passes everywhere; 'fragile' passes clean
 * and fails under byte at seeds 2 and 3; 'broken' fails clean (and under faults too); 'big' ran
 * choppy in byte's place; 'skip' was skipped clean.
 */
const clean: CleanCase[] = [
  { id: 'http2/1/1', title: 'steady', result: 'passed', actual: 'ok' },
  { id: 'http2/1/2', title: 'fragile', result: 'passed', actual: 'ok' },
  { id: 'http2/1/3', title: 'broken', result: 'failed', expected: 'GOAWAY', actual: 'nothing within 2000 ms' },
  { id: 'http2/1/4', title: 'big', result: 'passed', actual: 'ok' },
  { id: 'http2/1/5', title: 'skip', result: 'skipped', actual: 'strict mode only (--strict)' },
];
const ok = (profile: string, seed: number | null, extra: Partial<FaultedResult> = {}): FaultedResult => ({ profile, seed, result: 'passed', actual: 'ok', ...extra });
const bad = (profile: string, seed: number | null, actual: string, extra: Partial<FaultedResult> = {}): FaultedResult => ({ profile, seed, result: 'failed', actual, ...extra });
const outcome: FaultsOutcome<CleanCase> = {
  clean,
  faulted: new Map([
    ['http2/1/1', [ok('choppy', 1), ok('choppy', 2), ok('choppy', 3), ok('byte', 1), ok('byte', 2), ok('byte', 3), ok('splits', null, { actual: 'passed at all 40 split points', splitPoints: { tried: 40, failed: [] } })]],
    ['http2/1/2', [ok('choppy', 1), ok('choppy', 2), ok('choppy', 3), ok('byte', 1), bad('byte', 2, 'RST_STREAM instead of a response'), bad('byte', 3, 'closed'), bad('splits', null, 'failed at 2 of 40 split points (9-10); at 9: closed', { splitPoints: { tried: 40, failed: [9, 10] } })]],
    ['http2/1/3', [bad('choppy', 1, 'nothing'), bad('choppy', 2, 'nothing'), bad('choppy', 3, 'nothing'), bad('byte', 1, 'nothing'), bad('byte', 2, 'nothing'), bad('byte', 3, 'nothing'), ok('splits', null, { splitPoints: { tried: 10, failed: [] } })]],
    ['http2/1/4', [ok('choppy', 1), ok('choppy', 2), ok('choppy', 3), ok('choppy', 1, { insteadOf: 'byte' }), bad('choppy', 2, 'a DATA frame too many', { insteadOf: 'byte' }), ok('choppy', 3, { insteadOf: 'byte' }), ok('choppy', 1, { insteadOf: 'splits' }), ok('choppy', 2, { insteadOf: 'splits' }), ok('choppy', 3, { insteadOf: 'splits' })]],
  ]),
  passCleanFailFaults: ['http2/1/2', 'http2/1/4'],
  runs: [],
  profiles: [spec('choppy'), spec('byte'), spec('splits')],
  seeds: [1, 2, 3],
  splitLimit: 1024,
};

describe('the matrix from a FaultsOutcome', () => {
  const columns = [cleanColumn(clean, repro), ...simColumns(outcome, repro)];
  const matrix = assembleMatrix('h2', clean, columns);

  it('has a clean column and one per profile, with the profile\'s summary and seeds (none for splits)', () => {
    expect(matrix.columns.map((c) => [c.id, c.layer, c.label, c.seeds, c.skipReason])).toEqual([
      ['clean', 'clean', 'clean', [], null],
      ['sim:choppy', 'sim', 'choppy', [1, 2, 3], null],
      ['sim:byte', 'sim', 'byte', [1, 2, 3], null],
      ['sim:splits', 'sim', 'splits', [], null],
    ]);
    expect(matrix.columns[2]!.detail).toBe(spec('byte').summary);
    expect(matrix.rows.map((r) => r.title)).toEqual(['steady', 'fragile', 'broken', 'big', 'skip']);
  });

  it('lists a case that passes clean and fails under a fault, with its first failing seed and a repro for exactly that', () => {
    expect(matrix.breaksOnlyUnderFaults).toEqual([
      { id: 'http2/1/2', column: 'sim:byte', seed: 2, detail: 'seed 2 (failed seeds 2, 3 of 3): RST_STREAM instead of a response', repro: 'npx aeronet conformance h2 http2/1/2 --strict --faults byte --seed 2' },
      { id: 'http2/1/2', column: 'sim:splits', seed: null, detail: 'failed at 2 of 40 split points (9-10); at 9: closed', repro: 'npx aeronet conformance h2 http2/1/2 --strict --faults splits' },
      // The run in byte's place is byte's cell; its repro asks for byte, which runs choppy for it again.
      { id: 'http2/1/4', column: 'sim:byte', seed: 2, detail: 'ran as choppy (larger than byte takes); seed 2 (1 of 3 seeds failed): a DATA frame too many', repro: 'npx aeronet conformance h2 http2/1/4 --strict --faults byte --seed 2' },
    ]);
  });

  it('a case that fails clean is not a fault\'s finding, but its cells fail (exit 1) and its clean cell has a repro', () => {
    const broken = matrix.rows.find((r) => r.id === 'http2/1/3')!;
    expect(broken.cells['clean']).toEqual({ verdict: 'failed', detail: 'nothing within 2000 ms', repro: 'npx aeronet conformance h2 http2/1/3 --strict --faults choppy --seed 1' });
    expect(broken.cells['sim:choppy']).toMatchObject({ verdict: 'failed', seed: 1 });
    expect(matrix.breaksOnlyUnderFaults.some((f) => f.id === 'http2/1/3')).toBe(false);
    expect(matrixFailed(matrix)).toBe(true);
  });

  it('passing cells say what ran; cases skipped clean are skipped everywhere, with the reason', () => {
    const steady = matrix.rows[0]!;
    expect(steady.cells).toEqual({ clean: { verdict: 'passed' }, 'sim:choppy': { verdict: 'passed', detail: '3 seeds' }, 'sim:byte': { verdict: 'passed', detail: '3 seeds' }, 'sim:splits': { verdict: 'passed', detail: '40 split points' } });
    expect(matrix.rows[3]!.cells['sim:splits']).toEqual({ verdict: 'passed', detail: '3 seeds, ran as choppy (larger than splits takes)' });
    const skip = matrix.rows[4]!;
    expect(Object.values(skip.cells).map((c) => c.verdict)).toEqual(['skipped', 'skipped', 'skipped', 'skipped']);
    expect(skip.cells['sim:byte']!.detail).toBe('skipped on the clean pass: strict mode only (--strict)');
  });

  it('a column that could not run keeps its place and its reason, and has no cells', () => {
    const netem: ColumnResult = { column: { id: 'netem:lossy', layer: 'netem', label: 'nm:lossy', detail: 'loss', seeds: [], skipReason: 'no netem backend here: root' }, cells: new Map([['http2/1/1', { verdict: 'failed' }]]) };
    const m = assembleMatrix('h2', clean, [...columns, netem]);
    expect(m.columns.at(-1)).toMatchObject({ id: 'netem:lossy', skipReason: 'no netem backend here: root' });
    expect(m.rows.every((r) => !('netem:lossy' in r.cells))).toBe(true);
    expect(m.breaksOnlyUnderFaults).toEqual(matrix.breaksOnlyUnderFaults);
    expect(renderMatrixText(m)).toContain('netem:lossy  skipped: no netem backend here: root');
  });

  it('a failure where the column\'s baseline fails too is not blamed on the fault', () => {
    const cells = (verdicts: Record<string, 'passed' | 'failed'>) => new Map(Object.entries(verdicts).map(([id, v]) => [id, v === 'failed' ? { verdict: v, seed: 1, detail: 'x', repro: 'r' } : { verdict: v }] as const));
    const none: ColumnResult = { column: { id: 'proxy:none', layer: 'proxy', label: 'px:none', detail: '', seeds: [1], skipReason: null }, cells: cells({ 'http2/1/1': 'failed', 'http2/1/2': 'passed' }) };
    const latency: ColumnResult = { column: { id: 'proxy:latency', layer: 'proxy', label: 'px:latency', detail: '', seeds: [1], skipReason: null }, cells: cells({ 'http2/1/1': 'failed', 'http2/1/2': 'failed' }) };
    const m = assembleMatrix('h2', clean.slice(0, 2), [cleanColumn(clean.slice(0, 2), repro), none, latency], { baselines: { 'proxy:latency': 'proxy:none' } });
    expect(m.breaksOnlyUnderFaults.map((f) => `${f.id} ${f.column}`)).toEqual(['http2/1/1 proxy:none', 'http2/1/2 proxy:latency']);
    expect(renderMatrixText(m)).toContain('Fail in a column and in its baseline too (not counted as a fault\'s): 1\n  ✗ http2/1/1 under proxy:latency');
  });

  it('renders differing cases only, the totals, and each finding with its repro', () => {
    const text = renderMatrixText(matrix);
    expect(text).toContain('Conformance x faults matrix, h2: 5 cases x 4 columns');
    expect(text).toMatch(/sim:byte {4}1 passed, 3 failed, 1 skipped/);
    // The case failing clean differs too: it passes under splits.
    expect(text).toContain('Cases that differ from clean: 3\n  case       clean  choppy  byte  splits\n  http2/1/2  ✓      ✓       ✗     ✗\n  http2/1/3  ✗      ✗       ✗     ✓\n  http2/1/4  ✓      ✓       ✗     ✓\n');
    expect(text).not.toMatch(/^ {2}http2\/1\/1 /m);
    expect(text).toContain('  ✗ http2/1/2 under sim:byte seed 2: seed 2 (failed seeds 2, 3 of 3): RST_STREAM instead of a response\n    repro: npx aeronet conformance h2 http2/1/2 --strict --faults byte --seed 2');
    expect(text).toContain('Fail clean: 1\n  ✗ http2/1/3: nothing within 2000 ms');
    expect(text.trimEnd().split('\n').pop()).toBe('5 cases, 4 of 4 columns ran, 6 failed cells, 3 pass clean and fail only under faults');
  });
});

describe('reproCommand', () => {
  it('spells each layer\'s repro, with the case flags and, for splits, a non-default split limit', () => {
    const ctx = { suite: 'h1' as const, caseFlags: ['--timeout', '5000', '--path', '/a b'], splitLimit: 2048 };
    expect(reproCommand(ctx, 'h1/chunked/4', 'sim:choppy', 3)).toBe('npx aeronet conformance h1 h1/chunked/4 --timeout 5000 --path "/a b" --faults choppy --seed 3');
    expect(reproCommand(ctx, 'h1/chunked/4', 'sim:splits', null)).toBe('npx aeronet conformance h1 h1/chunked/4 --timeout 5000 --path "/a b" --faults splits --split-limit 2048');
    expect(reproCommand(ctx, 'h1/chunked/4', 'proxy:slicer', 1)).toBe('npx aeronet conformance h1 h1/chunked/4 --timeout 5000 --path "/a b" --via-proxy slicer --seed 1');
    expect(reproCommand(ctx, 'h1/chunked/4', 'netem:lossy', null)).toBe('npx aeronet conformance h1 h1/chunked/4 --timeout 5000 --path "/a b" --via-netem lossy');
  });
});

import { describe, expect, it } from 'vitest';
import { mergeReports } from './merge-reports.js';
import type { RunReport } from './report-model.js';

function shard(index: number, count: number, runs: RunReport['runs'], netemSkipped: boolean): RunReport {
  const per = (layer: 'sim' | 'netem') => runs.filter((r) => r.layer === layer);
  return {
    tool: 'aeronet', version: '0.1.0', gitCommit: 'abc', startedAt: `2026-12-03T10:0${index}:00.000Z`, command: `aeronet run --layer all --shard ${index}/${count}`, shard: { index, count },
    layers: [
      { layer: 'sim', status: 'ran', skipReason: null, scenarios: per('sim').length, seeds: 1, runs: per('sim').length, passed: per('sim').filter((r) => r.verdict === 'passed').length, failed: per('sim').filter((r) => r.verdict === 'failed').length, durationMs: 10, notes: [] },
      { layer: 'netem', status: netemSkipped ? 'skipped' : 'ran', skipReason: netemSkipped ? 'not root' : null, scenarios: per('netem').length, seeds: 1, runs: netemSkipped ? 0 : per('netem').length, passed: 0, failed: 0, durationMs: 0, notes: ['backend uml'] },
    ],
    runs,
    matrices: [],
  };
}

const run = (layer: 'sim' | 'netem', scenario: string, verdict: 'passed' | 'failed' | 'skipped', artifactDir: string | null = null) => ({ layer, scenario, seed: 1, verdict, durationMs: 1, failure: null, artifactDir, replay: `r ${scenario}` });

describe('merging shard reports', () => {
  const a = shard(1, 2, [run('sim', 'h1/a', 'failed', '../sim/h1__a-1'), run('netem', 'netem/x', 'skipped')], true);
  const b = shard(2, 2, [run('sim', 'h1/b', 'passed'), run('netem', 'netem/y', 'passed')], false);

  it('sums each layer, keeps layer order and rebases artifact paths to the merged folder', () => {
    const m = mergeReports([{ dir: '/ci/s2/report', report: b }, { dir: '/ci/s1/report', report: a }], '/ci/merged');
    expect(m.shard).toBeNull();
    expect(m.command).toBe('merged from 2 shard(s): aeronet run --layer all');
    expect(m.startedAt).toBe('2026-12-03T10:01:00.000Z');
    expect(m.layers.map((l) => [l.layer, l.status, l.runs, l.failed, l.skipReason])).toEqual([['sim', 'ran', 2, 1, null], ['netem', 'ran', 1, 0, 'not root']]);
    expect(m.layers[1]!.notes).toEqual(['backend uml']);
    expect(m.runs.map((r) => r.scenario)).toEqual(['h1/b', 'h1/a', 'netem/y', 'netem/x']);
    expect(m.runs.find((r) => r.scenario === 'h1/a')!.artifactDir).toBe('../s1/sim/h1__a-1');
  });

  it('refuses a missing or repeated shard, mixed commits and mixed shard counts', () => {
    expect(() => mergeReports([{ dir: '/x', report: a }], '/m')).toThrow(/the shards must be 1\.\.2, each once; got 1/);
    expect(() => mergeReports([{ dir: '/x', report: a }, { dir: '/y', report: a }], '/m')).toThrow(/got 1, 1/);
    expect(() => mergeReports([{ dir: '/x', report: a }, { dir: '/y', report: { ...b, gitCommit: 'def' } }], '/m')).toThrow(/different commits/);
    expect(() => mergeReports([{ dir: '/x', report: a }, { dir: '/y', report: { ...b, shard: { index: 2, count: 3 } } }], '/m')).toThrow(/different shard counts/);
    expect(() => mergeReports([], '/m')).toThrow(/nothing to merge/);
  });
});

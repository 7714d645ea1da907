import { describe, expect, it } from 'vitest';
import type { Layer, LayerScenario } from './layer.js';
import { runLayers } from './run-layers.js';
import { buildReport } from '../report/build-report.js';
import { renderRunJunit } from '../report/junit.js';

const scenarios = (prefix: string, n: number): LayerScenario[] => Array.from({ length: n }, (_, i) => ({ name: `${prefix}/s${i}`, description: '' }));

function fakeLayer(name: Layer['name'], opts: { unavailable?: string; failOn?: string; throwAfter?: number }): Layer {
  const list = scenarios(name, 3);
  return {
    name,
    defaultSeeds: 1,
    scenarios: list,
    selftests: [],
    find: (n) => list.find((s) => s.name === n),
    unavailable: async () => opts.unavailable ?? null,
    async run(request) {
      let k = 0;
      for (const s of request.scenarios) for (const seed of request.seeds) {
        if (opts.throwAfter !== undefined && k++ >= opts.throwAfter) throw new Error('guest died');
        const ok = s.name !== opts.failOn;
        request.onVerdict({ layer: name, scenario: s.name, seed, ok, failure: ok ? null : { kind: 'invariant', message: 'connections left open: 1' }, durationMs: 5, artifactDir: ok ? null : `/tmp/arts/${s.name.replace('/', '__')}-${seed}`, replay: `replay ${s.name} ${seed}` });
      }
      return { label: `${name} layer (fake)`, notes: ['a note'] };
    },
  };
}

describe('runLayers', () => {
  it('runs each layer in order, reports skipped layers with the reason, and turns a crash into failures', async () => {
    const sim = fakeLayer('sim', { failOn: 'sim/s1' });
    const proxy = fakeLayer('proxy', { throwAfter: 2 });
    const netem = fakeLayer('netem', { unavailable: 'no netem backend: not root' });
    const ends: string[] = [];
    const result = await runLayers(
      [sim, proxy, netem].map((layer) => ({ layer, scenarios: layer.scenarios, seeds: [1, 2] })),
      { artifactsDir: '/tmp/arts', layerOptions: {}, onLayerEnd: (s, label) => ends.push(`${label}: ${s.status} ${s.runs}/${s.failed}`) },
    );
    expect(ends).toEqual(['sim layer (fake): ran 6/2', 'proxy layer: ran 6/4', 'netem layer: skipped 0/0']);
    expect(result.summaries.map((s) => s.status)).toEqual(['ran', 'ran', 'skipped']);
    expect(result.summaries[2]!.skipReason).toBe('no netem backend: not root');
    expect(result.skipped).toHaveLength(6);
    // The proxy layer reported 2 runs before it threw: the other 4 are failures carrying the error.
    const crashed = result.verdicts.filter((v) => v.layer === 'proxy' && !v.ok);
    expect(crashed).toHaveLength(4);
    expect(crashed[0]!.failure!.message).toMatch(/the proxy layer stopped: guest died/);
    expect(crashed[0]!.replay).toMatch(/^npx aeronet run --layer proxy --scenario proxy\/s1 --seed 1$/);
    expect(result.summaries[1]!.notes[0]).toMatch(/guest died/);

    const report = buildReport({ result, reportDir: '/tmp/arts/report', startedAt: new Date(0), command: 'aeronet run --layer all', shard: null });
    expect(report.runs).toHaveLength(18);
    expect(report.runs.map((r) => r.layer)).toEqual([...Array(6).fill('sim'), ...Array(6).fill('proxy'), ...Array(6).fill('netem')]);
    const failedSim = report.runs.find((r) => r.layer === 'sim' && r.verdict === 'failed')!;
    expect(failedSim).toMatchObject({ scenario: 'sim/s1', seed: 1, artifactDir: '../sim__s1-1', replay: 'replay sim/s1 1' });
    expect(report.runs.filter((r) => r.verdict === 'skipped').every((r) => r.failure?.message === 'no netem backend: not root')).toBe(true);

    const junit = renderRunJunit(report);
    expect(junit).toContain('<testsuites name="aeronet run" tests="18" failures="6" errors="0" skipped="6"');
    expect(junit).toContain('<testsuite name="netem layer" tests="6" failures="0" errors="0" skipped="6"');
    expect(junit).toContain('<property name="skipped" value="no netem backend: not root"/>');
    expect(junit).toMatch(/<testcase name="sim\/s1 seed 1" classname="aeronet\.sim\.sim" time="0\.005">\n {6}<failure message="invariant: connections left open: 1" type="invariant">[^<]*replay:   replay sim\/s1 1/);
    expect(junit.match(/<testcase /g)).toHaveLength(18);
  });

  it('a layer with nothing to run (its shard is empty) is not asked whether it can run', async () => {
    let asked = false;
    const layer = { ...fakeLayer('netem', {}), unavailable: async () => { asked = true; return 'x'; } };
    const result = await runLayers([{ layer, scenarios: [], seeds: [1] }], { artifactsDir: '/tmp', layerOptions: {} });
    expect(asked).toBe(false);
    expect(result.summaries[0]).toMatchObject({ status: 'ran', runs: 0 });
  });
});

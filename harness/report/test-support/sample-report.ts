import path from 'node:path';
import type { RunRecord, RunReport } from '../report-model.js';
import { writeNetemFolder, writeProxyFolder, writeSimFolder } from '../timeline/test-support/synth-folders.js';

/** A scenario name a peer could send: markup that must come out as text. */
export const EVIL_SCENARIO = 'h1/<img src=x onerror=alert(1)>&"quoted"';

/**
 * A report of eight runs over the three layers (three failures with artifact folders written
 * into `dir`, one failure named like markup, passes and a skip), a skipped layer, and one h2
 * conformance matrix: what renderHtmlReport is tested on, with and without a browser.
 */
export function sampleReport(dir: string): RunReport {
  writeSimFolder(path.join(dir, 'artifacts', 'sim'));
  writeProxyFolder(path.join(dir, 'artifacts', 'proxy'));
  writeNetemFolder(path.join(dir, 'artifacts', 'netem'));
  const run = (layer: RunRecord['layer'], scenario: string, seed: number, verdict: RunRecord['verdict'], artifactDir: string | null, failure: RunRecord['failure'] = null): RunRecord => ({
    layer, scenario, seed, verdict, durationMs: 40 + seed, failure, artifactDir, replay: `npx aeronet run --layer ${layer} --scenario ${scenario} --seed ${seed}`,
  });
  return {
    tool: 'aeronet',
    version: '0.1.0',
    gitCommit: '0123456789abcdef0123456789abcdef01234567',
    startedAt: '2026-12-03T12:00:00.000Z',
    command: 'aeronet run --layer all --report out',
    shard: null,
    layers: [
      { layer: 'sim', status: 'ran', skipReason: null, scenarios: 3, seeds: 2, runs: 4, passed: 2, failed: 2, durationMs: 900, notes: [] },
      { layer: 'proxy', status: 'ran', skipReason: null, scenarios: 2, seeds: 1, runs: 2, passed: 1, failed: 1, durationMs: 3200, notes: ['aeronet proxy, seeded'] },
      { layer: 'netem', status: 'skipped', skipReason: 'needs root <and> a kernel with netem', scenarios: 0, seeds: 0, runs: 0, passed: 0, failed: 0, durationMs: 0, notes: [] },
    ],
    runs: [
      run('sim', 'h1/hello-keep-alive', 1, 'passed', null),
      run('sim', 'test/sim-synth', 3, 'failed', 'artifacts/sim', { kind: 'invariant', message: 'response bytes differ after the stall' }),
      run('sim', 'h2/frames-coalesced', 2, 'passed', null),
      run('sim', EVIL_SCENARIO, 4, 'failed', null, { kind: 'expectation', message: '<script>document.title="pwned"</script>' }),
      run('proxy', 'proxy/synth', 2, 'failed', 'artifacts/proxy', { kind: 'expectation', message: 'GET /big: did not complete: aborted' }),
      run('proxy', 'proxy/h1-slicer-one-byte', 1, 'passed', null),
      run('netem', 'netem/synth', 1, 'failed', 'artifacts/netem', { kind: 'expectation', message: 'lossy: incomplete' }),
      run('netem', 'netem/h1-latency-keep-alive', 1, 'skipped', null),
    ],
    matrices: [{
      suite: 'h2',
      columns: [
        { id: 'clean', layer: 'clean', label: 'clean', detail: 'no faults', seeds: [], skipReason: null },
        { id: 'sim:choppy', layer: 'sim', label: 'sim: choppy', detail: 'segments of 1-14 B', seeds: [1, 2, 3], skipReason: null },
        { id: 'netem:lossy', layer: 'netem', label: 'netem: lossy', detail: 'loss 2 %', seeds: [], skipReason: 'no root' },
      ],
      rows: [
        { id: 'http2/6.5.3/1', title: 'SETTINGS ACK', cells: { clean: { verdict: 'passed' }, 'sim:choppy': { verdict: 'passed' } } },
        { id: 'http2/6.9.1/2', title: 'window overflow', cells: { clean: { verdict: 'passed' }, 'sim:choppy': { verdict: 'failed', seed: 2, detail: 'no GOAWAY within 2 s', repro: 'npx aeronet conformance h2 --faults choppy --seeds 3 http2/6.9.1/2' } } },
      ],
      breaksOnlyUnderFaults: [{ id: 'http2/6.9.1/2', column: 'sim:choppy', seed: 2, detail: 'no GOAWAY within 2 s', repro: 'npx aeronet conformance h2 --faults choppy --seeds 3 http2/6.9.1/2' }],
    }],
  };
}

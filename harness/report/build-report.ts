import path from 'node:path';
import { gitCommit, packageVersion } from '../artifacts/artifact-folder.js';
import type { LayerVerdict } from '../runner/layer.js';
import type { RunLayersResult } from '../runner/run-layers.js';
import { replayCommand } from '../runner/replay-command.js';
import type { ConformanceMatrix, RunRecord, RunReport } from './report-model.js';

export interface BuildReportInput {
  result: RunLayersResult;
  /** Where the report goes: artifact paths are written relative to it. */
  reportDir: string;
  startedAt: Date;
  command: string;
  shard: RunReport['shard'];
  matrices?: ConformanceMatrix[];
}

/** The run as report.json's model: every scenario x seed x layer that ran or was skipped, in run order. */
export function buildReport(input: BuildReportInput): RunReport {
  const runs: RunRecord[] = input.result.verdicts.map((v) => record(v, input.reportDir));
  for (const s of input.result.skipped) {
    runs.push({ layer: s.layer, scenario: s.scenario, seed: s.seed, verdict: 'skipped', durationMs: 0, failure: { kind: 'skipped', message: s.reason }, artifactDir: null, replay: replayCommand(s.layer, s.scenario, s.seed) });
  }
  const order = new Map(input.result.summaries.map((s, i) => [s.layer, i]));
  runs.sort((a, b) => order.get(a.layer)! - order.get(b.layer)!);
  return {
    tool: 'aeronet',
    version: packageVersion(),
    gitCommit: gitCommit(),
    startedAt: input.startedAt.toISOString(),
    command: input.command,
    shard: input.shard,
    layers: input.result.summaries,
    runs,
    matrices: input.matrices ?? [],
  };
}

function record(v: LayerVerdict, reportDir: string): RunRecord {
  return {
    layer: v.layer,
    scenario: v.scenario,
    seed: v.seed,
    verdict: v.ok ? 'passed' : 'failed',
    durationMs: Math.round(v.durationMs * 1000) / 1000,
    failure: v.failure,
    // Relative to the report, so the two can move together (a CI upload of artifacts/).
    artifactDir: v.artifactDir === null ? null : path.relative(reportDir, v.artifactDir) || '.',
    replay: v.replay,
  };
}

/** A report that is one conformance x faults matrix and no layer runs (`conformance ... --matrix --report DIR`). */
export function matrixReport(matrix: ConformanceMatrix, startedAt: Date, command: string): RunReport {
  return { tool: 'aeronet', version: packageVersion(), gitCommit: gitCommit(), startedAt: startedAt.toISOString(), command, shard: null, layers: [], runs: [], matrices: [matrix] };
}

import { createHash } from 'node:crypto';
import type { Scenario } from './scenario.js';
import { runScenario, type ScenarioResult } from './run-scenario.js';
import { writeArtifact } from '../artifacts/write-artifact.js';

export interface LayerRunOptions {
  scenarios: readonly Scenario[];
  /** Explicit seeds, or a count starting at 1. */
  seeds: readonly number[];
  artifactsDir: string;
  /** Called once per scenario and seed as results arrive. */
  onResult?: (result: ScenarioResult, artifactDir: string | null) => void;
}

export interface LayerRunSummary {
  runs: number;
  failed: ScenarioResult[];
  /** Hash over every run's trace hash in order: one value for the whole run. */
  traceHash: string;
}

/** Run scenarios × seeds on the sim layer; write an artifact for each failure. */
export async function runSimLayer(options: LayerRunOptions): Promise<LayerRunSummary> {
  const hash = createHash('sha256');
  const failed: ScenarioResult[] = [];
  let runs = 0;
  for (const scenario of options.scenarios) {
    for (const seed of options.seeds) {
      const result = await runScenario(scenario, seed);
      runs++;
      hash.update(`${scenario.name} ${seed} ${result.traceHash}\n`);
      let dir: string | null = null;
      if (!result.ok) {
        failed.push(result);
        dir = writeArtifact(result, options.artifactsDir);
      }
      options.onResult?.(result, dir);
    }
  }
  return { runs, failed, traceHash: hash.digest('hex') };
}

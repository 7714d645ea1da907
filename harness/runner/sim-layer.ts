import type { Scenario } from './scenario.js';
import type { Layer, LayerScenarios } from './layer.js';
import { runScenario } from './run-scenario.js';
import { writeArtifact } from '../artifacts/write-artifact.js';
import { replayCommand } from './replay-command.js';

/** The sim layer: TestSocket on virtual time, in this process; it can always run. */
export function simLayer(list: LayerScenarios<Scenario>): Layer {
  return {
    name: 'sim',
    ...list,
    unavailable: async () => null,
    async run(request) {
      for (const entry of request.scenarios) {
        const scenario = list.find(entry.name);
        if (scenario === undefined) throw new Error(`unknown sim scenario ${entry.name}`);
        for (const seed of request.seeds) {
          const started = performance.now();
          const result = await runScenario(scenario, seed);
          const durationMs = performance.now() - started;
          const artifactDir = result.ok ? null : writeArtifact(result, request.artifactsDir);
          request.onVerdict({ layer: 'sim', scenario: result.scenario, seed, ok: result.ok, failure: result.failure, durationMs, artifactDir, replay: replayCommand('sim', result.scenario, seed), traceHash: result.traceHash });
        }
      }
      return { label: 'sim layer', notes: [] };
    },
  };
}

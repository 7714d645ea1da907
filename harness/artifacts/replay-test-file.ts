import path from 'node:path';
import type { FaultOverrides } from '../sim/sim.js';

/**
 * A standalone vitest file that replays a (shrunk) failing run. It asserts the scenario passes,
 * so it is red while the bug is there and turns green once it is fixed: copy it into the suite
 * as a regression test. Imports are relative from `dir` to the repository's sources.
 */
export function replayTestFile(dir: string, repoRoot: string, scenario: string, seed: number, overrides: FaultOverrides, failure: string): string {
  const rel = (p: string) => {
    const r = path.relative(dir, path.join(repoRoot, p)).split(path.sep).join('/');
    return r.startsWith('.') ? r : `./${r}`;
  };
  return `// Replays ${scenario} seed ${seed} with the shrunk fault schedule below.
// Recorded failure: ${failure.split('\n')[0]}
// Run: npx vitest run -c vitest.replay.config.ts ${path.relative(repoRoot, path.join(dir, 'replay.test.ts')).split(path.sep).join('/')}
import { expect, it } from 'vitest';
import { runScenario } from '${rel('harness/runner/run-scenario.js')}';
import { findScenario } from '${rel('scenarios/index.js')}';

const OVERRIDES = ${JSON.stringify(overrides, null, 2)};

it('${scenario} seed ${seed} passes with the shrunk fault schedule', async () => {
  const scenario = findScenario('${scenario}');
  expect(scenario, 'scenario exists').toBeDefined();
  const result = await runScenario(scenario!, ${seed}, OVERRIDES);
  expect(result.failure).toBeNull();
});
`;
}

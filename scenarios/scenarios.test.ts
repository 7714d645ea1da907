import { describe, expect, it } from 'vitest';
import { ALL_SCENARIOS, findScenario, isSelftest } from './index.js';
import { runScenario } from '../harness/runner/run-scenario.js';
import { firstDivergence } from '../harness/sim/trace.js';

/** Seeds per scenario in the PR gate (the CLI's default is the same). */
const SEEDS = Number(process.env['AERONET_SIM_SEEDS'] ?? 50);

describe('sim layer scenarios', () => {
  for (const scenario of ALL_SCENARIOS.filter((s) => !isSelftest(s))) {
    it(`${scenario.name} passes for ${SEEDS} seeds`, async () => {
      const failures: string[] = [];
      for (let seed = 1; seed <= SEEDS; seed++) {
        const result = await runScenario(scenario, seed);
        if (!result.ok) failures.push(`seed ${seed}: ${result.failure!.kind}: ${result.failure!.message}\n  replay: npx aeronet run --layer sim --scenario ${scenario.name} --seed ${seed}`);
      }
      expect(failures, failures.join('\n')).toEqual([]);
    });

    it(`${scenario.name} is deterministic: its first seed twice gives one trace`, async () => {
      const a = await runScenario(scenario, 1);
      const b = await runScenario(scenario, 1);
      const diverge = firstDivergence(a.trace, b.trace);
      expect(diverge, diverge ? `first diverging event #${diverge.index}:\n  run 1: ${diverge.a}\n  run 2: ${diverge.b}` : '').toBeNull();
      expect(a.traceHash).toBe(b.traceHash);
    });
  }

  it('the selftest scenario fails, as it must, with an expectation failure', async () => {
    const result = await runScenario(findScenario('selftest/always-fails')!, 3);
    expect(result.ok).toBe(false);
    expect(result.failure).toMatchObject({ kind: 'expectation' });
    expect(result.failure!.message).toMatch(/expected 418, got 200/);
  });
});

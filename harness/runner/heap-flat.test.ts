import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { expect, it } from 'vitest';
import { findScenario } from '../../scenarios/index.js';
import { runScenario } from './run-scenario.js';

v8.setFlagsFromString('--expose_gc');
const gc = runInNewContext('gc') as () => void;

function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/**
 * No leaks (issue 3): the heap stays flat across 1,000 seeded runs of a scenario. Each run
 * creates a server, a simulated connection and a dozen exchanges; if any of it stayed reachable
 * (a registry entry, a timer, a listener), 800 further runs would grow the heap by megabytes.
 */
it('the heap stays flat across 1,000 seeded iterations', async () => {
  const scenario = findScenario('h1/pipelined-echo-order')!;
  for (let seed = 1; seed <= 200; seed++) expect((await runScenario(scenario, seed)).ok).toBe(true);
  const baseline = heapAfterGc();
  for (let seed = 201; seed <= 1000; seed++) {
    const result = await runScenario(scenario, seed);
    if (!result.ok) throw new Error(`seed ${seed}: ${result.failure!.message}`);
  }
  const growth = heapAfterGc() - baseline;
  // Results are dropped as we go; 800 runs of retained state would be far above this.
  expect(growth).toBeLessThan(4 * 1024 * 1024);
}, 120_000);

import type { Scenario } from '../harness/runner/scenario.js';
import helloKeepAlive from './h1/hello-keep-alive.js';
import pipelinedEchoOrder from './h1/pipelined-echo-order.js';
import alwaysFails from './selftest/always-fails.js';

/** Every scenario, in a fixed order. Names under selftest/ are excluded from normal runs. */
export const ALL_SCENARIOS: readonly Scenario[] = [helloKeepAlive, pipelinedEchoOrder, alwaysFails];

export function isSelftest(scenario: Scenario): boolean {
  return scenario.name.startsWith('selftest/');
}

export function findScenario(name: string): Scenario | undefined {
  return ALL_SCENARIOS.find((s) => s.name === name);
}

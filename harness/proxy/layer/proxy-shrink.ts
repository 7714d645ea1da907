import { failureShape } from '../../runner/failure-shape.js';
import type { ToxicSpec } from './proxy-scenario.js';
import type { ProxyScenario } from './proxy-scenario.js';
import { discardLoopbackCapture, runProxyScenario, type ProxyRunResult } from './run-proxy-scenario.js';

/**
 * Simpler values to try for each toxic attribute, most simple first: the one table shrink reads.
 * "Simpler" means a milder fault: less delay, less jitter, a wider pipe. Attributes whose value
 * changes the fault's kind (limit_data's bytes, slicer's sizes) shrink by halving toward the
 * smallest value that still makes the toxic what it is.
 */
export const SIMPLER_ATTRIBUTE: Record<string, (v: number) => number[]> = {
  latency: (v) => (v > 0 ? [0, Math.floor(v / 2)] : []),
  jitter: (v) => (v > 0 ? [0, Math.floor(v / 2)] : []),
  delay: (v) => (v > 0 ? [0, Math.floor(v / 2)] : []),
  timeout: (v) => (v > 1 ? [Math.floor(v / 2)] : []),
  // A higher rate is the milder fault; 0 would stop all data, which is not simpler.
  rate: (v) => (v > 0 && v < 1_000_000 ? [v * 4, v * 2] : []),
  bytes: (v) => (v > 0 ? [Math.floor(v / 2)] : []),
  size_variation: (v) => (v > 0 ? [0, Math.floor(v / 2)] : []),
  average_size: () => [],
};

export interface ProxyShrinkOutcome {
  toxics: ToxicSpec[];
  result: ProxyRunResult;
  steps: string[];
  attempts: number;
}

/**
 * Reduce a failing proxy run's starting toxics (the scenario's list, or a recorded override) to
 * fewer and milder ones that still fail with the same kind of failure: drop each toxic, then try
 * each attribute's simpler values. "Still fails" means the same failure: its kind and its message
 * with the numbers taken out (a run that now fails some other check has lost the bug). Every candidate is a full run (real processes, real time), so
 * the number of runs is capped. Returns null if the starting point does not fail.
 */
export async function shrinkProxyRun(scenario: ProxyScenario, seed: number, start: readonly ToxicSpec[] | null, maxAttempts = 40, env?: NodeJS.ProcessEnv): Promise<ProxyShrinkOutcome | null> {
  let toxics: ToxicSpec[] = (start ?? scenario.toxics ?? []).map((t) => ({ ...t, attributes: { ...t.attributes } }));
  let attempts = 1;
  let best = await runProxyScenario(scenario, seed, { toxics, ...(env ? { env } : {}) });
  if (best.ok) return null;
  const same = failureShape(best.failure);
  const steps: string[] = [];
  const tryToxics = async (candidate: ToxicSpec[], step: string): Promise<boolean> => {
    if (attempts >= maxAttempts) return false;
    attempts++;
    const r = await runProxyScenario(scenario, seed, { toxics: candidate, ...(env ? { env } : {}) });
    if (r.ok || failureShape(r.failure) !== same) {
      discardLoopbackCapture(r);
      return false;
    }
    discardLoopbackCapture(best);
    toxics = candidate;
    best = r;
    steps.push(step);
    return true;
  };
  for (let i = toxics.length - 1; i >= 0; i--) {
    const t = toxics[i]!;
    await tryToxics(toxics.filter((_, k) => k !== i), `removed ${t.type} (${t.stream ?? 'downstream'})`);
  }
  for (let i = 0; i < toxics.length; i++) {
    for (const [attr, value] of Object.entries(toxics[i]!.attributes)) {
      for (const simpler of SIMPLER_ATTRIBUTE[attr]?.(value) ?? []) {
        const candidate = toxics.map((t, k) => (k === i ? { ...t, attributes: { ...t.attributes, [attr]: simpler } } : t));
        if (await tryToxics(candidate, `${toxics[i]!.type}.${attr} ${value} -> ${simpler}`)) break;
      }
    }
    if (toxics[i]!.toxicity !== undefined && toxics[i]!.toxicity !== 1) {
      const candidate = toxics.map((t, k) => (k === i ? { ...t, toxicity: 1 } : t));
      await tryToxics(candidate, `${toxics[i]!.type}.toxicity ${toxics[i]!.toxicity} -> 1 (no draw)`);
    }
  }
  return { toxics, result: best, steps, attempts };
}

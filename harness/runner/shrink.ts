import type { Scenario } from './scenario.js';
import { runScenario, type ScenarioResult } from './run-scenario.js';
import type { FaultOverrides } from '../sim/sim.js';
import type { HostileFaults, LinkFaults } from '../sim/faults.js';

/** The simplest value of each fault parameter: what a perfect link would have. */
const SIMPLEST: Readonly<LinkFaults> = {
  maxSegment: 65536,
  coalesce: 0,
  latencyMs: 0,
  jitterMs: 0,
  stallChance: 0,
  stallMs: 0,
  windowBytes: 65536,
  resetAfterBytes: null,
  eagainChance: 0,
  eintrChance: 0,
  hostile: null,
};

/**
 * In the order tried: removing a whole fault first (resets, the hostile mode, stalls, syscall
 * errors), then delays, then splits.
 */
const PARAMETERS: ReadonlyArray<keyof LinkFaults> = ['resetAfterBytes', 'hostile', 'stallChance', 'eagainChance', 'eintrChance', 'jitterMs', 'latencyMs', 'coalesce', 'maxSegment', 'windowBytes'];

export interface ShrinkOutcome {
  /** The last failing run, with the smallest fault schedule found. */
  result: ScenarioResult;
  overrides: FaultOverrides;
  /** One line per simplification kept. */
  steps: string[];
  attempts: number;
}

/**
 * Reduce a failing run's fault schedule to a minimal one that still fails the same way (same
 * failure kind): parameter by parameter, try the perfect-link value, and for segment sizes also
 * intermediate ones; keep each change that still fails. Repeats until a pass changes nothing.
 * Returns null if the run does not fail in the first place.
 */
export async function shrink(scenario: Scenario, seed: number, start: FaultOverrides = {}, maxAttempts = 500): Promise<ShrinkOutcome | null> {
  let best = await runScenario(scenario, seed, start);
  if (best.ok) return null;
  const kind = best.failure!.kind;
  let overrides: FaultOverrides = structuredClone(start);
  const steps: string[] = [];
  let attempts = 1;
  const stillFails = async (candidate: FaultOverrides): Promise<ScenarioResult | null> => {
    attempts++;
    const r = await runScenario(scenario, seed, candidate);
    return !r.ok && r.failure!.kind === kind ? r : null;
  };

  let changed = true;
  while (changed && attempts < maxAttempts) {
    changed = false;
    for (const { connection } of best.faults) {
      for (const direction of ['clientToServer', 'serverToClient'] as const) {
        for (const parameter of PARAMETERS) {
          const current = best.faults.find((f) => f.connection === connection)?.[direction]?.[parameter];
          const simplest = SIMPLEST[parameter];
          if (current === undefined || current === simplest) continue;
          const values: Array<LinkFaults[keyof LinkFaults]> =
            parameter === 'maxSegment' ? segmentLadder(current as number)
            : parameter === 'hostile' ? hostileLadder(current as HostileFaults)
            : [simplest];
          for (const value of values) {
            if (attempts >= maxAttempts) break;
            const candidate = withOverride(overrides, connection, direction, parameter, value);
            const r = await stillFails(candidate);
            if (r !== null) {
              overrides = candidate;
              best = r;
              steps.push(`c${connection} ${direction}: ${parameter} ${show(current)} -> ${show(value)}`);
              changed = true;
              break;
            }
          }
        }
      }
    }
  }
  return { result: best, overrides, steps, attempts };
}

/** Bigger segments mean fewer splits: try the largest first, then halve down towards the current size. */
function segmentLadder(current: number): number[] {
  const out: number[] = [];
  for (let v = 65536; v > current; v = Math.floor(v / 2)) out.push(v);
  return out;
}

/** The hostile mode off altogether, else one of its faults off at a time (the others kept). */
function hostileLadder(current: HostileFaults): Array<HostileFaults | null> {
  const out: Array<HostileFaults | null> = [null];
  for (const fault of ['duplicate', 'reorder', 'corrupt'] as const) if (current[fault] !== 0) out.push({ ...current, [fault]: 0 });
  return out;
}

function show(value: LinkFaults[keyof LinkFaults]): string {
  return typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
}

function withOverride(base: FaultOverrides, connection: number, direction: 'clientToServer' | 'serverToClient', parameter: keyof LinkFaults, value: LinkFaults[keyof LinkFaults]): FaultOverrides {
  const next = structuredClone(base);
  const entry = (next[connection] ??= {});
  entry[direction] = { ...entry[direction], [parameter]: value };
  return next;
}

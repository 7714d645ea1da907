import type { ScenarioFailureInfo } from './run-scenario.js';

/**
 * A failure without its numbers: two real-time runs (proxy, netem) with the same shape failed
 * the same check, though timings and byte counts differ. 'ok' for a run that passed.
 */
export function failureShape(failure: ScenarioFailureInfo | { kind: string; message: string } | null): string {
  return failure === null ? 'ok' : `${failure.kind}: ${failure.message.split('\n')[0]!.replace(/[0-9]+(\.[0-9]+)?/g, 'N')}`;
}

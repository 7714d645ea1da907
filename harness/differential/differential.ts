import type { Scenario } from '../runner/scenario.js';
import { runScenario, type ScenarioResult } from '../runner/run-scenario.js';
import type { ParsedResponse } from '../http/response-parser.js';

/**
 * The differential check: one scenario, one seed, run against aeronet and against node:http
 * (harness/differential/node-demo-server.ts) over the same simulated network. Where both servers
 * meet the scenario's expectations, both are right, and then their answers must agree: the same
 * number of responses on each connection, the same statuses, and the same bodies for every
 * success (error bodies are free text, so only their status is compared).
 */
export type DifferentialVerdict =
  /** Both right, same answers. */
  | 'agree'
  /** Both right by the scenario, but they answered differently: a bug in one of them. */
  | 'differ'
  /** node:http does not meet the scenario's expectations (aeronet does). */
  | 'node-deviates'
  /** aeronet fails the scenario itself (the sim gate reports this too). */
  | 'aeronet-failed'
  /** The scenario cannot run against node:http; its reason is given. */
  | 'skipped';

export interface DifferentialResult {
  scenario: string;
  seed: number;
  verdict: DifferentialVerdict;
  detail: string;
}

export async function runDifferential(scenario: Scenario, seed: number): Promise<DifferentialResult> {
  const base = { scenario: scenario.name, seed };
  if (scenario.differential?.skip !== undefined) return { ...base, verdict: 'skipped', detail: scenario.differential.skip };
  const ours = await runScenario(scenario, seed, { target: 'aeronet' });
  if (!ours.ok) return { ...base, verdict: 'aeronet-failed', detail: describeFailure(ours) };
  const theirs = await runScenario(scenario, seed, { target: 'node:http' });
  if (!theirs.ok) return { ...base, verdict: 'node-deviates', detail: describeFailure(theirs) };
  const difference = compareResponses(ours.responses, theirs.responses);
  return difference === null
    ? { ...base, verdict: 'agree', detail: `${countResponses(ours.responses)} response(s) agree` }
    : { ...base, verdict: 'differ', detail: difference };
}

/** The first difference between two runs' observed responses, or null when they agree. */
export function compareResponses(a: ReadonlyArray<ParsedResponse[] | null>, b: ReadonlyArray<ParsedResponse[] | null>): string | null {
  if (a.length !== b.length) return `aeronet's run opened ${a.length} connection(s), node:http's ${b.length}`;
  for (let c = 0; c < a.length; c++) {
    const ra = a[c] ?? [];
    const rb = b[c] ?? [];
    if (ra.length !== rb.length) return `c${c + 1}: aeronet gave ${ra.length} response(s), node:http ${rb.length} (${statuses(ra)} vs ${statuses(rb)})`;
    for (let i = 0; i < ra.length; i++) {
      const x = ra[i]!;
      const y = rb[i]!;
      if (x.status !== y.status) return `c${c + 1} response ${i + 1}: aeronet ${x.status}, node:http ${y.status}`;
      if (x.status < 400 && !x.body.equals(y.body)) {
        return `c${c + 1} response ${i + 1} (${x.status}): bodies differ: aeronet ${x.body.length} bytes ${preview(x.body)}, node:http ${y.body.length} bytes ${preview(y.body)}`;
      }
    }
  }
  return null;
}

function statuses(list: ParsedResponse[]): string {
  return `[${list.map((r) => r.status).join(', ')}]`;
}

function preview(body: Buffer): string {
  const text = body.subarray(0, 40).toString('latin1');
  return JSON.stringify(body.length > 40 ? `${text}...` : text);
}

function countResponses(list: ReadonlyArray<ParsedResponse[] | null>): number {
  return list.reduce((n, r) => n + (r?.length ?? 0), 0);
}

function describeFailure(result: ScenarioResult): string {
  const f = result.failure!;
  return `${f.kind}: ${f.message.split('\n', 1)[0]}`;
}

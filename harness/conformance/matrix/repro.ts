import { DEFAULT_SPLIT_LIMIT } from '../faults.js';
import type { SuiteName } from './suites.js';

/*
 * The one command that re-runs one case under one column's fault, as a person types it:
 *   sim:P     npx aeronet conformance h2 ID --faults P --seed S   (splits: no seed; it is deterministic)
 *   proxy:T   npx aeronet conformance h2 ID --via-proxy T --seed S
 *   netem:P   npx aeronet conformance h2 ID --via-netem P
 *   clean     npx aeronet conformance h2 ID --faults choppy --seed 1   (its clean pass comes first)
 * plus the flags that change what the case does (--strict, --timeout, paths), so the repro runs
 * the case the matrix ran. A sim repro is exact: the case runs alone in its own world in the
 * matrix too (sim-columns.ts). A proxy repro replays the toxics' seeded draws (each case has a
 * proxy of its own, named after it); a netem repro re-creates the same link parameters.
 */

export interface ReproContext {
  suite: SuiteName;
  /** The flags that shape the cases (e.g. ['--strict', '--timeout', '5000']), already validated. */
  caseFlags: readonly string[];
  /** --split-limit when not the default: it decides which cases the splits profile cuts. */
  splitLimit?: number;
}

/** A shell word as typed: left bare when it is plain, else JSON-quoted. */
export function shellWord(s: string): string {
  return /^[\w./:=,@%+-]+$/.test(s) ? s : JSON.stringify(s);
}

export function reproCommand(ctx: ReproContext, id: string, columnId: string, seed: number | null): string {
  const [layer, name] = columnId.includes(':') ? (columnId.split(':', 2) as [string, string]) : [columnId, ''];
  let how: string[];
  if (layer === 'sim') {
    how = ['--faults', name, ...(seed !== null ? ['--seed', String(seed)] : []), ...(ctx.splitLimit !== undefined && ctx.splitLimit !== DEFAULT_SPLIT_LIMIT && name === 'splits' ? ['--split-limit', String(ctx.splitLimit)] : [])];
  } else if (layer === 'proxy') {
    how = ['--via-proxy', name, '--seed', String(seed ?? 1)];
  } else if (layer === 'netem') {
    how = ['--via-netem', name];
  } else {
    how = ['--faults', 'choppy', '--seed', '1'];
  }
  return ['npx', 'aeronet', 'conformance', ctx.suite, id, ...ctx.caseFlags, ...how].map(shellWord).join(' ');
}

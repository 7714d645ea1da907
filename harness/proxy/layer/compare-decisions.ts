import type { ToxicDecision } from '../model.js';

export type DecisionMatch =
  /** The same decisions in the same order. */
  | 'identical'
  /** The same toxicity draws; each toxic's per-chunk draws are one sequence cut at another length (the kernel delivered the bytes in a different number of reads). */
  | 'same-draws'
  | 'differ';

const key = (d: ToxicDecision): string => `${d.proxy}/${d.connection}/${d.direction}/${d.toxic}/${d.kind}`;

/**
 * Compare a replay's decisions with the recording's. Toxicity draws are made once per toxic start
 * and must match exactly; jitter and slice draws are made per chunk read from a socket, and how
 * many reads a given stream of bytes takes is up to the kernel, so there only the common prefix
 * of each toxic's sequence has to agree.
 */
export function compareDecisions(recorded: readonly ToxicDecision[], replayed: readonly ToxicDecision[]): DecisionMatch {
  const strip = (ds: readonly ToxicDecision[]) => JSON.stringify(ds.map(({ at: _at, ...rest }) => rest));
  if (strip(recorded) === strip(replayed)) return 'identical';
  const toxicity = (ds: readonly ToxicDecision[]) => strip(ds.filter((d) => d.kind === 'toxicity'));
  if (toxicity(recorded) !== toxicity(replayed)) return 'differ';
  const sequences = (ds: readonly ToxicDecision[]) => {
    const m = new Map<string, number[]>();
    for (const d of ds) if (d.kind !== 'toxicity') (m.get(key(d)) ?? m.set(key(d), []).get(key(d))!).push(d.value);
    return m;
  };
  const a = sequences(recorded);
  const b = sequences(replayed);
  for (const k of new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(k) ?? [];
    const y = b.get(k) ?? [];
    for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return 'differ';
  }
  return 'same-draws';
}

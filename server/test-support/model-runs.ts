/**
 * How many runs a model-based test makes, from which seed: the defaults for a PR run, or
 * AERONET_MODEL_RUNS / AERONET_MODEL_SEED (the nightly job runs ten times as many on a new seed).
 * A value that is not a positive integer is an error, not NaN runs that silently check nothing.
 */
export interface ModelRuns {
  runs: number;
  seed: number;
  /** A test timeout that grows with the runs (the defaults finish in about 10 s). */
  timeoutMs: number;
}

function fromEnv(name: string, fallback: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 1 || n > max) throw new Error(`${name} must be an integer from 1 to ${max}, got ${JSON.stringify(raw)}`);
  return n;
}

export function modelRuns(defaults: { runs: number; seed: number; msPerRun: number }): ModelRuns {
  const runs = fromEnv('AERONET_MODEL_RUNS', defaults.runs, 10_000_000);
  // fast-check takes a 32-bit seed.
  const seed = fromEnv('AERONET_MODEL_SEED', defaults.seed, 0x7fff_ffff);
  return { runs, seed, timeoutMs: Math.max(60_000, runs * defaults.msPerRun * 4) };
}

import { durationSeconds } from './wrk.js';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A failure that makes a benchmark's figures meaningless; printed as-is, exit 1. */
export class BenchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BenchError';
  }
}

/** The package root: the nearest ancestor with a package.json (works from bench/ and dist/bench/). */
export function packageRoot(from = import.meta.url): string {
  let dir = dirname(fileURLToPath(from));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new BenchError('cannot find the package root (no package.json above the script)');
    dir = up;
  }
}

/** The banner a run with wrk errors prints instead of figures. */
export function wrkInvalidBanner(what: string, problems: string[], raw: string): string {
  const bar = '!'.repeat(72);
  return `${bar}\nBENCHMARK INVALID: wrk saw errors against ${what}:\n  - ${problems.join('\n  - ')}\n--- wrk output ---\n${raw.trim()}\n${bar}`;
}

/** An integer flag of at least `min` (a positive integer by default). */
export function positiveIntFlag(name: string, v: string, min = 1): number {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < min) throw new BenchError(`--${name} must be ${min === 1 ? 'a positive integer' : `an integer >= ${min}`}, got ${JSON.stringify(v)}`);
  return n;
}

/** A wrk duration flag (8s, 1m; a bare number is seconds), at least a second. */
export function durationFlag(name: string, v: string): string {
  const s = durationSeconds(v);
  if (!Number.isFinite(s) || s < 1) throw new BenchError(`--${name} must be a whole duration like 8s, 1m; got ${JSON.stringify(v)}`);
  return /^\d+$/.test(v) ? `${v}s` : v;
}

/** The wrk flags the wrk benchmarks share (bench:h1, bench:proxy), with their defaults. */
export const WRK_CLI_OPTIONS = {
  connections: { type: 'string', short: 'c', default: '64' },
  duration: { type: 'string', short: 'd', default: '8s' },
  threads: { type: 'string', short: 't', default: '1' },
  runs: { type: 'string', default: '3' },
  warmup: { type: 'string', default: '2s' },
} as const;

export interface WrkSettings {
  threads: number;
  connections: number;
  duration: string;
  warmup: string;
  runs: number;
}

/** The wrk settings from parsed WRK_CLI_OPTIONS values, checked. */
export function wrkSettingsFrom(values: { threads?: string; connections?: string; duration?: string; warmup?: string; runs?: string }): WrkSettings {
  const settings: WrkSettings = {
    threads: positiveIntFlag('threads', values.threads!),
    connections: positiveIntFlag('connections', values.connections!),
    duration: durationFlag('duration', values.duration!),
    warmup: durationFlag('warmup', values.warmup!),
    runs: positiveIntFlag('runs', values.runs!),
  };
  // wrk refuses connections < threads; say so before starting anything.
  if (settings.connections < settings.threads) throw new BenchError('--connections must be >= --threads');
  return settings;
}

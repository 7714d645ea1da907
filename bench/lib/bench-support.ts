import { parseArgs, type ParseArgsConfig } from 'node:util';
import { durationSeconds } from './wrk.js';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
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

/** parseArgs with strict flags; its errors (unknown option, missing value) become BenchErrors. */
export function benchArgs<const O extends NonNullable<ParseArgsConfig['options']>>(options: O): ReturnType<typeof parseArgs<{ options: O; strict: true }>>['values'] {
  try {
    return parseArgs({ options, strict: true }).values;
  } catch (err) {
    throw new BenchError((err as Error).message);
  }
}

/** Writes a benchmark's JSON (with the machine it ran on) to `rel` under the package root; returns the path. */
export function writeBenchJson(root: string, rel: string, report: Record<string, unknown>): string {
  const path = resolve(root, rel);
  mkdirSync(dirname(path), { recursive: true });
  const environment = { node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model ?? null };
  writeFileSync(path, JSON.stringify({ ...report, date: new Date().toISOString(), environment }, null, 2) + '\n');
  return path;
}

/** Runs a benchmark's main: its exit code, or 1 with the message of a BenchError (a stack for anything else). */
export function runBench(name: string, main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err instanceof BenchError ? `${name}: ${err.message}` : err);
      process.exit(1);
    },
  );
}

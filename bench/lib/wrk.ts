/**
 * Running wrk as a child process and turning its report into numbers (see wrk-output.ts).
 */
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { stopChild, track } from './children.js';
import { parseWrkOutput, type WrkResult } from './wrk-output.js';

export interface WrkOptions {
  url: string;
  threads: number;
  connections: number;
  /** wrk time syntax: "8s", "1m". */
  duration: string;
  /** Per-request timeout (wrk default 2s); a request slower than this is a socket "timeout" error. */
  timeout?: string;
  /** Print the latency distribution (p50/p75/p90/p99). */
  latency?: boolean;
  /** The wrk executable; defaults to the one found on PATH. */
  wrkPath?: string;
}

export interface WrkRun {
  args: string[];
  result: WrkResult;
  /** wrk's stdout, kept so a surprising figure can be checked against the source. */
  raw: string;
}

/** Absolute path of an executable `wrk` on PATH (or $WRK if set), or null. */
export function findWrk(env: NodeJS.ProcessEnv = process.env): string | null {
  const candidates = env['WRK'] ? [env['WRK']] : (env['PATH'] ?? '').split(delimiter).filter(Boolean).map((d) => join(d, 'wrk'));
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      return c;
    } catch {
      // not here; keep looking
    }
  }
  return null;
}

/** First line of `wrk --version` ("wrk debian/4.1.0-3+b2 [epoll] ..."); wrk exits 1 for it, which is normal. */
export function wrkVersion(wrkPath: string): string {
  const r = spawnSync(wrkPath, ['--version'], { encoding: 'utf8', timeout: 5000 });
  return (r.stdout || r.stderr || '').split('\n')[0]?.trim() ?? '';
}

/** Parses wrk's time syntax ("8s", "2m", "1h", bare number = seconds) to seconds; NaN if invalid. */
export function durationSeconds(value: string): number {
  const m = /^(\d+)([smh]?)$/.exec(value.trim());
  if (!m) return Number.NaN;
  return Number(m[1]) * ({ '': 1, s: 1, m: 60, h: 3600 } as Record<string, number>)[m[2]!]!;
}

export class WrkRunError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WrkRunError';
  }
}

/**
 * Runs wrk once and parses its report. Rejects when wrk cannot start, exits non-zero (e.g. cannot
 * connect), or overruns its duration by a wide margin (a hung wrk must not hang the benchmark).
 */
export async function runWrk(opts: WrkOptions): Promise<WrkRun> {
  const wrkPath = opts.wrkPath ?? findWrk() ?? 'wrk';
  const args = ['-t', String(opts.threads), '-c', String(opts.connections), '-d', opts.duration];
  if (opts.timeout) args.push('--timeout', opts.timeout);
  if (opts.latency !== false) args.push('--latency');
  args.push(opts.url);

  const child = spawn(wrkPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  track(child, { group: false });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));

  const secs = durationSeconds(opts.duration);
  const budgetMs = ((Number.isFinite(secs) ? secs : 60) + 30) * 1000;
  let overran = false;
  const guard = setTimeout(() => {
    overran = true;
    void stopChild(child, 1000);
  }, budgetMs);

  const [code, sig] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
    child.once('error', (err) => {
      clearTimeout(guard);
      reject(new WrkRunError(`could not run ${wrkPath}: ${err.message}`));
    });
    // 'close' (not 'exit') so all of stdout has been read.
    child.once('close', (c, s) => {
      clearTimeout(guard);
      resolve([c, s]);
    });
  });

  const cmdline = `${wrkPath} ${args.join(' ')}`;
  if (overran) throw new WrkRunError(`wrk did not finish within ${budgetMs / 1000}s: ${cmdline}`);
  if (code !== 0) {
    const why = sig ? `signal ${sig}` : `exit code ${code}`;
    throw new WrkRunError(`wrk failed (${why}): ${cmdline}\n${(stderr + stdout).trim()}`);
  }
  return { args, result: parseWrkOutput(stdout), raw: stdout };
}

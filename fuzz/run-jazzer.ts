/**
 * One fuzzing run of one target under Jazzer.js (libFuzzer inside node), for a given number of
 * seconds, with everything it leaves in the target's artifact folder:
 *
 *   <out>/<target>/seeds/      the seed corpus, written fresh from the target's seeds()
 *   <out>/<target>/corpus/     inputs libFuzzer found interesting; kept, so runs build on each other
 *   <out>/<target>/findings/   crash-<sha1>: the input of every finding (libFuzzer's artifact prefix)
 *   <out>/<target>/fuzz.log    libFuzzer's and the target's output
 *   <out>/<target>/result.json this run's figures (FuzzRunResult)
 *   <out>/<target>/history.json every run's execs in this folder, so a kept (or CI-cached) folder
 *                              adds up the executions a target has had across runs
 *
 * A finding replays outside the fuzzer with `aeronet fuzz <target> --replay <file>`, and becomes a
 * regression test by moving it into fuzz/regressions/<target>/ (targets.test.ts runs them all).
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageRoot } from '../bench/lib/bench-support.js';
import type { FuzzTarget } from './fuzz-target.js';
import { prepareJazzer } from './jazzer/native-addon.js';

export interface FuzzRunOptions {
  seconds: number;
  /** Artifact root; the target's folder is made inside it. */
  out: string;
  /** Longest input libFuzzer makes (default the target's, else 8192). */
  maxLen?: number;
  /** Progress lines (libFuzzer's own are in fuzz.log). */
  log?: (line: string) => void;
}

export interface FuzzRunResult {
  target: string;
  seconds: number;
  execs: number;
  execsPerSecond: number;
  peakRssMb: number | null;
  seeds: number;
  corpus: number;
  /** The worst work ratio the target saw, with the input that gave it. */
  worst: { ratio: string; value: number; input: string } | null;
  /** Paths of the inputs of every finding (empty when the properties held throughout). */
  findings: string[];
  /** The first lines of the finding's report, for the summary. */
  findingText: string | null;
  compat: string | null;
  folder: string;
  /** Executions over every run recorded in this folder's history.json, this one included. */
  totalExecs: number;
  runs: number;
}

/** One line of history.json. */
export interface FuzzHistoryEntry {
  at: string;
  seconds: number;
  execs: number;
  execsPerSecond: number;
  findings: number;
}

/**
 * Appends this run to the folder's history and returns the whole of it. A history file that does
 * not parse is kept aside (history.json.bad) rather than silently restarting the count at zero.
 */
export function recordHistory(folder: string, entry: FuzzHistoryEntry): FuzzHistoryEntry[] {
  const file = join(folder, 'history.json');
  let history: FuzzHistoryEntry[] = [];
  if (existsSync(file)) {
    try {
      const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
      if (!Array.isArray(parsed)) throw new Error('not an array');
      history = parsed.filter((e): e is FuzzHistoryEntry => typeof e === 'object' && e !== null && Number.isSafeInteger((e as FuzzHistoryEntry).execs));
    } catch {
      renameSync(file, `${file}.bad`);
    }
  }
  history.push(entry);
  writeFileSync(file, `${JSON.stringify(history, null, 2)}\n`);
  return history;
}

export const DEFAULT_MAX_LEN = 8192;

/** Where this build's compiled files sit (dist/ normally): the folder above fuzz/. */
const BUILD_ROOT = dirname(dirname(fileURLToPath(import.meta.url)));

function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80);
}

/**
 * Writes the seeds, one file each, named by origin and content hash (duplicates once), cut to
 * `maxLen` as libFuzzer would cut them on loading (some conformance floods are megabytes long).
 */
export function writeSeeds(dir: string, seeds: ReadonlyArray<{ name: string; data: Buffer }>, maxLen: number): number {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const seen = new Set<string>();
  for (const seed of seeds) {
    const data = seed.data.subarray(0, maxLen);
    const hash = createHash('sha1').update(data).digest('hex');
    if (seen.has(hash)) continue;
    seen.add(hash);
    writeFileSync(join(dir, `${safeName(seed.name)}-${hash.slice(0, 8)}`), data);
  }
  return seen.size;
}

/** libFuzzer's closing status line: `#89384 DONE cov: 470 ft: 2181 corp: 317/357Kb lim: 8192 exec/s: 4256 rss: 210Mb`. */
const DONE_LINE = /#(\d+)\s+DONE\s.*?corp: (\d+)\/\S+.*?exec\/s: (\d+) rss: (\d+)Mb/;

export interface DoneLine {
  execs: number;
  corpus: number;
  execsPerSecond: number;
  rssMb: number;
}

export function readDoneLine(log: string): DoneLine | null {
  const lines = log.split('\n').filter((l) => DONE_LINE.test(l));
  const m = lines.length === 0 ? null : DONE_LINE.exec(lines[lines.length - 1]!);
  return m === null ? null : { execs: Number(m[1]), corpus: Number(m[2]), execsPerSecond: Number(m[3]), rssMb: Number(m[4]) };
}

export async function runJazzer(target: FuzzTarget, options: FuzzRunOptions): Promise<FuzzRunResult> {
  const log = options.log ?? (() => {});
  const folder = join(options.out, target.name);
  const seedsDir = join(folder, 'seeds');
  const corpusDir = join(folder, 'corpus');
  const findingsDir = join(folder, 'findings');
  const statsFile = join(folder, 'worst-ratio.json');
  mkdirSync(corpusDir, { recursive: true });
  mkdirSync(findingsDir, { recursive: true });
  rmSync(statsFile, { force: true });
  const before = new Set(readdirSync(findingsDir));

  const maxLen = options.maxLen ?? target.maxLen ?? DEFAULT_MAX_LEN;
  const seeds = writeSeeds(seedsDir, await target.seeds(), maxLen);
  const runtime = prepareJazzer();
  if (runtime.compat !== null) log(`${target.name}: ${runtime.compat}`);

  const args = [
    runtime.cli,
    join(BUILD_ROOT, 'fuzz', 'jazzer-entry.js'),
    corpusDir,
    seedsDir,
    ...(target.async ? [] : ['--sync']),
    ...target.instrument.flatMap((dir) => ['-i', join(BUILD_ROOT, dir)]),
    '--',
    `-max_total_time=${options.seconds}`,
    `-max_len=${maxLen}`,
    `-artifact_prefix=${findingsDir}/`,
    `-dict=${join(packageRoot(import.meta.url), 'fuzz', 'dictionaries', target.dictionary)}`,
  ];
  const logFile = join(folder, 'fuzz.log');
  const sink = createWriteStream(logFile);
  sink.write(`# node ${args.join(' ')}\n`);
  let output = '';
  const started = performance.now();
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      env: { ...process.env, ...runtime.env, AERONET_FUZZ_TARGET: target.name, AERONET_FUZZ_STATS: statsFile },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const take = (chunk: Buffer) => {
      sink.write(chunk);
      // Keep the tail: the final stats and any finding's report are at the end.
      output = (output + chunk.toString('utf8')).slice(-200_000);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('error', reject);
    child.on('close', (status, signal) => resolve(status ?? (signal !== null ? 128 : 1)));
  });
  await new Promise<void>((resolve) => sink.end(resolve));
  const elapsed = (performance.now() - started) / 1000;

  const findings = readdirSync(findingsDir).filter((f) => !before.has(f)).map((f) => join(findingsDir, f));
  const done = readDoneLine(output);
  const execs = done?.execs ?? lastStatus(output);
  if (code !== 0 && findings.length === 0) {
    throw new Error(`jazzer exited with ${code} for ${target.name} without a finding; see ${logFile}:\n${output.slice(-2000)}`);
  }
  if (code === 0 && execs === null) throw new Error(`jazzer printed no final stats for ${target.name}; see ${logFile}`);
  const worst = existsSync(statsFile) ? (JSON.parse(readFileSync(statsFile, 'utf8')) as { ratio: string; worst: number; input: string }) : null;
  const corpus = readdirSync(corpusDir).length;
  const execsPerSecond = done?.execsPerSecond ?? Math.round((execs ?? 0) / elapsed);
  const history = recordHistory(folder, {
    at: new Date().toISOString(),
    seconds: Math.round(elapsed * 10) / 10,
    execs: execs ?? 0,
    execsPerSecond,
    findings: findings.length,
  });
  const result: FuzzRunResult = {
    target: target.name,
    seconds: Math.round(elapsed * 10) / 10,
    execs: execs ?? 0,
    execsPerSecond,
    peakRssMb: done?.rssMb ?? null,
    seeds,
    corpus,
    worst: worst === null ? null : { ratio: worst.ratio, value: worst.worst, input: worst.input },
    findings,
    findingText: findings.length === 0 ? null : findingReport(output),
    compat: runtime.compat,
    folder,
    totalExecs: history.reduce((sum, e) => sum + e.execs, 0),
    runs: history.length,
  };
  writeFileSync(join(folder, 'result.json'), `${JSON.stringify(result, null, 2)}\n`);
  return result;
}

/** The exec count of libFuzzer's last status line (`#12345 NEW ...`), for a run a finding cut short. */
function lastStatus(output: string): number | null {
  const all = [...output.matchAll(/^#(\d+)\s/gm)];
  return all.length === 0 ? null : Number(all[all.length - 1]![1]);
}

/** The lines of libFuzzer/Jazzer's report that say what broke. */
function findingReport(output: string): string {
  const lines = output.split('\n');
  const start = lines.findIndex((l) => /Uncaught Exception|==\d+== ERROR|PropertyViolation|Error:/.test(l));
  return lines.slice(Math.max(0, start), Math.max(0, start) + 12).join('\n').trim();
}

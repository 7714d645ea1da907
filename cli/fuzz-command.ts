import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PropertyViolation } from '../fuzz/fuzz-target.js';
import { JazzerUnavailable } from '../fuzz/jazzer/native-addon.js';
import { runJazzer, type FuzzRunResult } from '../fuzz/run-jazzer.js';
import { loadTarget, SELFTEST_NAMES, TARGET_NAMES } from '../fuzz/targets/index.js';
import { parseFlagsAndPositionals } from './parse-flags.js';
import { UsageError } from './usage-error.js';

export const FUZZ_USAGE = `Options for fuzz <target ...|all>:
  Targets: ${TARGET_NAMES.join(', ')}.
  Coverage-guided fuzzing with Jazzer.js (libFuzzer); each target checks properties (split
  invariance, parse(serialize(x)) = x, bounded output and memory per input octet), not just crashes.
  --seconds <n>         How long each target runs (default 30)
  --out <dir>           Artifact root (default artifacts/fuzz): <target>/seeds, corpus (kept across
                        runs), findings/crash-*, fuzz.log, result.json, history.json (every run's
                        execs, for the total across runs); summary.json for the whole run
  --max-len <n>         Longest input libFuzzer makes (default per target, 8192)
  --replay <file>       Run the target once on this input (a finding, a regression) and say which
                        property broke; no fuzzer needed
  --list                List the targets
  Exit 1 when a target found an input that breaks a property (or its run failed), 2 on a usage error or when the
  fuzzer cannot run here (the reason is printed).
`;

function positiveInt(value: string | boolean | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (typeof value !== 'string' || !Number.isSafeInteger(n) || n < 1) throw new UsageError(`${flag} must be a positive integer, got ${JSON.stringify(value)}`);
  return n;
}

function summary(r: FuzzRunResult): string {
  const worst = r.worst === null ? '' : `, worst ${r.worst.ratio} ${r.worst.value.toFixed(3)}`;
  const verdict = r.findings.length === 0 ? 'no findings' : `${r.findings.length} FINDING(S): ${r.findings.join(', ')}`;
  return `fuzz ${r.target}: ${r.execs.toLocaleString('en-US')} execs in ${r.seconds} s (${r.execsPerSecond.toLocaleString('en-US')}/s; ${r.totalExecs.toLocaleString('en-US')} over ${r.runs} run${r.runs === 1 ? '' : 's'} in this folder), ${r.seeds} seeds, corpus ${r.corpus}${r.peakRssMb !== null ? `, peak RSS ${r.peakRssMb} MB` : ''}${worst}; ${verdict}`;
}

/** The closing table of a run of several targets (also written as <out>/summary.json). */
function table(results: FuzzRunResult[]): string {
  const rows = [['target', 'execs', 'execs/s', 'total execs', 'runs', 'worst ratio', 'findings']];
  for (const r of results) {
    rows.push([r.target, String(r.execs), String(r.execsPerSecond), String(r.totalExecs), String(r.runs), r.worst === null ? '-' : `${r.worst.ratio} ${r.worst.value.toFixed(3)}`, String(r.findings.length)]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return rows.map((row) => row.map((cell, i) => (i === 0 || i === 5 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ').trimEnd()).join('\n');
}

/**
 * `aeronet fuzz <target ...|all> [--seconds N] [--out DIR] [--max-len N] [--replay FILE] [--list]`
 * (fuzz/run-jazzer.ts does the work; `npm run fuzz -- <target>` is this command).
 */
export async function fuzzCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseFlagsAndPositionals(args, {
    seconds: { type: 'string' },
    out: { type: 'string' },
    'max-len': { type: 'string' },
    replay: { type: 'string' },
    list: { type: 'boolean', default: false },
  });
  if (values['list'] === true) {
    for (const name of TARGET_NAMES) process.stdout.write(`${name.padEnd(16)} ${(await loadTarget(name)).description}\n`);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError(`fuzz needs a target (${TARGET_NAMES.join(', ')}) or all`);
  const names = positionals.includes('all') ? [...TARGET_NAMES] : positionals;
  const unknown = names.filter((n) => !TARGET_NAMES.includes(n) && !SELFTEST_NAMES.includes(n));
  if (unknown.length > 0) throw new UsageError(`unknown fuzz target${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `"${n}"`).join(', ')} (targets: ${TARGET_NAMES.join(', ')})`);
  const seconds = positiveInt(values['seconds'], '--seconds', 30);
  const maxLen = values['max-len'] === undefined ? undefined : positiveInt(values['max-len'], '--max-len', 8192);
  const out = typeof values['out'] === 'string' ? values['out'] : 'artifacts/fuzz';

  const replay = values['replay'];
  if (typeof replay === 'string') {
    if (names.length !== 1) throw new UsageError('--replay takes exactly one target');
    let data: Buffer;
    try {
      data = readFileSync(replay);
    } catch (err) {
      throw new UsageError(`cannot read ${replay}: ${(err as Error).message}`);
    }
    const target = await loadTarget(names[0]!);
    try {
      await target.run(data);
    } catch (err) {
      const kind = err instanceof PropertyViolation ? 'property broken' : 'crash';
      process.stdout.write(`${target.name} on ${replay} (${data.length} octets): ${kind}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      return 1;
    }
    process.stdout.write(`${target.name} on ${replay} (${data.length} octets): every property held\n`);
    return 0;
  }

  let found = 0;
  const results: FuzzRunResult[] = [];
  const failures: { target: string; error: string }[] = [];
  for (const name of names) {
    const target = await loadTarget(name);
    let result: FuzzRunResult;
    try {
      result = await runJazzer(target, { seconds, out, ...(maxLen !== undefined ? { maxLen } : {}), log: (line) => process.stdout.write(`${line}\n`) });
    } catch (err) {
      if (err instanceof JazzerUnavailable) {
        process.stderr.write(`aeronet fuzz: ${err.message}\n`);
        return 2;
      }
      // The fuzzer itself failed on this target (not a finding): said, counted, and the other
      // targets still run, so one broken run cannot hide what the rest found.
      const message = err instanceof Error ? err.message : String(err);
      process.stderr.write(`aeronet fuzz: ${name}: the run failed: ${message}\n`);
      failures.push({ target: name, error: message });
      continue;
    }
    process.stdout.write(`${summary(result)}\n`);
    results.push(result);
    if (result.findings.length > 0) {
      found++;
      if (result.findingText !== null) process.stdout.write(`${result.findingText}\n`);
      for (const f of result.findings) process.stdout.write(`  replay: aeronet fuzz ${name} --replay ${f}\n`);
    }
  }
  // One file for CI to count from: a target is one test, passed when no property broke.
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'summary.json'), `${JSON.stringify({ seconds, targets: results.map(({ findingText: _, ...r }) => r), failures }, null, 2)}\n`);
  if (results.length > 1) process.stdout.write(`${table(results)}\n`);
  return found > 0 || failures.length > 0 ? 1 : 0;
}

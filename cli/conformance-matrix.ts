import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { matrixReport } from '../harness/report/build-report.js';
import { reportDirProblem, writeReports } from '../harness/report/write-report.js';
import { matrixFailed } from '../harness/conformance/matrix/build-matrix.js';
import { NETEM_MATRIX_PROFILES, parseNetemProfiles } from '../harness/conformance/matrix/netem-profiles.js';
import { PROXY_TOXICS, parseProxyToxics } from '../harness/conformance/matrix/proxy-toxics.js';
import { renderMatrixText } from '../harness/conformance/matrix/render-matrix-text.js';
import { MATRIX_LAYERS, runConformanceMatrix, type ConformanceMatrixOptions, type MatrixLayer } from '../harness/conformance/matrix/run-matrix.js';
import type { MatrixCaseOptions, SuiteName } from '../harness/conformance/matrix/suites.js';
import { faultsFlags, type FlagValues } from './conformance-options.js';
import { UsageError } from './usage-error.js';

/*
 * `conformance h1|h2 --faults P --matrix [--seeds N | --seed N] [--layers sim,proxy,netem]
 * [--matrix-json FILE]`: the conformance x faults matrix (harness/conformance/matrix/), and the
 * one-column runs its repro commands use: `--via-proxy TOXIC [--seed N]` and `--via-netem
 * PROFILE`. Both suites' commands hand their flags here; this file owns the flags' checks.
 */

/** parseArgs options both conformance commands add (the --seed of `--faults` runs too). */
export const MATRIX_OPTIONS = {
  matrix: { type: 'boolean', default: false },
  layers: { type: 'string' },
  'matrix-json': { type: 'string' },
  report: { type: 'string' },
  seed: { type: 'string' },
  'via-proxy': { type: 'string' },
  'via-netem': { type: 'string' },
} as const;

export const MATRIX_USAGE = `  --matrix              With --faults: the conformance x faults matrix: every case clean, under
                        each --faults profile (sim), through the fault proxy against an
                        \`aeronet serve\` with each toxic (${PROXY_TOXICS.map((t) => t.name).join(', ')}),
                        and across netem links (${NETEM_MATRIX_PROFILES.map((p) => p.name).join(', ')}; needs root and netem or User-Mode
                        Linux, else those columns say why they are skipped); lists the cases that
                        pass clean and fail only under faults, each with a repro
  --layers <list>       With --matrix: sim, proxy, netem (comma list; default all)
  --matrix-json <file>  Also write the matrix as JSON (the ConformanceMatrix of harness/report)
  --report <dir>        Also write report.json, junit.xml (a suite per column, a case per cell) and
                        report.html with the matrix (aeronet report --merge joins it to a run's)
  --seed <n>            With --faults: that one seed instead of 1..--seeds; with --via-proxy: the
                        proxy's seed (default 1)
  --via-proxy <toxic>   One case set through the fault proxy with one toxic column (and clean):
                        ${PROXY_TOXICS.map((t) => t.name).join(', ')} (comma list, or all)
  --via-netem <profile> The same across a netem link: ${NETEM_MATRIX_PROFILES.map((p) => p.name).join(', ')} (comma list, or all)
`;

/** Whether the flags ask for a matrix run rather than a suite report. */
export function wantsMatrix(values: FlagValues): boolean {
  return values['matrix'] === true || typeof values['via-proxy'] === 'string' || typeof values['via-netem'] === 'string';
}

/** --matrix-only flags without --matrix (or --via-*) are mistakes, said so. */
export function refuseMatrixOnlyFlags(values: FlagValues): void {
  for (const flag of ['layers', 'matrix-json', 'report'] as const) if (values[flag] !== undefined) throw new UsageError(`--${flag} applies to --matrix only`);
}

/** The matrix options the flags give, checked; `inputs` are the suite's own (case options, repro flags). */
export function matrixOptionsFromFlags(suite: SuiteName, values: FlagValues, filter: readonly string[], inputs: { caseOptions: MatrixCaseOptions; caseFlags: string[] }): { options: ConformanceMatrixOptions; done: () => void } {
  const protocol = suite === 'h1' ? 'HTTP/1.1' : 'HTTP/2';
  for (const flag of ['json', 'junit'] as const) if (values[flag] !== undefined) throw new UsageError(`--${flag} writes the suite report; a matrix run writes --matrix-json <file>`);
  if (values['with-h2spec'] === true) throw new UsageError('--with-h2spec needs --host/--port (h2spec runs against a socket), not a matrix run');
  const viaProxy = values['via-proxy'];
  const viaNetem = values['via-netem'];
  const base = { filter, caseOptions: inputs.caseOptions, caseFlags: inputs.caseFlags };

  if (typeof viaProxy === 'string' || typeof viaNetem === 'string') {
    const which = typeof viaProxy === 'string' ? '--via-proxy' : '--via-netem';
    if (typeof viaProxy === 'string' && typeof viaNetem === 'string') throw new UsageError('give --via-proxy or --via-netem, not both (a matrix of several layers is --matrix --layers)');
    if (values['matrix'] === true || values['faults'] !== undefined) throw new UsageError(`${which} runs one layer's columns (a repro); for the whole matrix use --faults P --matrix [--layers ...]`);
    for (const flag of ['layers', 'seeds', 'split-limit'] as const) if (values[flag] !== undefined) throw new UsageError(`--${flag} does not apply to ${which}`);
    refuseRemote(values, which, protocol);
    if (typeof viaProxy === 'string') {
      const { toxics, unknown } = parseProxyToxics(viaProxy);
      if (unknown.length > 0) throw new UsageError(`unknown proxy toxic${unknown.length === 1 ? '' : 's'} ${unknown.map((u) => `"${u}"`).join(', ')} (available: ${PROXY_TOXICS.map((t) => t.name).join(', ')}, all)`);
      const seed = seedFlag(values);
      return { options: { ...base, layers: ['proxy'], profiles: [], seeds: [], toxics, ...(seed !== undefined ? { proxySeed: seed } : {}) }, done: () => {} };
    }
    if (values['seed'] !== undefined) throw new UsageError('--seed does not apply to --via-netem: netem draws from the kernel, not from a seed');
    const { profiles, unknown } = parseNetemProfiles(viaNetem as string);
    if (unknown.length > 0) throw new UsageError(`unknown netem profile${unknown.length === 1 ? '' : 's'} ${unknown.map((u) => `"${u}"`).join(', ')} (available: ${NETEM_MATRIX_PROFILES.map((p) => p.name).join(', ')}, all)`);
    return { options: { ...base, layers: ['netem'], profiles: [], seeds: [], netemProfiles: profiles }, done: () => {} };
  }

  if (typeof values['faults'] !== 'string') throw new UsageError('--matrix needs --faults PROFILES: the sim columns (choppy, byte, coalesce, splits, or all)');
  const faults = faultsFlags(values, protocol);
  const layers = layersFlag(values['layers']);
  const seed = seedFlag(values);
  return {
    options: {
      ...base,
      layers,
      profiles: faults.profiles,
      seeds: faults.seeds,
      splitLimit: faults.splitLimit,
      ...(seed !== undefined ? { proxySeed: seed } : {}),
      ...(faults.onRun !== undefined ? { onRun: faults.onRun } : {}),
    },
    done: faults.done,
  };
}

function refuseRemote(values: FlagValues, which: string, protocol: string): void {
  if (values['host'] !== undefined || values['port'] !== undefined) throw new UsageError(`${which} starts its own \`aeronet serve\` (the demo routes): drop --host/--port`);
  for (const flag of ['tls', 'insecure'] as const) if (values[flag] === true) throw new UsageError(`--${flag} does not apply to ${which} (the runs are cleartext ${protocol})`);
  if (values['servername'] !== undefined) throw new UsageError(`--servername does not apply to ${which}`);
}

function seedFlag(values: FlagValues): number | undefined {
  const raw = values['seed'];
  if (typeof raw !== 'string') return undefined;
  if (!/^[0-9]{1,7}$/.test(raw) || Number(raw) === 0 || Number(raw) > 1_000_000) throw new UsageError(`--seed must be an integer from 1 to 1000000, got "${raw}"`);
  return Number(raw);
}

/** "--layers sim,proxy" (default all three, in that order whatever the order given). */
export function layersFlag(raw: string | boolean | undefined): MatrixLayer[] {
  if (raw === undefined) return [...MATRIX_LAYERS];
  const names = String(raw).split(',').map((s) => s.trim()).filter((s) => s !== '');
  const unknown = names.filter((n) => !(MATRIX_LAYERS as readonly string[]).includes(n));
  if (names.length === 0 || unknown.length > 0) throw new UsageError(`--layers takes a comma list of ${MATRIX_LAYERS.join(', ')}; got ${names.length === 0 ? 'nothing' : unknown.map((u) => `"${u}"`).join(', ')}`);
  return MATRIX_LAYERS.filter((l) => names.includes(l));
}

/** The flags that shape the cases, as given, to repeat in every repro command. */
export function caseFlagsFrom(values: FlagValues, names: readonly string[]): string[] {
  const out: string[] = [];
  for (const name of names) {
    const v = values[name];
    if (v === true) out.push(`--${name}`);
    else if (typeof v === 'string') out.push(`--${name}`, v);
  }
  return out;
}

/** Run it: progress on stderr (one line per column), the matrix on stdout; exit 1 on any failed cell. */
export async function matrixCommand(suite: SuiteName, values: FlagValues, filter: readonly string[], inputs: { caseOptions: MatrixCaseOptions; caseFlags: string[] }): Promise<number> {
  const { options, done } = matrixOptionsFromFlags(suite, values, filter, inputs);
  if (typeof values['report'] === 'string') {
    const problem = reportDirProblem(path.resolve(values['report']));
    if (problem !== null) throw new UsageError(`--report: ${problem}`);
  }
  const startedAt = new Date();
  const matrix = await runConformanceMatrix(suite, {
    ...options,
    onProgress: (line) => {
      done();
      process.stderr.write(`matrix ${suite}: ${line}\n`);
    },
  });
  done();
  process.stdout.write(renderMatrixText(matrix));
  const file = values['matrix-json'];
  if (typeof file === 'string') writeFileSync(file, `${JSON.stringify(matrix, null, 2)}\n`);
  const reportDir = values['report'];
  if (typeof reportDir === 'string') {
    const report = matrixReport(matrix, startedAt, `aeronet conformance ${process.argv.slice(3).join(' ')}`);
    const files = await writeReports(path.resolve(reportDir), report);
    process.stdout.write(`report: ${files.map((f) => path.relative(process.cwd(), f) || f).join(', ')}\n`);
  }
  return matrixFailed(matrix) ? 1 : 0;
}

/** `conformance h2 ... --matrix` (or --via-*): the h2 flags that shape the cases, as given. */
export function h2MatrixCommand(values: FlagValues, filter: readonly string[], timeoutMs: number, stallLimitMs: number | undefined): Promise<number> {
  const given = (flag: string): string | undefined => (typeof values[flag] === 'string' ? (values[flag] as string) : undefined);
  const caseOptions: MatrixCaseOptions = {
    strict: values['strict'] === true,
    ...(given('timeout') !== undefined ? { timeoutMs } : {}),
    ...(stallLimitMs !== undefined ? { stallLimitMs } : {}),
    ...(given('path') !== undefined ? { path: given('path')! } : {}),
    ...(given('post-path') !== undefined ? { postPath: given('post-path')! } : {}),
    ...(given('large-path') !== undefined ? { largePath: given('large-path')! } : {}),
  };
  return matrixCommand('h2', values, filter, { caseOptions, caseFlags: caseFlagsFrom(values, ['strict', 'timeout', 'stall-wait', 'stall-limit', 'path', 'post-path', 'large-path']) });
}

/** `conformance h1 ... --matrix` (or --via-*); `timeoutMs` is checkCommon's (flags and filter checked). */
export function h1MatrixCommand(values: FlagValues, filter: readonly string[], timeoutMs: number): Promise<number> {
  // h1's parser defaults --path to "/" (for remote servers); here the demo routes' /hello unless another was given.
  const path = values['path'] !== '/' && typeof values['path'] === 'string' ? values['path'] : undefined;
  const caseOptions: MatrixCaseOptions = {
    ...(typeof values['timeout'] === 'string' ? { timeoutMs } : {}),
    ...(path !== undefined ? { path } : {}),
    ...(typeof values['echo-path'] === 'string' ? { echoPath: values['echo-path'] } : {}),
    ...(typeof values['missing-path'] === 'string' ? { missingPath: values['missing-path'] } : {}),
  };
  const flags = caseFlagsFrom({ ...values, path }, ['timeout', 'path', 'echo-path', 'missing-path']);
  return matrixCommand('h1', values, filter, { caseOptions, caseFlags: flags });
}

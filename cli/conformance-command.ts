import { faultsFlags, reachable, refuseFaultOnlyFlags, remoteEndpoint } from './conformance-options.js';
import { h2MatrixCommand, MATRIX_OPTIONS, refuseMatrixOnlyFlags, wantsMatrix } from './conformance-matrix.js';
import { conformanceH1Command } from './conformance-h1-command.js';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { verdictWithFaults } from '../harness/conformance/faults-report.js';
import { AERONET_PATHS } from '../harness/conformance/h2/aeronet-target.js';
import { runH2SuiteUnderFaults } from '../harness/conformance/h2/faults.js';
import { renderJson } from '../harness/conformance/h2/report-json.js';
import { renderJunit } from '../harness/conformance/h2/report-junit.js';
import { renderText } from '../harness/conformance/h2/report-text.js';
import { DEFAULT_STALL_LIMIT_MS, DEFAULT_TIMEOUT_MS, runH2Suite, selectCases, summarize, type SuiteOptions, type SuiteReport } from '../harness/conformance/h2/run-suite.js';
import { socketTarget } from '../harness/conformance/h2/target.js';
import { compareWithH2spec, renderComparison } from '../harness/conformance/h2spec/compare.js';
import { parseH2specJunit } from '../harness/conformance/h2spec/junit.js';
import { h2specArgs, locateH2spec, runH2spec } from '../harness/conformance/h2spec/run-h2spec.js';
import { parseFlagsAndPositionals } from './parse-flags.js';
import { UsageError } from './usage-error.js';

export { DEFAULT_FAULT_SEEDS } from '../harness/conformance/faults.js';

/**
 * `aeronet conformance h2 --host H --port P [--tls [--insecure] [--servername N]] [--strict]
 * [--timeout MS] [--stall-wait MS] [--path P] [--post-path P] [--large-path P] [--junit FILE]
 * [--json FILE] [--with-h2spec] [ID or group ...]`: the HTTP/2 conformance suite (h2spec's 147
 * cases and ours) against any server; with --with-h2spec, h2spec too, and the cases where its
 * verdict and ours differ.
 *
 * `aeronet conformance h2 --faults PROFILE[,PROFILE] [--seeds N] [--split-limit OCTETS] ...`: the
 * suite in-process against aeronet (the demo routes), on a clean link and then under each fault
 * profile (choppy, byte, coalesce, splits, or all), listing the cases that pass clean but fail
 * under faults. With --matrix, also through the fault proxy with each toxic and across netem
 * links (cli/conformance-matrix.ts).
 *
 * Prints the report; exit 1 when a case fails (clean or under faults) or h2spec disagrees, 2 on a
 * usage error or when h2spec is asked for and absent.
 */
export async function conformanceCommand(args: string[]): Promise<number> {
  // `conformance h1 ...` has its own flags (and parser); everything else is for the HTTP/2 suite.
  if (args[0] === 'h1') return conformanceH1Command(args.slice(1));
  const { values, positionals } = parseFlagsAndPositionals(args, {
    host: { type: 'string' },
    port: { type: 'string' },
    tls: { type: 'boolean', default: false },
    insecure: { type: 'boolean', default: false },
    servername: { type: 'string' },
    strict: { type: 'boolean', default: false },
    timeout: { type: 'string' },
    'stall-wait': { type: 'string' },
    'stall-limit': { type: 'string' },
    path: { type: 'string' },
    'post-path': { type: 'string' },
    'large-path': { type: 'string' },
    junit: { type: 'string' },
    json: { type: 'string' },
    faults: { type: 'string' },
    seeds: { type: 'string' },
    'split-limit': { type: 'string' },
    'with-h2spec': { type: 'boolean', default: false },
    ...MATRIX_OPTIONS,
  });
  const [suite, ...filter] = positionals;
  if (suite === undefined) throw new UsageError('conformance needs a suite: h2');
  if (suite !== 'h2') throw new UsageError(`unknown conformance suite "${suite}" (available: h2)`);

  const positiveMs = (flag: string): number | undefined => {
    const raw = values[flag];
    if (typeof raw !== 'string') return undefined;
    if (!/^[0-9]{1,7}$/.test(raw) || Number(raw) === 0) throw new UsageError(`--${flag} must be a positive number of milliseconds, got "${raw}"`);
    return Number(raw);
  };
  const timeoutMs = positiveMs('timeout') ?? DEFAULT_TIMEOUT_MS;
  // --stall-wait MS runs abuse/zero-window-stall/2, which waits (up to MS) for the server to give
  // up on a stalled response; --stall-limit MS is its older name, still accepted.
  const stallWaitMs = positiveMs('stall-wait');
  const stallLimitFlag = positiveMs('stall-limit');
  if (stallWaitMs !== undefined && stallLimitFlag !== undefined && stallWaitMs !== stallLimitFlag) {
    throw new UsageError(`--stall-limit is the older name of --stall-wait: give one of them (got --stall-wait ${stallWaitMs} and --stall-limit ${stallLimitFlag})`);
  }
  const stallLimitMs = stallWaitMs ?? stallLimitFlag;
  for (const flag of ['path', 'post-path', 'large-path'] as const) {
    const p = values[flag];
    if (typeof p === 'string' && !p.startsWith('/')) throw new UsageError(`--${flag} must start with "/", got "${p}"`);
  }
  const { unknown } = selectCases(filter);
  if (unknown.length > 0) throw new UsageError(`no case matches ${unknown.map((u) => `"${u}"`).join(', ')} (give case ids like http2/6.5.2/1, or groups like http2/6.5, generic, hpack, rfc9113, abuse, h2spec)`);
  if (wantsMatrix(values)) return h2MatrixCommand(values, filter, timeoutMs, stallLimitMs);
  refuseMatrixOnlyFlags(values);
  if (typeof values['faults'] === 'string') return underFaults(values, filter, timeoutMs, stallLimitMs);
  refuseFaultOnlyFlags(values);
  const endpoint = remoteEndpoint(values, 'h2');
  const { host, tls } = endpoint;

  // Asked for h2spec: find it before spending a run on our suite.
  let h2spec: string | null = null;
  if (values['with-h2spec'] === true) {
    h2spec = locateH2spec();
    if (h2spec === null) {
      const explicit = process.env['H2SPEC'];
      const where = explicit !== undefined && explicit !== '' ? `$H2SPEC: ${explicit} is not an executable file; PATH is not searched when $H2SPEC is set` : 'looked at $H2SPEC (unset) and PATH';
      process.stderr.write(`aeronet: h2spec not found (${where}); install h2spec 2.6.0 or set H2SPEC=/path/to/h2spec\n`);
      return 2;
    }
  }

  const target = socketTarget(endpoint);
  if (!(await reachable(target))) return 1;
  const getPath = typeof values['path'] === 'string' ? values['path'] : '/';
  const report = await runH2Suite(target, {
    strict: values['strict'] === true,
    timeoutMs,
    ...(stallLimitMs !== undefined ? { stallLimitMs } : {}),
    filter,
    path: getPath,
    ...(typeof values['post-path'] === 'string' ? { postPath: values['post-path'] } : {}),
    ...(typeof values['large-path'] === 'string' ? { largePath: values['large-path'] } : {}),
  });
  process.stdout.write(renderText(report));
  writeReports(values, report);
  let failed = summarize(report.cases).failed > 0;
  if (h2spec !== null) {
    const agreed = await compareH2spec(h2spec, { host, port: endpoint.port, tls, insecure: values['insecure'] === true, strict: values['strict'] === true, timeoutMs, path: getPath, filter }, report);
    if (!agreed) failed = true;
  }
  return failed ? 1 : 0;
}

function writeReports(values: Record<string, string | boolean | undefined>, report: SuiteReport): void {
  if (typeof values['junit'] === 'string') writeFileSync(values['junit'], renderJunit(report));
  if (typeof values['json'] === 'string') writeFileSync(values['json'], renderJson(report));
}

/**
 * --faults: the suite in-process against aeronet, clean and under each profile. The cases' paths
 * default to the demo routes' (/hello, /echo, /bytes/100000), and the stall wait defaults to
 * DEFAULT_STALL_LIMIT_MS, so abuse/zero-window-stall/2 runs and waits for aeronet to give up on
 * the stalled response, since waiting costs no real time on the virtual clock.
 */
async function underFaults(values: Record<string, string | boolean | undefined>, filter: string[], timeoutMs: number, stallLimitMs: number | undefined): Promise<number> {
  if (values['with-h2spec'] === true) throw new UsageError('--with-h2spec needs --host/--port (h2spec runs against a socket), not --faults');
  const faults = faultsFlags(values, 'HTTP/2');
  const options: SuiteOptions = {
    strict: values['strict'] === true,
    timeoutMs,
    stallLimitMs: stallLimitMs ?? DEFAULT_STALL_LIMIT_MS,
    filter,
    path: typeof values['path'] === 'string' ? values['path'] : AERONET_PATHS.path!,
    postPath: typeof values['post-path'] === 'string' ? values['post-path'] : AERONET_PATHS.postPath!,
    largePath: typeof values['large-path'] === 'string' ? values['large-path'] : AERONET_PATHS.largePath!,
  };
  const report = await runH2SuiteUnderFaults(options, faults);
  faults.done();
  process.stdout.write(renderText(report));
  writeReports(values, report);
  return report.cases.some((c) => verdictWithFaults(c) === 'failed') ? 1 : 0;
}

/**
 * h2spec against the same server, after our suite; prints where its verdicts and ours differ.
 * Returns false when they differ anywhere or h2spec produced no report.
 */
async function compareH2spec(binary: string, o: { host: string; port: number; tls: boolean; insecure: boolean; strict: boolean; timeoutMs: number; path: string; filter: string[] }, report: SuiteReport): Promise<boolean> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'aeronet-h2spec-'));
  try {
    const junitFile = path.join(dir, 'h2spec-junit.xml');
    const args = h2specArgs({ ...o, junitFile });
    if (args === null) {
      process.stdout.write('\nh2spec not run: the selected cases are all outside h2spec\'s groups (generic, http2, hpack)\n');
      return true;
    }
    const shown = [binary, ...args].map((a) => (/^[\w./:=-]+$/.test(a) ? a : JSON.stringify(a))).join(' ');
    const run = await runH2spec(binary, args);
    let xml: string;
    try {
      xml = readFileSync(junitFile, 'utf8');
    } catch {
      const tail = `${run.stderr}${run.stdout}`.trim().split('\n').slice(-5).join('\n');
      process.stderr.write(`aeronet: h2spec wrote no JUnit report (${shown}: exit ${run.exitCode})${tail !== '' ? `:\n${tail}` : ''}\n`);
      return false;
    }
    let comparison;
    try {
      comparison = compareWithH2spec(report.cases, parseH2specJunit(xml));
    } catch (err) {
      process.stderr.write(`aeronet: cannot read h2spec's JUnit report: ${(err as Error).message}\n`);
      return false;
    }
    process.stdout.write(renderComparison(comparison, shown.replace(junitFile, 'REPORT.xml')));
    return comparison.disagreements.length === 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

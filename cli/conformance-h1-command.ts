import { faultsFlags, reachable, refuseFaultOnlyFlags, remoteEndpoint } from './conformance-options.js';
import { h1MatrixCommand, MATRIX_OPTIONS, MATRIX_USAGE, refuseMatrixOnlyFlags, wantsMatrix } from './conformance-matrix.js';
import { writeFileSync } from 'node:fs';
import { DEFAULT_FAULT_SEEDS, DEFAULT_SPLIT_LIMIT } from '../harness/conformance/faults.js';
import { verdictWithFaults } from '../harness/conformance/faults-report.js';
import { runH1SuiteUnderFaults } from '../harness/conformance/h1/faults.js';
import type { SuiteReport } from '../harness/conformance/h1/run-suite.js';
import { renderH1Json, renderH1Junit, renderH1Text } from '../harness/conformance/h1/report.js';
import { DEFAULT_MISSING_PATH, DEFAULT_TIMEOUT_MS, runH1Suite, selectH1Cases, summarize } from '../harness/conformance/h1/run-suite.js';
import { socketTarget } from '../harness/conformance/h1/target.js';
import { parseFlagsAndPositionals } from './parse-flags.js';
import { UsageError } from './usage-error.js';

/** The usage lines for `conformance h1`, for the CLI's help text (cli/usage.ts). */
export const CONFORMANCE_H1_USAGE = `Options for conformance h1 [ID or group ...]:
  --host <addr>         Server address (required without --faults)
  --port <n>            Server port (required without --faults)
  --tls                 HTTP/1.1 over TLS (default: cleartext)
  --insecure            With --tls: accept any certificate
  --servername <name>   With --tls: the SNI name (default: --host when it is a name)
  --timeout <ms>        How long to wait for each outcome (default ${DEFAULT_TIMEOUT_MS})
  --path <path>         A path that answers GET and HEAD with a 2xx (default /)
  --echo-path <path>    A path that answers POST with the request's content (aeronet: /echo);
                        without it the content checks are skipped and POSTs go to --path
  --missing-path <path> A path the server answers 404 (default ${DEFAULT_MISSING_PATH})
  --json <file>         Also write the report as JSON
  --junit <file>        Also write the report as JUnit XML
  --faults <profiles>   Run in-process against aeronet (paths /hello, /echo), clean and under
                        choppy, byte, coalesce, splits (comma list, or all); lists the cases that
                        pass clean but fail under faults (in-process only: through the proxy
                        and netem layers, see --matrix and --via-proxy)
  --seeds <n>           With --faults: seeds per profile (default ${DEFAULT_FAULT_SEEDS})
  --split-limit <n>     With --faults splits: cut streams up to this many bytes (default ${DEFAULT_SPLIT_LIMIT})
${MATRIX_USAGE}  IDs or groups select cases (h1, h1/chunked, smuggling, smuggling/cl-te/2, ...); default: all.
  Exit 1 when a case fails (clean or under faults; with --matrix, any cell).
`;

/**
 * `aeronet conformance h1 --host H --port P [--tls [--insecure] [--servername N]] [--timeout MS]
 * [--path P] [--echo-path P] [--missing-path P] [--junit FILE] [--json FILE] [ID or group ...]`:
 * the HTTP/1.1 conformance suite (RFC 9112/9110 origin-server requirements and request
 * smuggling) against any server. With `--faults PROFILES [--seeds N] [--split-limit N]` instead
 * of --host/--port: in-process against aeronet, clean and under each fault profile, as
 * `conformance h2 --faults` (harness/conformance/h1/faults.ts). `args` are the arguments after "h1". Prints the report tree;
 * returns 1 when a case fails, and throws UsageError (exit 2) on a usage error.
 *
 * Flags and positionals: parseFlagsAndPositionals (parse-flags.ts).
 */
export async function conformanceH1Command(args: string[]): Promise<number> {
  const { values, positionals: filter } = parseFlagsAndPositionals(args, {
    host: { type: 'string' },
    port: { type: 'string' },
    tls: { type: 'boolean', default: false },
    insecure: { type: 'boolean', default: false },
    servername: { type: 'string' },
    timeout: { type: 'string' },
    path: { type: 'string', default: '/' },
    'echo-path': { type: 'string' },
    'missing-path': { type: 'string' },
    junit: { type: 'string' },
    json: { type: 'string' },
    faults: { type: 'string' },
    seeds: { type: 'string' },
    'split-limit': { type: 'string' },
    ...MATRIX_OPTIONS,
  });
  if (wantsMatrix(values)) return h1MatrixCommand(values, filter, checkCommon(values, filter));
  refuseMatrixOnlyFlags(values);
  if (typeof values['faults'] === 'string') return underFaults(values, filter);
  refuseFaultOnlyFlags(values);

  const endpoint = remoteEndpoint(values, 'h1');
  const timeoutMs = checkCommon(values, filter);
  const target = socketTarget(endpoint);
  if (!(await reachable(target))) return 1;
  const report = await runH1Suite(target, {
    timeoutMs,
    filter,
    path: values['path'] as string,
    ...(typeof values['echo-path'] === 'string' ? { echoPath: values['echo-path'] } : {}),
    ...(typeof values['missing-path'] === 'string' ? { missingPath: values['missing-path'] } : {}),
  });
  process.stdout.write(renderH1Text(report));
  writeReports(values, report);
  return summarize(report.cases).failed > 0 ? 1 : 0;
}

/** The checks both modes share: --timeout, the paths, the case filter. Returns the timeout. */
function checkCommon(values: Record<string, string | boolean | undefined>, filter: string[]): number {
  const rawTimeout = values['timeout'];
  let timeoutMs = DEFAULT_TIMEOUT_MS;
  if (typeof rawTimeout === 'string') {
    if (!/^[0-9]{1,7}$/.test(rawTimeout) || Number(rawTimeout) === 0) throw new UsageError(`--timeout must be a positive number of milliseconds, got "${rawTimeout}"`);
    timeoutMs = Number(rawTimeout);
  }
  for (const flag of ['path', 'echo-path', 'missing-path'] as const) {
    const p = values[flag];
    // Paths go into the request-line as they are: origin-form, and nothing that would break it.
    if (typeof p === 'string' && !/^\/[\x21-\x7e]*$/.test(p)) throw new UsageError(`--${flag} must be an origin-form path ("/" then visible ASCII), got "${p}"`);
  }
  const { unknown } = selectH1Cases(filter);
  if (unknown.length > 0) throw new UsageError(`no case matches ${unknown.map((u) => `"${u}"`).join(', ')} (give case ids like h1/chunked/4, or groups like h1, h1/chunked, smuggling, smuggling/cl-te)`);
  return timeoutMs;
}

function writeReports(values: Record<string, string | boolean | undefined>, report: SuiteReport): void {
  if (typeof values['junit'] === 'string') writeFileSync(values['junit'], renderH1Junit(report));
  if (typeof values['json'] === 'string') writeFileSync(values['json'], renderH1Json(report));
}

/**
 * --faults: the suite in-process against aeronet (demo routes, compression off), clean and under
 * each profile, as `conformance h2 --faults` does. Paths default to the demo routes' (/hello,
 * /echo); timeouts cost no real time on the virtual clock.
 */
async function underFaults(values: Record<string, string | boolean | undefined>, filter: string[]): Promise<number> {
  const faults = faultsFlags(values, 'HTTP/1.1');
  const timeoutMs = checkCommon(values, filter);
  // --path defaults to "/" for remote servers; in-process, aeronet's demo routes answer /hello.
  const givenPath = values['path'] !== '/' ? (values['path'] as string) : '/hello';
  const report = await runH1SuiteUnderFaults(
    {
      timeoutMs,
      filter,
      path: givenPath,
      echoPath: typeof values['echo-path'] === 'string' ? values['echo-path'] : '/echo',
      ...(typeof values['missing-path'] === 'string' ? { missingPath: values['missing-path'] } : {}),
    },
    faults,
  );
  faults.done();
  process.stdout.write(renderH1Text(report));
  writeReports(values, report);
  return report.cases.some((c) => verdictWithFaults(c) === 'failed') ? 1 : 0;
}

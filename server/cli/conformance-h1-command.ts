import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { renderH1Json, renderH1Junit, renderH1Text } from '../../harness/conformance/h1/report.js';
import { DEFAULT_MISSING_PATH, DEFAULT_TIMEOUT_MS, runH1Suite, selectH1Cases, summarize } from '../../harness/conformance/h1/run-suite.js';
import { socketTarget } from '../../harness/conformance/h1/target.js';
import { UsageError } from './usage-error.js';

/** The usage lines for `conformance h1`, for the CLI's help text (server/cli/usage.ts). */
export const CONFORMANCE_H1_USAGE = `Options for conformance h1 [ID or group ...]:
  --host <addr>         Server address (required)
  --port <n>            Server port (required)
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
  IDs or groups select cases (h1, h1/chunked, smuggling, smuggling/cl-te/2, ...); default: all.
  Exit 1 when a case fails.
`;

/**
 * `aeronet conformance h1 --host H --port P [--tls [--insecure] [--servername N]] [--timeout MS]
 * [--path P] [--echo-path P] [--missing-path P] [--junit FILE] [--json FILE] [ID or group ...]`:
 * the HTTP/1.1 conformance suite (RFC 9112/9110 origin-server requirements and request
 * smuggling) against any server. `args` are the arguments after "h1". Prints the report tree;
 * returns 1 when a case fails, and throws UsageError (exit 2) on a usage error.
 *
 * Flags are parsed with node's parseArgs directly, as `conformance h2` does: parse-flags.ts
 * refuses positionals, and the case filter is positional.
 */
export async function conformanceH1Command(args: string[]): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  let filter: string[];
  try {
    ({ values, positionals: filter } = parseArgs({
      args,
      strict: true,
      allowPositionals: true,
      options: {
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
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values['help'] === true) throw new UsageError(null);

  const host = values['host'];
  if (typeof host !== 'string' || host === '') throw new UsageError('conformance h1 needs --host');
  const rawPort = values['port'];
  if (typeof rawPort !== 'string') throw new UsageError('conformance h1 needs --port');
  if (!/^[0-9]{1,5}$/.test(rawPort) || Number(rawPort) < 1 || Number(rawPort) > 65535) throw new UsageError(`--port must be an integer from 1 to 65535, got "${rawPort}"`);
  const rawTimeout = values['timeout'];
  let timeoutMs = DEFAULT_TIMEOUT_MS;
  if (typeof rawTimeout === 'string') {
    if (!/^[0-9]{1,7}$/.test(rawTimeout) || Number(rawTimeout) === 0) throw new UsageError(`--timeout must be a positive number of milliseconds, got "${rawTimeout}"`);
    timeoutMs = Number(rawTimeout);
  }
  const tls = values['tls'] === true;
  if (!tls && values['insecure'] === true) throw new UsageError('--insecure applies to --tls only');
  if (!tls && values['servername'] !== undefined) throw new UsageError('--servername applies to --tls only');
  for (const flag of ['path', 'echo-path', 'missing-path'] as const) {
    const p = values[flag];
    // Paths go into the request-line as they are: origin-form, and nothing that would break it.
    if (typeof p === 'string' && !/^\/[\x21-\x7e]*$/.test(p)) throw new UsageError(`--${flag} must be an origin-form path ("/" then visible ASCII), got "${p}"`);
  }
  const { unknown } = selectH1Cases(filter);
  if (unknown.length > 0) throw new UsageError(`no case matches ${unknown.map((u) => `"${u}"`).join(', ')} (give case ids like h1/chunked/4, or groups like h1, h1/chunked, smuggling, smuggling/cl-te)`);

  const target = socketTarget({
    host,
    port: Number(rawPort),
    tls,
    insecure: values['insecure'] === true,
    ...(typeof values['servername'] === 'string' ? { servername: values['servername'] } : {}),
  });
  // One connection first, so that a server that is not there is one error, not a hundred failed cases.
  try {
    (await target.connect()).close();
  } catch (err) {
    process.stderr.write(`aeronet: cannot reach ${target.describe}: ${(err as Error).message}\n`);
    return 1;
  }
  const report = await runH1Suite(target, {
    timeoutMs,
    filter,
    path: values['path'] as string,
    ...(typeof values['echo-path'] === 'string' ? { echoPath: values['echo-path'] } : {}),
    ...(typeof values['missing-path'] === 'string' ? { missingPath: values['missing-path'] } : {}),
  });
  process.stdout.write(renderH1Text(report));
  if (typeof values['junit'] === 'string') writeFileSync(values['junit'], renderH1Junit(report));
  if (typeof values['json'] === 'string') writeFileSync(values['json'], renderH1Json(report));
  return summarize(report.cases).failed > 0 ? 1 : 0;
}

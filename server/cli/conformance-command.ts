import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { renderJson } from '../../harness/conformance/h2/report-json.js';
import { renderJunit } from '../../harness/conformance/h2/report-junit.js';
import { renderText } from '../../harness/conformance/h2/report-text.js';
import { DEFAULT_TIMEOUT_MS, runH2Suite, selectCases, summarize } from '../../harness/conformance/h2/run-suite.js';
import { socketTarget } from '../../harness/conformance/h2/target.js';
import { UsageError } from './usage-error.js';

/**
 * `aeronet conformance h2 --host H --port P [--tls [--insecure] [--servername N]] [--strict]
 * [--timeout MS] [--stall-limit MS] [--path P] [--post-path P] [--large-path P] [--junit FILE]
 * [--json FILE] [ID or group ...]`: the HTTP/2 conformance suite (h2spec's 147 cases and ours) against any
 * server. Prints the report tree; exit 1 when a case fails, 2 on a usage error.
 */
export async function conformanceCommand(args: string[]): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args,
      strict: true,
      allowPositionals: true,
      options: {
        host: { type: 'string' },
        port: { type: 'string' },
        tls: { type: 'boolean', default: false },
        insecure: { type: 'boolean', default: false },
        servername: { type: 'string' },
        strict: { type: 'boolean', default: false },
        timeout: { type: 'string' },
        'stall-limit': { type: 'string' },
        path: { type: 'string', default: '/' },
        'post-path': { type: 'string' },
        'large-path': { type: 'string' },
        junit: { type: 'string' },
        json: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values['help'] === true) throw new UsageError(null);
  const [suite, ...filter] = positionals;
  if (suite === undefined) throw new UsageError('conformance needs a suite: h2');
  if (suite !== 'h2') throw new UsageError(`unknown conformance suite "${suite}" (available: h2)`);

  const host = values['host'];
  if (typeof host !== 'string' || host === '') throw new UsageError('conformance h2 needs --host');
  const rawPort = values['port'];
  if (typeof rawPort !== 'string') throw new UsageError('conformance h2 needs --port');
  if (!/^[0-9]{1,5}$/.test(rawPort) || Number(rawPort) < 1 || Number(rawPort) > 65535) throw new UsageError(`--port must be an integer from 1 to 65535, got "${rawPort}"`);
  const rawTimeout = values['timeout'];
  let timeoutMs = DEFAULT_TIMEOUT_MS;
  if (typeof rawTimeout === 'string') {
    if (!/^[0-9]{1,7}$/.test(rawTimeout) || Number(rawTimeout) === 0) throw new UsageError(`--timeout must be a positive number of milliseconds, got "${rawTimeout}"`);
    timeoutMs = Number(rawTimeout);
  }
  const rawStall = values['stall-limit'];
  let stallLimitMs: number | undefined;
  if (typeof rawStall === 'string') {
    if (!/^[0-9]{1,7}$/.test(rawStall) || Number(rawStall) === 0) throw new UsageError(`--stall-limit must be a positive number of milliseconds, got "${rawStall}"`);
    stallLimitMs = Number(rawStall);
  }
  const tls = values['tls'] === true;
  if (!tls && values['insecure'] === true) throw new UsageError('--insecure applies to --tls only');
  if (!tls && values['servername'] !== undefined) throw new UsageError('--servername applies to --tls only');
  for (const flag of ['path', 'post-path', 'large-path'] as const) {
    const p = values[flag];
    if (typeof p === 'string' && !p.startsWith('/')) throw new UsageError(`--${flag} must start with "/", got "${p}"`);
  }
  const { unknown } = selectCases(filter);
  if (unknown.length > 0) throw new UsageError(`no case matches ${unknown.map((u) => `"${u}"`).join(', ')} (give case ids like http2/6.5.2/1, or groups like http2/6.5, generic, hpack, rfc9113, abuse, h2spec)`);

  const target = socketTarget({
    host,
    port: Number(rawPort),
    tls,
    insecure: values['insecure'] === true,
    ...(typeof values['servername'] === 'string' ? { servername: values['servername'] } : {}),
  });
  // One connection first, so that a server that is not there is one error, not 172 failed cases.
  try {
    (await target.connect()).close();
  } catch (err) {
    process.stderr.write(`aeronet: cannot reach ${target.describe}: ${(err as Error).message}\n`);
    return 1;
  }
  const path = values['path'] as string;
  const report = await runH2Suite(target, {
    strict: values['strict'] === true,
    timeoutMs,
    ...(stallLimitMs !== undefined ? { stallLimitMs } : {}),
    filter,
    path,
    ...(typeof values['post-path'] === 'string' ? { postPath: values['post-path'] } : {}),
    ...(typeof values['large-path'] === 'string' ? { largePath: values['large-path'] } : {}),
  });
  process.stdout.write(renderText(report));
  if (typeof values['junit'] === 'string') writeFileSync(values['junit'], renderJunit(report));
  if (typeof values['json'] === 'string') writeFileSync(values['json'], renderJson(report));
  return summarize(report.cases).failed > 0 ? 1 : 0;
}

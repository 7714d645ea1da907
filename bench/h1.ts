/**
 * `npm run bench:h1`: aeronet's HTTP/1.1 throughput against a plain node:http server serving the
 * same route, both measured by wrk with identical settings.
 *
 * Each measurement starts the server fresh (`--port 0`, URL read from its stdout), checks that one
 * GET /hello really answers 200 with the right body, warms it up with a short wrk run, measures
 * with wrk, and stops it. With --runs N the two servers alternate N times (the order flips every
 * round so neither always runs on a "cold" or "hot" machine) and the median req/s is reported.
 *
 * Exit status: 0 whatever the ratio (a benchmark is not a test); 1 on a setup failure (wrk missing,
 * server not built or not starting, wrong answer) or when wrk saw error responses or socket errors,
 * because then the req/s figure measures failures rather than the server.
 *
 *   node dist/bench/h1.js [--connections 64] [--duration 8s] [--threads 1] [--runs 3] [--warmup 2s]
 *                         [--aeronet-cmd "<shell command>"] [--baseline-cmd "<shell command>"]
 *                         [--json artifacts/bench-h1.json]
 *
 * --aeronet-cmd (or $BENCH_AERONET_CMD) replaces the aeronet server command, e.g. to benchmark the
 * baseline against itself while the CLI does not exist yet:
 *   node dist/bench/h1.js --aeronet-cmd "node dist/bench/node-http-hello.js --port 0" --duration 2s
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { installCleanupHandlers } from './lib/children.js';
import { compareSample, httpGet } from './lib/http-check.js';
import { describeCommand, startServer, type ServerCommand } from './lib/server-process.js';
import { formatInt, formatMs, median, table } from './lib/stats.js';
import { findWrk, runWrk, wrkVersion } from './lib/wrk.js';
import { wrkProblems, type WrkResult } from './lib/wrk-output.js';
import { BenchError, packageRoot, WRK_CLI_OPTIONS, wrkInvalidBanner, wrkSettingsFrom, type WrkSettings } from './lib/bench-support.js';

const TARGET_RATIO = 1.4;
const ROUTE = '/hello';
const EXPECTED = { status: 200, body: 'hello, world\n', contentType: 'text/plain; charset=utf-8' };

interface Settings extends WrkSettings {
  jsonPath: string;
}

const CLI_OPTIONS = {
  ...WRK_CLI_OPTIONS,
  'aeronet-cmd': { type: 'string' },
  'baseline-cmd': { type: 'string' },
  json: { type: 'string', default: join('artifacts', 'bench-h1.json') },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

function parseCli(root: string): { settings: Settings; aeronet: ServerCommand; baseline: ServerCommand } {
  let parsed;
  try {
    parsed = parseArgs({ options: CLI_OPTIONS, strict: true });
  } catch (err) {
    // parseArgs' own errors (unknown option, missing value) are usage errors, not crashes.
    throw new BenchError(`${(err as Error).message} (see --help)`);
  }
  const { values } = parsed;
  if (values.help) {
    // The header comment of this file is the manual; print its usage part.
    console.log(`usage: node dist/bench/h1.js [--connections N] [--duration 8s] [--threads N] [--runs N]
                         [--warmup 2s] [--aeronet-cmd CMD] [--baseline-cmd CMD] [--json PATH]
Defaults: -t1 -c64 -d8s, 3 runs, 2s warm-up, results in artifacts/bench-h1.json.
CMD is a shell command that starts a server and prints its http://host:port URL on stdout
(also settable as $BENCH_AERONET_CMD / $BENCH_BASELINE_CMD).`);
    process.exit(0);
  }

  const settings: Settings = { ...wrkSettingsFrom(values), jsonPath: resolve(root, values.json!) };

  const node = process.execPath;
  const fromShell = (name: string, line: string): ServerCommand => ({ name, command: line, args: [], shell: true, cwd: root });
  const aeronetLine = values['aeronet-cmd'] ?? process.env['BENCH_AERONET_CMD'];
  const baselineLine = values['baseline-cmd'] ?? process.env['BENCH_BASELINE_CMD'];

  const aeronet: ServerCommand = aeronetLine
    ? fromShell('aeronet', aeronetLine)
    // Metrics on (its own listener on a free port), logging at its default level: the ratio is with every request counted.
    : { name: 'aeronet', command: node, args: [join(root, 'dist/cli/aeronet.js'), 'serve', '--host', '127.0.0.1', '--port', '0', '--metrics-port', '0'], cwd: root };
  const baseline: ServerCommand = baselineLine
    ? fromShell('node:http', baselineLine)
    : { name: 'node:http', command: node, args: [join(root, 'dist/bench/node-http-hello.js'), '--host', '127.0.0.1', '--port', '0'], cwd: root };

  // Missing build output is the most likely setup failure; name the fix instead of a spawn error.
  for (const cmd of [aeronet, baseline]) {
    const script = cmd.shell ? undefined : cmd.args[0];
    if (script !== undefined && !existsSync(script)) {
      throw new BenchError(`${cmd.name}: ${script} does not exist. Build first: npm run build (or pass --${cmd === aeronet ? 'aeronet' : 'baseline'}-cmd).`);
    }
  }
  return { settings, aeronet, baseline };
}

interface Measurement {
  server: string;
  round: number;
  url: string;
  requestsPerSec: number;
  totalRequests: number;
  durationSec: number;
  latencyMs: { avg: number; stdev: number; max: number; p50: number | null; p75: number | null; p90: number | null; p99: number | null };
  non2xx3xx: number;
  socketErrors: WrkResult['socketErrors'];
  wrkArgs: string[];
}

async function measure(cmd: ServerCommand, settings: Settings, round: number, wrkPath: string): Promise<Measurement> {
  const server = await startServer(cmd);
  try {
    const url = server.url + ROUTE;
    let sample;
    try {
      sample = await httpGet(url);
    } catch (err) {
      throw new BenchError(`${cmd.name}: GET ${url} failed: ${(err as Error).message}\n${server.recentOutput()}`);
    }
    const diffs = compareSample(sample, EXPECTED);
    if (diffs.length > 0) throw new BenchError(`${cmd.name}: GET ${url} is not the expected hello route:\n  - ${diffs.join('\n  - ')}`);

    const base = { url, threads: settings.threads, connections: settings.connections, wrkPath };
    // Warm-up: lets V8 optimise the hot path so the measured run compares steady states.
    const warm = await runWrk({ ...base, duration: settings.warmup, latency: false });
    const warmProblems = wrkProblems(warm.result);
    if (warmProblems.length > 0) throw new BenchError(wrkInvalidBanner(`${cmd.name} (warm-up, round ${round})`, warmProblems, warm.raw));

    const run = await runWrk({ ...base, duration: settings.duration, latency: true });
    const problems = wrkProblems(run.result);
    if (problems.length > 0) throw new BenchError(wrkInvalidBanner(`${cmd.name} (round ${round})`, problems, run.raw));

    const r = run.result;
    const p = (k: string): number | null => r.percentilesMs[k] ?? null;
    return {
      server: cmd.name,
      round,
      url,
      requestsPerSec: r.requestsPerSec,
      totalRequests: r.totalRequests,
      durationSec: r.durationSec,
      latencyMs: { avg: r.latency.avgMs, stdev: r.latency.stdevMs, max: r.latency.maxMs, p50: p('50'), p75: p('75'), p90: p('90'), p99: p('99') },
      non2xx3xx: r.non2xx3xx,
      socketErrors: r.socketErrors,
      wrkArgs: run.args,
    };
  } finally {
    await server.stop();
  }
}

/** Whether the aeronet command counts metrics (the default command does; a --aeronet-cmd may not). */
function metricsOn(cmd: ServerCommand): boolean {
  return describeCommand(cmd).includes('--metrics-port');
}

function summarize(name: string, ms: Measurement[]) {
  const pick = (f: (m: Measurement) => number | null) => {
    const xs = ms.map(f).filter((x): x is number => x !== null);
    return xs.length > 0 ? median(xs) : null;
  };
  return {
    server: name,
    runs: ms.length,
    medianRequestsPerSec: pick((m) => m.requestsPerSec),
    medianLatencyMs: { avg: pick((m) => m.latencyMs.avg), p50: pick((m) => m.latencyMs.p50), p99: pick((m) => m.latencyMs.p99), max: pick((m) => m.latencyMs.max) },
  };
}

async function main(): Promise<number> {
  const root = packageRoot();
  const { settings, aeronet, baseline } = parseCli(root);

  const wrkPath = findWrk();
  if (wrkPath === null) throw new BenchError('wrk is not installed (not found on PATH). Install it: apt-get install wrk');
  const wrkVer = wrkVersion(wrkPath);

  installCleanupHandlers((sig) => console.error(`\n${sig}: stopping servers and wrk`));

  console.log(`bench:h1  wrk -t${settings.threads} -c${settings.connections} -d${settings.duration} (warm-up ${settings.warmup}), ${settings.runs} run(s) each, GET ${ROUTE}`);
  console.log(`  ${wrkVer} | node ${process.version} | ${cpus().length} CPU(s): ${cpus()[0]?.model ?? '?'}`);
  console.log(`  aeronet:   ${describeCommand(aeronet)}`);
  console.log(`  aeronet metrics: ${metricsOn(aeronet) ? 'on (serve --metrics-port 0), so the ratio is with metrics on' : 'off (--aeronet-cmd without --metrics-port)'}`);
  console.log(`  node:http: ${describeCommand(baseline)}`);

  const measurements: Measurement[] = [];
  let error: string | null = null;
  try {
    for (let round = 1; round <= settings.runs; round++) {
      // ABBA order: whichever server goes second in a round goes first in the next.
      const order = round % 2 === 1 ? [aeronet, baseline] : [baseline, aeronet];
      for (const cmd of order) {
        const m = await measure(cmd, settings, round, wrkPath);
        measurements.push(m);
        console.log(`  round ${round}/${settings.runs} ${m.server.padEnd(9)} ${formatInt(m.requestsPerSec).padStart(9)} req/s  avg ${formatMs(m.latencyMs.avg)}  p99 ${m.latencyMs.p99 === null ? '-' : formatMs(m.latencyMs.p99)}`);
      }
    }
  } catch (err) {
    error = (err as Error).message;
  }

  const a = summarize('aeronet', measurements.filter((m) => m.server === 'aeronet'));
  const b = summarize('node:http', measurements.filter((m) => m.server === 'node:http'));
  const ratio = a.medianRequestsPerSec !== null && b.medianRequestsPerSec ? a.medianRequestsPerSec / b.medianRequestsPerSec : null;

  mkdirSync(dirname(settings.jsonPath), { recursive: true });
  const report = {
    benchmark: 'h1',
    status: error === null ? 'ok' : 'failed',
    error,
    date: new Date().toISOString(),
    settings: { threads: settings.threads, connections: settings.connections, duration: settings.duration, warmup: settings.warmup, runs: settings.runs, route: ROUTE, aeronetMetrics: metricsOn(aeronet) },
    environment: { node: process.version, wrk: wrkVer, cpus: cpus().length, cpuModel: cpus()[0]?.model ?? null, platform: process.platform },
    commands: { aeronet: describeCommand(aeronet), 'node:http': describeCommand(baseline) },
    summary: { aeronet: a, 'node:http': b, ratio, target: TARGET_RATIO, meetsTarget: ratio === null ? null : ratio >= TARGET_RATIO },
    measurements,
  };
  writeFileSync(settings.jsonPath, JSON.stringify(report, null, 2) + '\n');

  if (error !== null) {
    console.error(`\n${error}`);
    console.error(`\nbench:h1 FAILED (partial results in ${settings.jsonPath})`);
    return 1;
  }

  const fmtOpt = (x: number | null) => (x === null ? '-' : formatMs(x));
  console.log('');
  const rows = [a, b].map((s) => [s.server, formatInt(s.medianRequestsPerSec!), fmtOpt(s.medianLatencyMs.avg), fmtOpt(s.medianLatencyMs.p50), fmtOpt(s.medianLatencyMs.p99), fmtOpt(s.medianLatencyMs.max)]);
  for (const line of table(['median of ' + settings.runs, 'req/s', 'avg', 'p50', 'p99', 'max'], rows)) console.log(line);
  console.log('');
  console.log(`aeronet ${formatInt(a.medianRequestsPerSec!)} req/s | node:http ${formatInt(b.medianRequestsPerSec!)} req/s | ratio ${ratio!.toFixed(2)}x (target >= ${TARGET_RATIO}x)`);
  console.log(`results: ${settings.jsonPath}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    // BenchError is an expected setup failure: its message is the whole story, no stack needed.
    console.error(err instanceof BenchError ? `bench:h1: ${err.message}` : err);
    process.exit(1);
  },
);

/**
 * `npm run bench:proxy`: the cost of aeronet's fault proxy with no toxics, against going straight
 * to `aeronet serve`, and against the cheapest relay the machine can run, in one run. Three paths:
 * `direct` (client -> server), `proxy` (client -> fault proxy -> server) and `c-relay` (client ->
 * bench/native/epoll-relay.cpp, a minimal single-threaded epoll relay in C++, no toxics, no JS ->
 * server). The C relay is the yardstick: on a small machine most of a relay's cost is the kernel's
 * work for the extra loopback hop, which no relay avoids, so proxy/c-relay says how much of the gap
 * to direct is the proxy's own code. It is compiled at bench time (g++ -O2, cached in
 * node_modules/.cache/aeronet-bench, rebuilt when the source is newer); without g++, or when the
 * compile fails, that path is skipped with a one-line reason (recorded in the JSON) and the rest runs.
 *
 *   1. req/s: wrk on GET /hello (keep-alive, same settings as bench:h1) on each path; the order of
 *      the paths rotates every round (bench/lib/native-relay.ts rotation: with two paths that is
 *      ABBA, as bench:h1) for --runs rounds and the medians are compared. Target: proxy >= 0.6x direct.
 *   2. MB/s: one 1 GiB GET /bytes/<n> on each path, in the same rotation for --download-runs
 *      rounds, medians compared. Target: proxy >= 0.35x direct. The client
 *      (bench/lib/download-child.ts) is its own process, counts the body, discards it, and checks
 *      it against the demo pattern; a client-only baseline against a trivial sender (blast-server.ts)
 *      shows the client is not the bottleneck. MB = 10^6 bytes.
 *   3. The proxy's peak RSS during each download (VmHWM from /proc/<pid>/status, reset just before
 *      the download), to show its memory stays flat however much it relays.
 *
 * Every process is separate: the server, the proxy (bench/lib/proxy-child.ts: one
 * harness/proxy/runtime with no toxics, its own event loop as in a deployment) or the C relay, and
 * the client (wrk or download-child). Each measurement starts server and relay fresh on port 0.
 *
 * Each measurement also records the CPU share of every process (/proc/<pid>/stat) and of the
 * machine (/proc/stat), and from them CPU time per request / per GB: on a small shared machine the
 * proxy competes with the server and wrk for the same cores, and other tenants' load shows up as
 * busy time outside the benchmark's processes; measurements with more than 30% of a core of that
 * are counted and the summary says NOISY.
 *
 * Exit status: 0 whatever the ratios (a benchmark is not a test); 1 on a setup failure (wrk
 * missing, not built, a server, the proxy or the C relay not starting, a wrong answer), when wrk saw errors, or
 * when a download came back short or with the wrong bytes.
 *
 *   node dist/bench/proxy.js [--connections 64] [--duration 8s] [--threads 1] [--runs 3] [--warmup 2s]
 *                            [--download-runs 2] [--download-size 1073741824] [--download-warmup 67108864]
 *                            [--verify-all] [--skip-client-baseline] [--only wrk|download]
 *                            [--proxy-cpu-prof DIR] [--json artifacts/bench-proxy.json]
 *
 * --proxy-cpu-prof DIR runs the proxy child under `node --cpu-prof --cpu-prof-dir DIR`, one
 * .cpuprofile per proxy process (combine with --only to profile one workload).
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEMO_LIMITS } from '../server/demo/demo-routes.js';
import { installCleanupHandlers } from './lib/children.js';
import { planRequests, runDownloadChild, type DownloadReport, type VerifyMode } from './lib/download.js';
import { compareSample, httpGet } from './lib/http-check.js';
import { outsideShare, readProcMemory, resetPeakRss, startCpuMeter, type CpuShare } from './lib/proc-status.js';
import { describeCommand, startServer, type RunningServer, type ServerCommand } from './lib/server-process.js';
import { formatInt, formatMs, median, table } from './lib/stats.js';
import { findWrk, runWrk, wrkVersion } from './lib/wrk.js';
import { ensureNativeRelay, nativeRelayPaths, rotation, type NativeRelayBuild } from './lib/native-relay.js';
import { wrkProblems } from './lib/wrk-output.js';
import { BenchError, packageRoot, positiveIntFlag, WRK_CLI_OPTIONS, wrkInvalidBanner, wrkSettingsFrom, type WrkSettings } from './lib/bench-support.js';

const TARGET_RPS_RATIO = 0.6;
const TARGET_MBPS_RATIO = 0.35;
const ROUTE = '/hello';
const EXPECTED = { status: 200, body: 'hello, world\n', contentType: 'text/plain; charset=utf-8' };
const GIB = 1024 * 1024 * 1024;
/** A measurement with more than this much of a core busy outside the benchmark's processes was disturbed. */
const NOISY_OUTSIDE_PCT = 30;
/**
 * proxy/c-relay at or above this: the proxy is as fast as the minimal C relay, so a missed
 * proxy/direct target is the relay hop's kernel cost on this machine, not the proxy's code.
 */
const RELAY_PARITY = 0.9;

/** The paths measured, in the order of round 1 (c-relay dropped when it could not be built). */
type Path = 'direct' | 'proxy' | 'c-relay';
const ALL_PATHS: readonly Path[] = ['direct', 'proxy', 'c-relay'];

interface Settings extends WrkSettings {
  downloadRuns: number;
  downloadSize: number;
  downloadWarmup: number;
  verify: VerifyMode;
  clientBaseline: boolean;
  wrk: boolean;
  download: boolean;
  cpuProfDir: string | null;
  jsonPath: string;
}

interface Commands {
  node: string;
  server: ServerCommand;
  proxy: (upstream: string) => ServerCommand;
  /** The C relay in front of the server listening on `upstreamPort`; null when it could not be built. */
  cRelay: ((upstreamPort: string) => ServerCommand) | null;
  cRelayBuild: NativeRelayBuild;
  blast: ServerCommand;
  downloadScript: string;
}

const CLI_OPTIONS = {
  ...WRK_CLI_OPTIONS,
  'download-runs': { type: 'string', default: '2' },
  'download-size': { type: 'string', default: String(GIB) },
  'download-warmup': { type: 'string', default: String(64 * 1024 * 1024) },
  'verify-all': { type: 'boolean', default: false },
  'skip-client-baseline': { type: 'boolean', default: false },
  only: { type: 'string' },
  'proxy-cpu-prof': { type: 'string' },
  json: { type: 'string', default: join('artifacts', 'bench-proxy.json') },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

function parseCli(root: string): { settings: Settings; commands: Commands } {
  let parsed;
  try {
    parsed = parseArgs({ options: CLI_OPTIONS, strict: true });
  } catch (err) {
    throw new BenchError(`${(err as Error).message} (see --help)`);
  }
  const { values } = parsed;
  if (values.help) {
    console.log(`usage: node dist/bench/proxy.js [--connections N] [--duration 8s] [--threads N] [--runs N] [--warmup 2s]
                         [--download-runs N] [--download-size BYTES] [--download-warmup BYTES]
                         [--verify-all] [--skip-client-baseline] [--only wrk|download]
                         [--proxy-cpu-prof DIR] [--json PATH]
Defaults: wrk -t1 -c64 -d8s, 3 runs, 2s warm-up; downloads of 1 GiB, 2 runs, 64 MiB warm-up, first and
last body piece checked (--verify-all: every byte); results in artifacts/bench-proxy.json.
Paths: direct, proxy, c-relay (bench/native/epoll-relay.cpp, built with g++ -O2 into
node_modules/.cache/aeronet-bench; skipped, with the reason, when that fails); the order rotates every round.`);
    process.exit(0);
  }
  const only = values.only;
  if (only !== undefined && only !== 'wrk' && only !== 'download') throw new BenchError(`--only must be wrk or download, got ${JSON.stringify(only)}`);
  const settings: Settings = {
    ...wrkSettingsFrom(values),
    downloadRuns: positiveIntFlag('download-runs', values['download-runs']!),
    downloadSize: positiveIntFlag('download-size', values['download-size']!),
    downloadWarmup: positiveIntFlag('download-warmup', values['download-warmup']!, 0),
    verify: values['verify-all'] ? 'all' : 'ends',
    clientBaseline: !values['skip-client-baseline'],
    wrk: only !== 'download',
    download: only !== 'wrk',
    cpuProfDir: values['proxy-cpu-prof'] === undefined ? null : resolve(values['proxy-cpu-prof']),
    jsonPath: resolve(root, values.json!),
  };
  const node = process.execPath;
  const script = (p: string): string => {
    const full = join(root, p);
    if (!existsSync(full)) throw new BenchError(`${full} does not exist. Build first: npm run build`);
    return full;
  };
  const cli = script('dist/cli/aeronet.js');
  const proxyChild = script('dist/bench/lib/proxy-child.js');
  const blast = script('dist/bench/lib/blast-server.js');
  const downloadScript = script('dist/bench/lib/download-child.js');
  const prof = settings.cpuProfDir === null ? [] : ['--cpu-prof', '--cpu-prof-dir', settings.cpuProfDir];
  // Compiled here, at bench time (only when missing or older than its source): a failure only
  // drops the c-relay path.
  const cRelayBuild = ensureNativeRelay(nativeRelayPaths(root));
  const commands: Commands = {
    node,
    server: { name: 'aeronet', command: node, args: [cli, 'serve', '--host', '127.0.0.1', '--port', '0', '--log-level', 'error'], cwd: root },
    proxy: (upstream) => ({ name: 'proxy', command: node, args: [...prof, proxyChild, '--upstream', upstream], cwd: root }),
    cRelay: cRelayBuild.ok ? (upstreamPort) => ({ name: 'c-relay', command: cRelayBuild.binary, args: [upstreamPort, '0'], cwd: root }) : null,
    cRelayBuild,
    blast: { name: 'blast', command: node, args: [blast, '--host', '127.0.0.1', '--port', '0'], cwd: root },
    downloadScript,
  };
  return { settings, commands };
}

/** host:port of a base URL as startServer returns it ("http://127.0.0.1:41234" -> "127.0.0.1:41234"). */
function hostPort(url: string): string {
  return new URL(url).host;
}

function mib(bytes: number | null): string {
  return bytes === null ? '-' : `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

/**
 * Starts `aeronet serve` and, for the proxy and c-relay paths, that relay in front of it; runs `fn`
 * against whichever the client should use; stops both (relay first) whatever happens. `relay` is
 * the proxy child or the C relay, null for direct; its CPU is labelled with the path's name.
 */
async function withTarget<T>(path: Path, commands: Commands, fn: (baseUrl: string, procs: { server: ChildProcess; relay: ChildProcess | null }) => Promise<T>): Promise<T> {
  const server = await startServer(commands.server);
  let relay: RunningServer | null = null;
  try {
    if (path === 'proxy') relay = await startServer(commands.proxy(hostPort(server.url)));
    if (path === 'c-relay') {
      if (commands.cRelay === null) throw new BenchError('c-relay: not built');
      relay = await startServer(commands.cRelay(new URL(server.url).port));
    }
    const base = relay?.url ?? server.url;
    try {
      return await fn(base, { server: server.child, relay: relay?.child ?? null });
    } catch (err) {
      const tails = [server, relay].filter((s): s is RunningServer => s !== null).map((s) => `--- last output of ${s.name} ---\n${s.recentOutput() || '(nothing)'}`);
      (err as Error).message += `\n${tails.join('\n')}`;
      throw err;
    }
  } finally {
    if (relay) await relay.stop();
    await server.stop();
  }
}

/** The CPU-meter pids of a measurement: the server and, unless direct, the relay under the path's name. */
function meteredPids(path: Path, procs: { server: ChildProcess; relay: ChildProcess | null }): Record<string, number | undefined> {
  return path === 'direct' ? { server: procs.server.pid } : { server: procs.server.pid, [path]: procs.relay?.pid };
}

async function checkHello(path: Path, base: string): Promise<void> {
  const url = base + ROUTE;
  let sample;
  try {
    sample = await httpGet(url);
  } catch (err) {
    throw new BenchError(`${path}: GET ${url} failed: ${(err as Error).message}`);
  }
  const diffs = compareSample(sample, EXPECTED);
  if (diffs.length > 0) throw new BenchError(`${path}: GET ${url} is not the expected hello route:\n  - ${diffs.join('\n  - ')}`);
}

interface WrkMeasurement {
  path: Path;
  round: number;
  url: string;
  requestsPerSec: number;
  totalRequests: number;
  durationSec: number;
  latencyMs: { avg: number; p50: number | null; p99: number | null; max: number };
  /** The proxy's VmHWM at the end of the run (since it started); null for direct and c-relay. */
  proxyPeakRssBytes: number | null;
  /** CPU use during the measured run (% of one core): server, proxy or c-relay, wrk, and the whole machine. */
  cpu: CpuShare;
  /**
   * CPU time per request (us) of the server and of the relay in between (proxy or C relay; null
   * when not on this path): far less sensitive to other load than req/s.
   */
  cpuUsPerRequest: { server: number | null; proxy: number | null; cRelay: number | null };
  wrkArgs: string[];
}

async function measureWrk(path: Path, round: number, settings: Settings, commands: Commands, wrkPath: string): Promise<WrkMeasurement> {
  return withTarget(path, commands, async (base, procs) => {
    const proxy = path === 'proxy' ? procs.relay : null;
    await checkHello(path, base);
    const url = base + ROUTE;
    const opts = { url, threads: settings.threads, connections: settings.connections, wrkPath };
    const warm = await runWrk({ ...opts, duration: settings.warmup, latency: false });
    const warmProblems = wrkProblems(warm.result);
    if (warmProblems.length > 0) throw new BenchError(wrkInvalidBanner(`${path} (warm-up, round ${round})`, warmProblems, warm.raw));
    const meter = startCpuMeter(meteredPids(path, procs), 'wrk');
    const run = await runWrk({ ...opts, duration: settings.duration, latency: true });
    const cpu = meter();
    const problems = wrkProblems(run.result);
    if (problems.length > 0) throw new BenchError(wrkInvalidBanner(`${path} (round ${round})`, problems, run.raw));
    const r = run.result;
    return {
      path,
      round,
      url,
      requestsPerSec: r.requestsPerSec,
      totalRequests: r.totalRequests,
      durationSec: r.durationSec,
      latencyMs: { avg: r.latency.avgMs, p50: r.percentilesMs['50'] ?? null, p99: r.percentilesMs['99'] ?? null, max: r.latency.maxMs },
      proxyPeakRssBytes: proxy?.pid === undefined ? null : (readProcMemory(proxy.pid)?.peakRssBytes ?? null),
      cpu,
      cpuUsPerRequest: {
        server: perUnit(cpu.processes['server'], r.requestsPerSec, 1e6),
        proxy: perUnit(cpu.processes['proxy'], r.requestsPerSec, 1e6),
        cRelay: perUnit(cpu.processes['c-relay'], r.requestsPerSec, 1e6),
      },
      wrkArgs: run.args,
    };
  });
}

interface DownloadMeasurement extends DownloadReport {
  path: Path | 'client-baseline';
  round: number;
  url: string;
  /** The proxy's RSS just before the measured download, and its peak during it; null for direct and c-relay. */
  proxyRssBeforeBytes: number | null;
  proxyPeakRssBytes: number | null;
  /** 'download' when VmHWM could be reset before the download, else 'process' (peak since start). */
  proxyPeakScope: 'download' | 'process' | null;
  /** CPU use during the measured download (% of one core): server, proxy or c-relay, client, whole machine. */
  cpu: CpuShare;
  /** CPU seconds per GB (10^9 bytes) relayed, per process (keys as in cpu.processes). */
  cpuSecPerGB: Record<string, number | null>;
}

function downloadTimeoutMs(bytes: number): number {
  // Generous: a run slower than 5 MB/s is broken anyway, and must not hang the benchmark.
  return 30_000 + (bytes / 5e6) * 1000;
}

async function download(url: string, size: number, settings: Settings, commands: Commands): Promise<DownloadReport> {
  const sizes = planRequests(size, DEMO_LIMITS.maxBytes);
  const report = await runDownloadChild({ node: commands.node, script: commands.downloadScript, url, sizes, verify: settings.verify, timeoutMs: downloadTimeoutMs(size) });
  if (report.bytes !== size) throw new BenchError(`download from ${url}: ${report.bytes} body bytes, expected ${size}`);
  return report;
}

async function measureDownload(path: Path, round: number, settings: Settings, commands: Commands): Promise<DownloadMeasurement> {
  return withTarget(path, commands, async (base, procs) => {
    // Warm-up: V8 optimises server, proxy and client before the measured transfer.
    if (settings.downloadWarmup > 0) await download(base, settings.downloadWarmup, settings, commands);
    // The download (download() checks the byte count; the client checks the pattern) is the same
    // on every path: the C relay has to pass the same checks as the proxy.
    const pid = path === 'proxy' ? procs.relay?.pid : undefined;
    const before = pid === undefined ? null : readProcMemory(pid);
    const reset = pid === undefined ? false : resetPeakRss(pid);
    const meter = startCpuMeter(meteredPids(path, procs));
    const report = await download(base, settings.downloadSize, settings, commands);
    const cpu = withClient(meter(), report);
    const after = pid === undefined ? null : readProcMemory(pid);
    return {
      ...report,
      path,
      round,
      url: base,
      proxyRssBeforeBytes: before?.rssBytes ?? null,
      proxyPeakRssBytes: after?.peakRssBytes ?? null,
      proxyPeakScope: pid === undefined ? null : reset ? 'download' : 'process',
      cpu,
      cpuSecPerGB: perGB(cpu, report),
    };
  });
}

/** The client against a sender that does nothing but write precomputed pattern buffers. */
async function measureClientBaseline(settings: Settings, commands: Commands): Promise<DownloadMeasurement> {
  const blast = await startServer(commands.blast);
  try {
    if (settings.downloadWarmup > 0) await download(blast.url, settings.downloadWarmup, settings, commands);
    const meter = startCpuMeter({ server: blast.child.pid });
    const report = await download(blast.url, settings.downloadSize, settings, commands);
    const cpu = withClient(meter(), report);
    return { ...report, path: 'client-baseline', round: 1, url: blast.url, proxyRssBeforeBytes: null, proxyPeakRssBytes: null, proxyPeakScope: null, cpu, cpuSecPerGB: perGB(cpu, report) };
  } finally {
    await blast.stop();
  }
}

/** CPU per unit of work: `sharePct` of a core at `ratePerSec` units/s, scaled (1e6: us per unit). */
function perUnit(sharePct: number | null | undefined, ratePerSec: number, scale: number): number | null {
  return sharePct === null || sharePct === undefined || !(ratePerSec > 0) ? null : ((sharePct / 100) * scale) / ratePerSec;
}

function perGB(cpu: CpuShare, report: DownloadReport): Record<string, number | null> {
  const gbPerSec = report.bytes / 1e9 / (report.ms / 1000);
  return Object.fromEntries(Object.entries(cpu.processes).map(([k, v]) => [k, perUnit(v, gbPerSec, 1)]));
}

/** Adds the client's own CPU share (it measures its CPU time over the transfer itself). */
function withClient(cpu: CpuShare, report: DownloadReport): CpuShare {
  return { ...cpu, processes: { ...cpu.processes, client: report.ms > 0 ? (100 * report.cpuMs) / report.ms : null } };
}

/**
 * "cpu server 98% proxy 61% wrk 40% | machine 199% of 200%, 0% outside these (steal 3%)": the rest
 * is the kernel's loopback work not charged to a process, and whatever else shares the machine.
 */
function formatCpu(cpu: CpuShare): string {
  const pct = (x: number | null | undefined) => (x === null || x === undefined ? '-' : `${Math.round(x)}%`);
  const procs = Object.entries(cpu.processes).filter(([, v]) => v !== null).map(([k, v]) => `${k} ${pct(v)}`).join(' ');
  const rest = outsideShare(cpu);
  return `cpu ${procs} | machine ${pct(cpu.machineBusy)} of ${cpus().length * 100}%, ${pct(rest)} outside these (steal ${pct(cpu.machineSteal)})`;
}

function medianOf<T>(xs: readonly T[], f: (x: T) => number | null): number | null {
  const vs = xs.map(f).filter((v): v is number => v !== null);
  return vs.length > 0 ? median(vs) : null;
}

function ratioOf(a: number | null, b: number | null): number | null {
  return a !== null && b !== null && b > 0 ? a / b : null;
}

/** Medians of one figure per path (null for a path not measured or skipped). */
interface PerPath {
  direct: number | null;
  proxy: number | null;
  cRelay: number | null;
}

/** The three comparisons of a figure: proxy/direct (the one with a target), c-relay/direct, proxy/c-relay. */
function compare(f: PerPath, target: number) {
  const ratio = ratioOf(f.proxy, f.direct);
  const proxyVsCRelay = ratioOf(f.proxy, f.cRelay);
  const meetsTarget = ratio === null ? null : ratio >= target;
  const proxyAsFastAsCRelay = proxyVsCRelay === null ? null : proxyVsCRelay >= RELAY_PARITY;
  return {
    ...f,
    /** proxy/direct. */
    ratio,
    target,
    meetsTarget,
    cRelayVsDirect: ratioOf(f.cRelay, f.direct),
    proxyVsCRelay,
    proxyAsFastAsCRelay,
    /** The target is missed, but so would a minimal C relay: the gap is the relay hop's kernel cost. */
    gapIsRelayKernelCost: meetsTarget === false && proxyAsFastAsCRelay === true,
  };
}

async function main(): Promise<number> {
  const root = packageRoot();
  const { settings, commands } = parseCli(root);

  let wrkPath: string | null = null;
  let wrkVer: string | null = null;
  if (settings.wrk) {
    wrkPath = findWrk();
    if (wrkPath === null) throw new BenchError('wrk is not installed (not found on PATH). Install it: apt-get install wrk');
    wrkVer = wrkVersion(wrkPath);
  }
  if (settings.cpuProfDir !== null) mkdirSync(settings.cpuProfDir, { recursive: true });
  installCleanupHandlers((sig) => console.error(`\n${sig}: stopping servers, relays and clients`));

  const build = commands.cRelayBuild;
  const paths = ALL_PATHS.filter((p) => p !== 'c-relay' || build.ok);
  const sizes = planRequests(settings.downloadSize, DEMO_LIMITS.maxBytes);
  console.log(`bench:proxy  aeronet serve direct vs through the fault proxy (harness/proxy/runtime, no toxics) vs through a minimal C epoll relay`);
  if (settings.wrk) console.log(`  req/s:  wrk -t${settings.threads} -c${settings.connections} -d${settings.duration} (warm-up ${settings.warmup}), ${settings.runs} run(s) each, GET ${ROUTE}, keep-alive`);
  if (settings.download) {
    const req = sizes.length === 1 ? `GET /bytes/${sizes[0]}` : `${sizes.length} x GET /bytes/<=${DEMO_LIMITS.maxBytes} (DEMO_LIMITS.maxBytes) summing to ${settings.downloadSize} bytes`;
    console.log(`  MB/s:   ${req}, ${settings.downloadRuns} run(s) each, warm-up ${mib(settings.downloadWarmup)}, pattern check: ${settings.verify === 'all' ? 'every byte' : 'first and last piece'}`);
  }
  console.log(`  ${wrkVer ?? 'wrk not used'} | node ${process.version} | ${cpus().length} CPU(s): ${cpus()[0]?.model ?? '?'}`);
  console.log(`  server:  ${describeCommand(commands.server)}`);
  console.log(`  proxy:   ${describeCommand(commands.proxy('<server>'))}`);
  if (build.ok) console.log(`  c-relay: ${describeCommand(commands.cRelay!('<server port>'))} (${build.build === 'compiled' ? `compiled now: ${build.command}` : 'binary up to date'})`);
  else console.log(`  c-relay: skipped, ${build.reason}`);
  if (settings.download) console.log(`  client:  ${commands.node} ${commands.downloadScript} --url <target> --sizes ${sizes.join(',')} --verify ${settings.verify}`);

  const wrkRuns: WrkMeasurement[] = [];
  const downloads: DownloadMeasurement[] = [];
  let clientBaseline: DownloadMeasurement | null = null;
  let error: string | null = null;
  const label = (p: string) => p.padEnd(7);
  try {
    if (settings.wrk) {
      for (let round = 1; round <= settings.runs; round++) {
        for (const path of rotation(paths, round)) {
          const m = await measureWrk(path, round, settings, commands, wrkPath!);
          wrkRuns.push(m);
          const rss = m.proxyPeakRssBytes === null ? '' : `  proxy peak RSS ${mib(m.proxyPeakRssBytes)}`;
          console.log(`  wrk      round ${round}/${settings.runs} ${label(path)} ${formatInt(m.requestsPerSec).padStart(9)} req/s  avg ${formatMs(m.latencyMs.avg)}  p99 ${m.latencyMs.p99 === null ? '-' : formatMs(m.latencyMs.p99)}${rss}`);
          console.log(`           ${formatCpu(m.cpu)}`);
        }
      }
    }
    if (settings.download) {
      if (settings.clientBaseline) {
        clientBaseline = await measureClientBaseline(settings, commands);
        console.log(`  download client baseline (trivial sender) ${formatInt(clientBaseline.mbPerSec).padStart(6)} MB/s  ${formatMs(clientBaseline.ms)}`);
        console.log(`           ${formatCpu(clientBaseline.cpu)}`);
      }
      for (let round = 1; round <= settings.downloadRuns; round++) {
        for (const path of rotation(paths, round)) {
          const m = await measureDownload(path, round, settings, commands);
          downloads.push(m);
          const rss = m.proxyPeakRssBytes === null ? '' : `  proxy RSS ${mib(m.proxyRssBeforeBytes)} before, peak ${mib(m.proxyPeakRssBytes)}${m.proxyPeakScope === 'process' ? ' (since start)' : ''}`;
          console.log(`  download round ${round}/${settings.downloadRuns} ${label(path)} ${formatInt(m.mbPerSec).padStart(9)} MB/s   ${formatMs(m.ms)}  ${m.checkedPieces} piece(s) checked${rss}`);
          console.log(`           ${formatCpu(m.cpu)}`);
        }
      }
    }
  } catch (err) {
    error = (err as Error).message;
  }

  const wrkOf = (p: Path) => wrkRuns.filter((m) => m.path === p);
  const dlOf = (p: Path) => downloads.filter((m) => m.path === p);
  const perPath = <M>(of: (p: Path) => M[], f: (m: M) => number | null): PerPath => ({ direct: medianOf(of('direct'), f), proxy: medianOf(of('proxy'), f), cRelay: medianOf(of('c-relay'), f) });
  const rps = compare(perPath(wrkOf, (m) => m.requestsPerSec), TARGET_RPS_RATIO);
  const mbps = compare(perPath(dlOf, (m) => m.mbPerSec), TARGET_MBPS_RATIO);
  const peaks = dlOf('proxy').map((m) => m.proxyPeakRssBytes).filter((x): x is number => x !== null);
  const proxyPeakRss = peaks.length > 0 ? Math.max(...peaks) : null;
  const befores = dlOf('proxy').map((m) => m.proxyRssBeforeBytes).filter((x): x is number => x !== null);
  const proxyRssBefore = befores.length > 0 ? Math.max(...befores) : null;
  const us = (p: Path, k: 'server' | 'proxy' | 'cRelay') => medianOf(wrkOf(p), (m) => m.cpuUsPerRequest[k]);
  const cpuPerRequest = {
    direct: { server: us('direct', 'server') },
    proxy: { server: us('proxy', 'server'), proxy: us('proxy', 'proxy') },
    cRelay: { server: us('c-relay', 'server'), cRelay: us('c-relay', 'cRelay') },
  };
  const gb = (p: Path, k: string) => medianOf(dlOf(p), (m) => m.cpuSecPerGB[k] ?? null);
  const cpuPerGB = {
    direct: { server: gb('direct', 'server'), client: gb('direct', 'client') },
    proxy: { server: gb('proxy', 'server'), proxy: gb('proxy', 'proxy'), client: gb('proxy', 'client') },
    cRelay: { server: gb('c-relay', 'server'), cRelay: gb('c-relay', 'c-relay'), client: gb('c-relay', 'client') },
  };
  const all = [...wrkRuns, ...downloads];
  const noisy = all.filter((m) => (outsideShare(m.cpu) ?? 0) > NOISY_OUTSIDE_PCT).length;

  mkdirSync(dirname(settings.jsonPath), { recursive: true });
  const report = {
    benchmark: 'proxy',
    status: error === null ? 'ok' : 'failed',
    error,
    date: new Date().toISOString(),
    settings: {
      threads: settings.threads,
      connections: settings.connections,
      duration: settings.duration,
      warmup: settings.warmup,
      runs: settings.runs,
      route: ROUTE,
      downloadRuns: settings.downloadRuns,
      downloadSize: settings.downloadSize,
      downloadRequests: sizes,
      downloadWarmup: settings.downloadWarmup,
      verify: settings.verify,
      only: settings.wrk && settings.download ? null : settings.wrk ? 'wrk' : 'download',
      proxyCpuProf: settings.cpuProfDir,
      /** Round 1's order; round r is this rotated left by r - 1. */
      paths,
    },
    environment: { node: process.version, wrk: wrkVer, cpus: cpus().length, cpuModel: cpus()[0]?.model ?? null, platform: process.platform },
    commands: {
      server: describeCommand(commands.server),
      proxy: describeCommand(commands.proxy('<server host:port>')),
      cRelay: commands.cRelay === null ? null : describeCommand(commands.cRelay('<server port>')),
      blast: describeCommand(commands.blast),
      downloadClient: `${commands.node} ${commands.downloadScript}`,
    },
    cRelay: build.ok
      ? { status: 'ok', reason: null, build: build.build, binary: build.binary, compileCommand: build.command }
      : { status: 'skipped', reason: build.reason, build: null, binary: null, compileCommand: build.command },
    summary: {
      requestsPerSec: rps,
      downloadMBps: { ...mbps, clientBaseline: clientBaseline?.mbPerSec ?? null },
      relayParity: RELAY_PARITY,
      proxyPeakRssBytesDuringDownload: proxyPeakRss,
      proxyRssBeforeDownloadBytes: proxyRssBefore,
      cpuUsPerRequest: cpuPerRequest,
      cpuSecPerGB: cpuPerGB,
      noisyMeasurements: { count: noisy, of: all.length, thresholdPctOutside: NOISY_OUTSIDE_PCT },
    },
    measurements: { wrk: wrkRuns, download: downloads, clientBaseline },
  };
  writeFileSync(settings.jsonPath, JSON.stringify(report, null, 2) + '\n');

  if (error !== null) {
    console.error(`\n${error}`);
    console.error(`\nbench:proxy FAILED (partial results in ${settings.jsonPath})`);
    return 1;
  }

  const fmt = (x: number | null) => (x === null ? '-' : formatInt(x));
  const fmtRelay = (x: number | null) => (build.ok ? fmt(x) : 'skipped');
  const fmtRatio = (x: number | null) => (x === null ? '-' : `${x.toFixed(2)}x`);
  const verdict = (r: number | null, t: number) => (r === null ? '-' : r >= t ? 'ok' : 'MISSED');
  const row = (what: string, c: ReturnType<typeof compare>) => [what, fmt(c.direct), fmt(c.proxy), fmtRelay(c.cRelay), fmtRatio(c.ratio), `>= ${c.target}x`, verdict(c.ratio, c.target), fmtRatio(c.cRelayVsDirect), fmtRatio(c.proxyVsCRelay)];
  const rows: string[][] = [];
  if (settings.wrk) rows.push(row(`req/s, GET ${ROUTE} (median of ${settings.runs})`, rps));
  if (settings.download) rows.push(row(`MB/s, ${mib(settings.downloadSize)} GET (median of ${settings.downloadRuns})`, mbps));
  console.log('');
  for (const line of table(['', 'direct', 'proxy', 'c-relay', 'proxy/direct', 'target', '', 'c-relay/direct', 'proxy/c-relay'], rows)) console.log(line);
  const explained = [settings.wrk && rps.gapIsRelayKernelCost ? 'req/s' : null, settings.download && mbps.gapIsRelayKernelCost ? 'MB/s' : null].filter((x) => x !== null);
  if (explained.length > 0) {
    console.log(`${explained.join(' and ')}: the proxy is as fast as a minimal C epoll relay here: the gap to direct is the relay's kernel cost on this machine`);
  }
  console.log('');
  const parts: string[] = [];
  if (settings.wrk) parts.push(`req/s ${fmt(rps.direct)} direct, ${fmt(rps.proxy)} proxy: ${fmtRatio(rps.ratio)} (target >= ${TARGET_RPS_RATIO}x)`);
  if (settings.download) parts.push(`MB/s ${fmt(mbps.direct)} direct, ${fmt(mbps.proxy)} proxy: ${fmtRatio(mbps.ratio)} (target >= ${TARGET_MBPS_RATIO}x)`);
  console.log(`proxy/direct | ${parts.join(' | ')}`);
  if (build.ok) {
    const relayParts: string[] = [];
    if (settings.wrk) relayParts.push(`req/s ${fmt(rps.cRelay)} c-relay: c-relay/direct ${fmtRatio(rps.cRelayVsDirect)}, proxy/c-relay ${fmtRatio(rps.proxyVsCRelay)}`);
    if (settings.download) relayParts.push(`MB/s ${fmt(mbps.cRelay)} c-relay: c-relay/direct ${fmtRatio(mbps.cRelayVsDirect)}, proxy/c-relay ${fmtRatio(mbps.proxyVsCRelay)}`);
    console.log(`c-relay      | ${relayParts.join(' | ')}`);
  }
  const usFmt = (x: number | null) => (x === null ? '-' : `${x.toFixed(1)} us`);
  const sec = (x: number | null) => (x === null ? '-' : `${x.toFixed(2)} s`);
  const viaRelay = (text: string) => (build.ok ? ` | through the C relay: ${text}` : '');
  if (settings.wrk) {
    console.log(
      `CPU per request (medians): direct: server ${usFmt(cpuPerRequest.direct.server)} | through the proxy: proxy ${usFmt(cpuPerRequest.proxy.proxy)}, server ${usFmt(cpuPerRequest.proxy.server)}` +
        viaRelay(`c-relay ${usFmt(cpuPerRequest.cRelay.cRelay)}, server ${usFmt(cpuPerRequest.cRelay.server)}`),
    );
  }
  if (settings.download) {
    console.log(
      `CPU per GB (medians): direct: server ${sec(cpuPerGB.direct.server)}, client ${sec(cpuPerGB.direct.client)} | through the proxy: proxy ${sec(cpuPerGB.proxy.proxy)}, server ${sec(cpuPerGB.proxy.server)}, client ${sec(cpuPerGB.proxy.client)}` +
        viaRelay(`c-relay ${sec(cpuPerGB.cRelay.cRelay)}, server ${sec(cpuPerGB.cRelay.server)}, client ${sec(cpuPerGB.cRelay.client)}`),
    );
  }
  if (settings.download) {
    const scope = dlOf('proxy').some((m) => m.proxyPeakScope === 'process') ? ' (VmHWM since the proxy started: could not reset it)' : ' (VmHWM, reset just before each download)';
    console.log(`proxy peak RSS during a ${mib(settings.downloadSize)} download: ${mib(proxyPeakRss)}${scope}; ${mib(proxyRssBefore)} before it`);
    if (clientBaseline) console.log(`download client alone (trivial sender): ${formatInt(clientBaseline.mbPerSec)} MB/s`);
  }
  if (noisy > 0) {
    console.log(`NOISY: ${noisy} of ${all.length} measurements had more than ${NOISY_OUTSIDE_PCT}% of a core busy outside the benchmark's processes; the ratios are unreliable (the CPU-per-request figures less so). Rerun on a quiet machine.`);
  }
  console.log(`results: ${settings.jsonPath}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof BenchError ? `bench:proxy: ${err.message}` : err);
    process.exit(1);
  },
);

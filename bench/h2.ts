/**
 * `npm run bench:h2`: aeronet's HTTP/2 throughput on GET /hello against node:http2 at its best, the
 * stream API (`server.on('stream')`, `stream.respond()`: node-http2-stream.ts), with two more
 * reference lines: node:http2's compatibility API (req/res, what this benchmark compared against
 * before: slower, so it flatters us) and nghttpd, nghttp2's C server, as the native reference.
 * All measured by h2load with identical settings, h2c with prior knowledge; each peer's answer is
 * checked first, then rounds alternate the order and medians are compared
 * (bench/lib/h2-matrix-run.ts, the same runner as bench:h2-matrix).
 *
 * Exit status: 0 whatever the ratio (a benchmark is not a test); 1 on a setup failure, a wrong
 * answer, or when h2load saw failed, errored or non-2xx requests.
 *
 *   node dist/bench/h2.js [--clients 16] [--streams 32] [--duration 8] [--warmup 2] [--runs 3]
 *                         [--peers aeronet,node:http2,node:http2 compat,nghttpd] [--json PATH]
 */
import { rmSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { installCleanupHandlers } from './lib/children.js';
import { benchArgs, BenchError, packageRoot, positiveIntFlag, runBench, writeBenchJson } from './lib/bench-support.js';
import { findH2load } from './lib/h2load.js';
import { benchFiles, makePeers, parsePeerList } from './lib/h2-peers.js';
import { H2_SCENARIOS, type H2Scenario } from './lib/h2-scenarios.js';
import { cpuCell, figureCell, runScenario } from './lib/h2-matrix-run.js';
import { formatInt, table } from './lib/stats.js';

/** The issue's target: >= 1.5x node:http2's stream API on /hello -c16 -m32. */
const TARGET_RATIO = 1.5;

async function main(): Promise<number> {
  const root = packageRoot();
  const values = benchArgs({
    clients: { type: 'string', default: '16' },
    streams: { type: 'string', default: '32' },
    duration: { type: 'string', default: '8' },
    warmup: { type: 'string', default: '2' },
    runs: { type: 'string', default: '3' },
    peers: { type: 'string', default: 'aeronet,node:http2,node:http2 compat,nghttpd' },
    json: { type: 'string', default: join('artifacts', 'bench-h2.json') },
  });
  const clients = positiveIntFlag('clients', values.clients!);
  const streams = positiveIntFlag('streams', values.streams!);
  const seconds = positiveIntFlag('duration', values.duration!);
  const warmup = positiveIntFlag('warmup', values.warmup!);
  const rounds = positiveIntFlag('runs', values.runs!);
  const peerNames = parsePeerList(values.peers!);
  const h2load = findH2load();
  if (h2load === null) throw new BenchError('h2load is not installed. Install it: apt-get install nghttp2-client');
  installCleanupHandlers();
  const scenario: H2Scenario = { ...H2_SCENARIOS.find((s) => s.id === 'hello-c16-m32')!, id: `hello-c${clients}-m${streams}`, title: `/hello c${clients} m${streams}`, clients, streams };
  const files = benchFiles([]);
  try {
    const peers = makePeers(root, files, peerNames);
    console.log(`bench:h2  h2load -c${clients} -m${streams} -D${seconds} (warm-up ${warmup}s), ${rounds} alternating round(s), GET /hello, h2c prior knowledge`);
    console.log(`  node ${process.version} | ${cpus().length} CPU(s): ${cpus()[0]?.model ?? '?'} | aeronet with metrics on (serve --metrics-port 0)`);
    const r = await runScenario({ seconds, warmup, rounds, h2load, files, log: console.log }, peers, scenario);
    for (const p of r.peers) for (const f of p.rounds) console.log(`  round ${f.round}/${rounds} ${p.peer.padEnd(17)} ${formatInt(f.requestsPerSec).padStart(9)} req/s  ${f.cpuMicrosPerRequest === null ? '' : `${f.cpuMicrosPerRequest.toFixed(1)} us CPU/req`}`);
    console.log('');
    const rate = (name: string): number | undefined => r.peers.find((p) => p.peer === name)?.medianRequestsPerSec;
    const a = rate('aeronet')!;
    const rows = r.peers.map((p) => [p.peer, figureCell(r, p.peer), cpuCell(r, p.peer), rate(p.peer) === undefined ? '-' : `${(a / rate(p.peer)!).toFixed(2)}x`]);
    for (const line of table([`median of ${rounds}`, 'req/s', 'CPU us/req', 'aeronet is'], rows)) console.log(line);
    console.log('');
    console.log(`aeronet ${formatInt(a)} req/s vs node:http2 (stream API) ${formatInt(rate('node:http2')!)} req/s: ${r.ratio.toFixed(2)}x (target >= ${TARGET_RATIO}x)`);
    const compat = rate('node:http2 compat');
    if (compat !== undefined) console.log(`  vs node:http2 compatibility API ${formatInt(compat)} req/s: ${(a / compat).toFixed(2)}x`);
    const native = rate('nghttpd');
    if (native !== undefined) console.log(`  nghttpd (C, native reference) ${formatInt(native)} req/s: aeronet at ${((100 * a) / native).toFixed(0)}% of it`);
    const jsonPath = writeBenchJson(root, values.json!, { benchmark: 'h2', settings: { clients, streams, duration: seconds, warmup, runs: rounds, route: '/hello', aeronetMetrics: true, peers: peerNames }, summary: { ratio: r.ratio, target: TARGET_RATIO, compatRatio: compat === undefined ? null : a / compat, nghttpdShare: native === undefined ? null : a / native }, scenario: r });
    console.log(`results: ${jsonPath}`);
    return 0;
  } finally {
    rmSync(files.dir, { recursive: true, force: true });
  }
}

runBench('bench:h2', main);

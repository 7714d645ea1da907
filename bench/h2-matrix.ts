/**
 * `npm run bench:h2-matrix`: aeronet's HTTP/2 against node:http2's stream API and nghttpd over the
 * h2load scenario matrix (bench/lib/h2-scenarios.ts): streams per connection 1/32/100, clients
 * 1/16/64, responses of 13 B/16 KiB/1 MiB, POST /echo with 0 B and 64 KiB bodies, 30 request
 * headers, and TLS with ALPN. Each scenario runs its peers side by side in alternating rounds
 * (bench/lib/h2-matrix-run.ts); the table shows medians and aeronet's ratio over node:http2 on
 * the scenario's figure (req/s, or MB/s for 1 MiB responses). JSON: artifacts/bench-h2-matrix.json.
 *
 * Exit status: 0 whatever the ratios (a benchmark is not a test); 1 on a setup failure, a wrong
 * answer, or h2load errors (then the figure would measure failures). Targets, for the reader:
 * no scenario below 1.0x node:http2; 1 MiB responses >= 1.2x its MB/s.
 *
 *   node dist/bench/h2-matrix.js [--seconds 4] [--warmup 1] [--rounds 3] [--only id,id]
 *                                [--peers aeronet,node:http2,nghttpd] [--json PATH] [--list]
 */
import { rmSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { installCleanupHandlers } from './lib/children.js';
import { benchArgs, BenchError, packageRoot, positiveIntFlag, runBench, writeBenchJson } from './lib/bench-support.js';
import { findH2load } from './lib/h2load.js';
import { benchFiles, makePeers, parsePeerList } from './lib/h2-peers.js';
import { bytesSizes, H2_SCENARIOS, pickScenarios } from './lib/h2-scenarios.js';
import { cpuCell, figureCell, runScenario, type ScenarioResult } from './lib/h2-matrix-run.js';
import { table } from './lib/stats.js';

const MATRIX_FLOOR = 1.0;
const MIB_TARGET = 1.2;

async function main(): Promise<number> {
  const root = packageRoot();
  const values = benchArgs({
    seconds: { type: 'string', default: '4' },
    warmup: { type: 'string', default: '1' },
    rounds: { type: 'string', default: '3' },
    only: { type: 'string' },
    peers: { type: 'string', default: 'aeronet,node:http2,nghttpd' },
    json: { type: 'string', default: join('artifacts', 'bench-h2-matrix.json') },
    list: { type: 'boolean', default: false },
  });
  if (values.list) {
    for (const s of H2_SCENARIOS) console.log(`${s.id.padEnd(14)} ${s.title}`);
    return 0;
  }
  const seconds = positiveIntFlag('seconds', values.seconds!);
  const warmup = positiveIntFlag('warmup', values.warmup!);
  const rounds = positiveIntFlag('rounds', values.rounds!);
  const scenarios = pickScenarios(values.only);
  const peerNames = parsePeerList(values.peers!);
  const h2load = findH2load();
  if (h2load === null) throw new BenchError('h2load is not installed. Install it: apt-get install nghttp2-client');
  installCleanupHandlers();
  const files = benchFiles(bytesSizes(scenarios));
  try {
    const peers = makePeers(root, files, peerNames);
    console.log(`bench:h2-matrix  ${scenarios.length} scenario(s) x ${peers.map((p) => p.name).join(', ')}; h2load -D${seconds} (warm-up ${warmup}s), ${rounds} alternating round(s), medians`);
    console.log(`  node ${process.version} | ${cpus().length} CPU(s): ${cpus()[0]?.model ?? '?'} | aeronet with metrics on`);
    const results: ScenarioResult[] = [];
    for (const s of scenarios) {
      const r = await runScenario({ seconds, warmup, rounds, h2load, files, log: console.log }, peers, s);
      results.push(r);
      console.log(`  ${s.id.padEnd(14)} ${peers.map((p) => `${p.name} ${figureCell(r, p.name)}`).join(' | ')} | ${r.ratio.toFixed(2)}x`);
    }
    console.log('');
    const header = ['scenario', ...peers.map((p) => p.name), 'ratio', 'CPU us/req aeronet', 'node:http2', 'CPU ratio'];
    const rows = results.map((r) => [r.title, ...peers.map((p) => figureCell(r, p.name)), `${r.ratio.toFixed(2)}x`, cpuCell(r, 'aeronet'), cpuCell(r, 'node:http2'), r.cpuRatio === null ? '-' : `${r.cpuRatio.toFixed(2)}x`]);
    for (const line of table(header, rows)) console.log(line);
    const below = results.filter((r) => r.ratio < MATRIX_FLOOR);
    const mib = results.find((r) => r.id === 'body-1m');
    console.log('');
    console.log(`lowest ratio ${Math.min(...results.map((r) => r.ratio)).toFixed(2)}x (target: none below ${MATRIX_FLOOR.toFixed(1)}x)${below.length > 0 ? `; below: ${below.map((r) => r.id).join(', ')}` : ''}`);
    if (mib !== undefined) console.log(`1 MiB responses ${mib.ratio.toFixed(2)}x node:http2's MB/s (target >= ${MIB_TARGET}x); CPU ratio ${mib.cpuRatio?.toFixed(2) ?? '-'}x`);
    console.log('ratio: aeronet / node:http2 on the figure; CPU ratio: node:http2 CPU per request / aeronet\'s (server process, user + system; above 1: aeronet spends less)');
    for (const r of results) for (const p of r.peers) if (p.skipped !== undefined) console.log(`  ${r.id}: ${p.peer} n/a (${p.skipped})`);
    const jsonPath = writeBenchJson(root, values.json!, { benchmark: 'h2-matrix', settings: { seconds, warmup, rounds, peers: peerNames }, targets: { floor: MATRIX_FLOOR, mib: MIB_TARGET }, scenarios: results });
    console.log(`results: ${jsonPath}`);
    return 0;
  } finally {
    rmSync(files.dir, { recursive: true, force: true });
  }
}

runBench('bench:h2-matrix', main);

/**
 * Runs HTTP/2 scenarios against several peers with h2load, side by side: for each scenario every
 * peer is started fresh, its answer checked (status, length and octets, over h2c or TLS with
 * ALPN), warmed up, then measured in rounds whose order alternates (A B C, C B A, ...) so that no
 * peer always runs first on a cold machine or last on a hot one. The figure of a scenario is the
 * median over rounds; the ratio is aeronet's median over node:http2's.
 */
import http2 from 'node:http2';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { patternBytes } from '../../server/demo/demo-routes.js';
import { SIM_CA_PEM, SIM_TLS_SERVERNAME } from '../../harness/sim/sim-certs.js';
import { BenchError } from './bench-support.js';
import { h2loadProblems, runH2load } from './h2load.js';
import { extraHeaders, h2loadArgs, type H2Scenario } from './h2-scenarios.js';
import type { BenchFiles, H2Peer } from './h2-peers.js';
import type { RunningServer } from './server-process.js';
import { median } from './stats.js';
import { readProcCpuTimes } from './proc-status.js';

export interface RoundFigure {
  round: number;
  requestsPerSec: number;
  bytesPerSec: number;
  /** The server process's CPU time (user + system) during the run, per request: what it spent. */
  cpuMicrosPerRequest: number | null;
}

export interface PeerResult {
  peer: string;
  /** Set when the peer did not take part, with the reason. */
  skipped?: string;
  command?: string;
  rounds: RoundFigure[];
  medianRequestsPerSec?: number;
  medianBytesPerSec?: number;
  medianCpuMicrosPerRequest?: number;
}

export interface ScenarioResult {
  id: string;
  title: string;
  figure: H2Scenario['figure'];
  h2loadArgs: string[];
  peers: PeerResult[];
  /** aeronet / node:http2 on the scenario's figure. */
  ratio: number;
  /**
   * node:http2's server CPU per request over aeronet's: how much more work per request the peer
   * did. It is the fairer figure where the client saturates its core first (1 MiB responses on
   * a small machine), since then both servers are held to the client's pace.
   */
  cpuRatio: number | null;
}

export interface MatrixSettings {
  seconds: number;
  warmup: number;
  rounds: number;
  h2load: string;
  files: BenchFiles;
  log: (line: string) => void;
}

/** A request body of `n` octets for POST scenarios: the demo pattern, written once per size. */
function bodyFile(files: BenchFiles, n: number): string {
  const path = join(files.dir, `body-${n}`);
  writeFileSync(path, expectedBody(n));
  return path;
}

function expectedBody(n: number): Buffer {
  const out = Buffer.allocUnsafe(n);
  for (let off = 0; off < n; off += 16384) patternBytes(off, Math.min(16384, n - off)).copy(out, off);
  return out;
}

/** What a correct answer to the scenario's request is: exactly these octets with status 200. */
function expectedResponse(s: H2Scenario): Buffer {
  if (s.path === '/hello') return Buffer.from('hello, world\n');
  return expectedBody(s.method === 'POST' ? (s.requestBody ?? 0) : s.responseBytes);
}

/** One request over HTTP/2 with node's client; rejects unless the answer is exactly right. */
export function checkAnswer(server: RunningServer, s: H2Scenario): Promise<void> {
  return new Promise((resolve, reject) => {
    const tls = server.url.startsWith('https:');
    const session = http2.connect(server.url, tls ? { ca: SIM_CA_PEM, servername: SIM_TLS_SERVERNAME, ALPNProtocols: ['h2'] } : {});
    const fail = (why: string): void => {
      session.destroy();
      reject(new BenchError(`${server.name}: ${s.method} ${s.path} (${s.id}) ${why}`));
    };
    session.on('error', (err) => fail(`failed: ${err.message}`));
    const headers: http2.OutgoingHttpHeaders = { ':method': s.method, ':path': s.path };
    for (const [name, value] of extraHeaders(s.extraHeaders ?? 0)) headers[name] = value;
    if (s.method === 'POST') headers['content-type'] = 'application/octet-stream';
    const req = session.request(headers);
    let status = 0;
    const chunks: Buffer[] = [];
    req.on('response', (h) => (status = Number(h[':status'])));
    req.on('data', (d: Buffer) => chunks.push(d));
    req.on('error', (err) => fail(`failed: ${err.message}`));
    req.on('end', () => {
      session.close();
      const body = Buffer.concat(chunks);
      const want = expectedResponse(s);
      if (status !== 200) fail(`answered ${status}`);
      else if (!body.equals(want)) fail(`answered ${body.length} octets, not the expected ${want.length}`);
      else resolve();
    });
    req.end(s.method === 'POST' ? expectedBody(s.requestBody ?? 0) : undefined);
  });
}

async function measureOnce(settings: MatrixSettings, server: RunningServer, s: H2Scenario, args: string[], what: string): Promise<Omit<RoundFigure, 'round'>> {
  const pid = server.child.pid;
  const before = pid === undefined ? null : readProcCpuTimes(pid);
  const run = await runH2load(settings.h2load, server.url + s.path, args);
  const after = pid === undefined ? null : readProcCpuTimes(pid);
  if (run.result === null) throw new BenchError(`${server.name} (${s.id}, ${what}): could not read h2load's output:\n${run.raw}`);
  const problems = h2loadProblems(run.result);
  if (problems.length > 0) throw new BenchError(`BENCHMARK INVALID: h2load saw errors against ${server.name} (${s.id}, ${what}): ${problems.join('; ')}\n${run.raw}`);
  const requests = run.result.succeeded;
  const cpuMicrosPerRequest = before !== null && after !== null && requests > 0 ? ((after.self - before.self) * 1e6) / requests : null;
  return { requestsPerSec: run.result.requestsPerSec, bytesPerSec: run.result.bytesPerSec, cpuMicrosPerRequest };
}

export async function runScenario(settings: MatrixSettings, peers: readonly H2Peer[], s: H2Scenario): Promise<ScenarioResult> {
  const body = s.method === 'POST' ? bodyFile(settings.files, s.requestBody ?? 0) : null;
  const args = h2loadArgs(s, settings.seconds, body);
  const warmArgs = h2loadArgs(s, settings.warmup, body);
  const tls = s.tls === true;
  const results: PeerResult[] = [];
  const active: Array<{ peer: H2Peer; result: PeerResult; server: RunningServer }> = [];
  try {
    for (const peer of peers) {
      const why = peer.unsupported(s);
      if (why !== null) {
        results.push({ peer: peer.name, skipped: why, rounds: [] });
        continue;
      }
      const result: PeerResult = { peer: peer.name, command: peer.describe(tls), rounds: [] };
      results.push(result);
      const server = await peer.start(tls);
      active.push({ peer, result, server });
      await checkAnswer(server, s);
    }
    // Warm-up (V8 optimises the hot paths; nghttpd fills its caches), then alternating rounds.
    for (const a of active) await measureOnce(settings, a.server, s, warmArgs, 'warm-up');
    for (let round = 1; round <= settings.rounds; round++) {
      const order = round % 2 === 1 ? active : [...active].reverse();
      for (const a of order) {
        const f = await measureOnce(settings, a.server, s, args, `round ${round}`);
        a.result.rounds.push({ round, ...f });
      }
    }
  } finally {
    await Promise.all(active.map((a) => a.server.stop()));
  }
  for (const r of results) {
    if (r.rounds.length === 0) continue;
    r.medianRequestsPerSec = median(r.rounds.map((x) => x.requestsPerSec));
    r.medianBytesPerSec = median(r.rounds.map((x) => x.bytesPerSec));
    const cpu = r.rounds.map((x) => x.cpuMicrosPerRequest).filter((x): x is number => x !== null);
    if (cpu.length > 0) r.medianCpuMicrosPerRequest = median(cpu);
  }
  const pick = (name: string): number => {
    const r = results.find((x) => x.peer === name);
    const v = s.figure === 'MB/s' ? r?.medianBytesPerSec : r?.medianRequestsPerSec;
    if (v === undefined || v <= 0) throw new BenchError(`${s.id}: no figure for ${name}`);
    return v;
  };
  const cpuOf = (name: string): number | undefined => results.find((x) => x.peer === name)?.medianCpuMicrosPerRequest;
  const ca = cpuOf('aeronet');
  const cn = cpuOf('node:http2');
  return { id: s.id, title: s.title, figure: s.figure, h2loadArgs: args, peers: results, ratio: pick('aeronet') / pick('node:http2'), cpuRatio: ca !== undefined && cn !== undefined && ca > 0 ? cn / ca : null };
}

/** A scenario's figure for one peer, formatted for a table cell ("-" when it did not run). */
export function figureCell(r: ScenarioResult, peer: string): string {
  const p = r.peers.find((x) => x.peer === peer);
  if (p === undefined || p.skipped !== undefined) return 'n/a';
  const v = r.figure === 'MB/s' ? p.medianBytesPerSec : p.medianRequestsPerSec;
  if (v === undefined) return '-';
  return r.figure === 'MB/s' ? `${(v / 1e6).toFixed(0)} MB/s` : Math.round(v).toLocaleString('en-US');
}

/** A peer's median server CPU per request, for a table cell. */
export function cpuCell(r: ScenarioResult, peer: string): string {
  const v = r.peers.find((x) => x.peer === peer)?.medianCpuMicrosPerRequest;
  return v === undefined ? '-' : v >= 100 ? v.toFixed(0) : v.toFixed(1);
}

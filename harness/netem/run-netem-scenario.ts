import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { $ } from '../../netns/shell.js';
import { Rng } from '../sim/rng.js';
import type { ScenarioFailureInfo } from '../runner/run-scenario.js';
import type { RegistrySnapshot } from '../../server/debug/debug-registry.js';
import { describeLeak, settleRegistry } from '../clients/server-health.js';
import { aeronetCli, startServeProcess, type ServeProcess } from '../proxy/layer/serve-process.js';
import { topology, type LinkImpairments } from '../../netns/topology.js';
import { leftovers, withTopology, type AppliedCommand } from '../../netns/run-topology.js';
import { registryInNamespace, type ClientReport } from './client-side.js';
import { startTcpdump } from '../artifacts/tcpdump.js';
import type { NetemScenario } from './netem-scenario.js';

/** One netem-layer run: the verdict and what its artifact keeps (written by the runner, read by the host). */
export interface NetemRunResult {
  layer: 'netem';
  scenario: string;
  seed: number;
  ok: boolean;
  failure: ScenarioFailureInfo | null;
  durationMs: number;
  backend: 'host' | 'uml';
  kernel: string;
  /** The impairments the seed gave, per direction, exactly as applied. */
  link: LinkImpairments;
  /** Every ip/tc command, in order, with how it ended (setup, and the scenario's changes). */
  commands: AppliedCommand[];
  notes: string[];
  serverLog: string[];
  serverCommand: string[];
  tls: boolean;
  registry: { baseline: RegistrySnapshot | null; final: RegistrySnapshot | null };
  /** tcpdump in each namespace on its veth end (files in the run's folder), or why there is none. */
  captures: { client: string | null; server: string | null; note: string };
  /** aeronet serve's TLS key log (AERONET_TLS_KEYLOG=1 and a TLS scenario), for the artifact. */
  keyLog?: string | null;
}

const SERVER_PORT = 8080;
/** After a clean link is back, how long the server may take to let go of everything. */
const SETTLE_MS = 10_000;

/** The seed's link: the scenario draws its exact parameters from its own stream. */
export function linkFor(scenario: NetemScenario, seed: number): LinkImpairments {
  return scenario.link(new Rng(`${seed}/link`));
}

/**
 * Run one netem scenario for one seed in a kernel that has netem (the host's, or User-Mode
 * Linux's: the caller has checked), as root: build the topology with the seed's impairments,
 * capture on both veth ends, start `aeronet serve` in the server namespace, run the client half in
 * the client namespace, then make the link clean and check the server (follow-up request,
 * registry back to its idle baseline, exit 0 on SIGTERM). Always tears the topology down.
 */
export async function runNetemScenario(scenario: NetemScenario, seed: number, runId: string, dir: string, backend: 'host' | 'uml'): Promise<NetemRunResult> {
  const started = performance.timeOrigin + performance.now();
  mkdirSync(dir, { recursive: true });
  const notes: string[] = [];
  const note = (m: string): void => void notes.push(`${(performance.timeOrigin + performance.now() - started).toFixed(1).padStart(8)} ms  ${m}`);
  const tls = scenario.protocol.endsWith('tls');
  const t = topology(runId);
  const link = linkFor(scenario, seed);
  let failure: ScenarioFailureInfo | null = null;
  const fail = (f: ScenarioFailureInfo): void => {
    failure ??= f;
    if (!notes.some((n) => n.includes(`FAIL ${f.kind}`))) note(`FAIL ${f.kind}: ${f.message}`);
  };
  const commands: AppliedCommand[] = [];
  let server: ServeProcess | null = null;
  let baseline: RegistrySnapshot | null = null;
  let final: RegistrySnapshot | null = null;
  const captures: NetemRunResult['captures'] = { client: null, server: null, note: 'not started' };
  const kernel = (await $`uname -r`).stdout.trim();
  try {
    await withTopology(t, link, async (applied) => {
      commands.push(...applied);
      note(`link up: ${t.client.ns} ${t.client.address} <-> ${t.server.ns} ${t.server.address}; ${JSON.stringify(link)}`);
      const dumps = await Promise.all([t.client, t.server].map((side) => startTcpdump({ prefix: ['ip', 'netns', 'exec', side.ns], iface: side.dev, file: path.join(dir, side === t.client ? 'client.pcap' : 'server.pcap'), startMs: 15_000 })));
      captures.note = 'captured';
      try {
        server = await startServeProcess({
          tls,
          args: scenario.serveArgs ?? [],
          prefix: ['ip', 'netns', 'exec', t.server.ns],
          host: t.server.address,
          port: SERVER_PORT,
          fetchRegistry: (url) => registryInNamespace(t.server.ns, url),
          startMs: 60_000,
        });
        const srv = server;
        note(`server pid ${srv.pid} on ${srv.url}`);
        baseline = await srv.registry();
        const debugUrl = srv.debugUrl;
        const client = await runClient(scenario, seed, runId, debugUrl, false, started, dir);
        notes.push(...client.notes);
        for (const line of client.linkChanges) commands.push({ line, ok: true });
        if (client.failure) fail(client.failure);
        // A clean link for the checks, whatever the scenario left.
        for (const side of [t.client, t.server]) {
          const r = await $`tc -n ${side.ns} qdisc del dev ${side.dev} root`;
          commands.push({ line: `tc -n ${side.ns} qdisc del dev ${side.dev} root`, ok: r.exitCode === 0, ...(r.exitCode === 0 ? {} : { error: r.stderr.trim() }) });
        }
        if (srv.crashed() !== null) {
          fail({ kind: 'invariant', message: `aeronet serve died during the run (${srv.crashed()})` });
        } else {
          const follow = await runClient(scenario, seed, runId, debugUrl, true, started, dir);
          notes.push(...follow.notes);
          if (follow.failure) fail(follow.failure);
          final = await settleRegistry(() => srv.registry(), baseline, SETTLE_MS);
          const leak = describeLeak(baseline, final);
          if (leak !== null) fail({ kind: 'invariant', message: `the server still holds ${leak} ${SETTLE_MS / 1000} s after its clients were done` });
          else note(`registry back to baseline: ${JSON.stringify({ connections: final.connections, handshakes: final.handshakes, timers: final.timers, fds: final.fds })}`);
        }
      } finally {
        if (server !== null) {
          const how = await (server as ServeProcess).stop();
          note(`server stopped: ${how}`);
          if (how !== 'exit 0') fail({ kind: 'invariant', message: `aeronet serve did not exit cleanly on SIGTERM (${how})` });
        }
        await Promise.all(dumps.map((d) => d.stop()));
        captures.client = path.join(dir, 'client.pcap');
        captures.server = path.join(dir, 'server.pcap');
      }
    });
  } catch (err) {
    fail({ kind: 'error', message: err instanceof Error ? err.message : String(err) });
  }
  // The teardown must leave nothing: no namespace, no veth in the root namespace.
  const left = await leftovers(t);
  if (left.length > 0) fail({ kind: 'invariant', message: `the run left behind ${left.join(', ')}` });
  else note('teardown: nothing left behind');
  const srvFinal = server as ServeProcess | null;
  return {
    layer: 'netem',
    scenario: scenario.name,
    seed,
    ok: failure === null,
    failure,
    durationMs: performance.timeOrigin + performance.now() - started,
    backend,
    kernel,
    link,
    commands,
    notes,
    serverLog: srvFinal?.log() ?? [],
    serverCommand: srvFinal?.commandLine ?? [],
    tls,
    registry: { baseline, final },
    captures,
    keyLog: srvFinal?.keyLog() ?? null,
  };
}

/** The client half in the client namespace, as its own process; its report comes back in a file. */
async function runClient(scenario: NetemScenario, seed: number, runId: string, debugUrl: string, followUp: boolean, started: number, dir: string): Promise<ClientReport> {
  const t = topology(runId);
  const report = path.join(dir, followUp ? 'client-follow-up.json' : 'client.json');
  const args = ['ip', 'netns', 'exec', t.client.ns, process.execPath, aeronetCli(), 'netem-client', '--scenario', scenario.name, '--seed', String(seed), '--run-id', runId, '--port', String(SERVER_PORT), '--debug-url', debugUrl, '--started', String(started), '--report', report, ...(followUp ? ['--follow-up'] : [])];
  const limit = (scenario.limitMs ?? 60_000) + 20_000;
  const child: ChildProcess = spawn(args[0]!, args.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (b: Buffer) => (output += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (output += b.toString()));
  const code = await new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), limit);
    child.once('exit', (c) => {
      clearTimeout(timer);
      resolve(c);
    });
  });
  try {
    return JSON.parse(readFileSync(report, 'utf8')) as ClientReport;
  } catch {
    return { failure: { kind: 'error', message: `the client process ended (exit ${code}) without a report: ${output.trim().slice(-2000)}` }, notes: [], linkChanges: [] };
  }
}

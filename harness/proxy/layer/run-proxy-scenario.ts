import type { Proxy } from 'toxiproxy-node-client';
import { Rng } from '../../sim/rng.js';
import type { ScenarioFailureInfo } from '../../runner/run-scenario.js';
import { ScenarioFailure } from '../../runner/scenario.js';
import type { RegistrySnapshot } from '../../../server/debug/debug-registry.js';
import type { ProxyEvent } from '../index.js';
import type { ToxicDecision, WireEvent } from '../model.js';
import { curl, h1Client, h2Client, type H1Client, type H2Client } from '../../clients/clients.js';
import { describeLeak, followUpHello, settleRegistry } from '../../clients/server-health.js';
import type { Endpoint, ProxyScenario, ProxyScenarioContext, ToxicSpec } from './proxy-scenario.js';
import { openProxyTarget, type ProxyTarget } from './proxy-target.js';
import { startServeProcess, type ServeProcess } from './serve-process.js';
import { loopbackCaptureUnavailable, startLoopbackCapture, type LoopbackCapture } from './loopback-capture.js';
import { rmSync } from 'node:fs';
import path from 'node:path';

/** A toxic as applied, with when (ms since the scenario started; 0 for the scenario's own list). */
export interface AppliedToxic extends ToxicSpec {
  at: number;
  removedAt?: number;
}

/** One proxy-layer run: the verdict and everything its artifact keeps. */
export interface ProxyRunResult {
  layer: 'proxy';
  scenario: string;
  seed: number;
  ok: boolean;
  failure: ScenarioFailureInfo | null;
  durationMs: number;
  proxy: { kind: ProxyTarget['kind']; url: string; seeded: boolean };
  /** Every toxic the run added, in order. */
  toxics: AppliedToxic[];
  /** The scenario's toxic list was replaced (a shrunk or edited run); null for a plain run. */
  toxicsOverride: ToxicSpec[] | null;
  decisions: ToxicDecision[] | null;
  wire: WireEvent[] | null;
  proxyEvents: ProxyEvent[] | null;
  /** What happened, in order: the runner's steps and the scenario's notes. */
  notes: string[];
  serverLog: string[];
  serverCommand: string[];
  tls: boolean;
  registry: { baseline: RegistrySnapshot | null; final: RegistrySnapshot | null };
  /** tcpdump's capture on loopback (kept only for a failed run; a temporary file until the artifact takes it), or why there is none. */
  tcpdump: { file: string | null; note: string };
  /** aeronet serve's TLS key log (AERONET_TLS_KEYLOG=1 and a TLS scenario), for the artifact. */
  keyLog?: string | null;
}

/** Delete a run's temporary tcpdump file (the artifact has copied it, or nobody wants it). */
export function discardLoopbackCapture(result: ProxyRunResult): void {
  if (result.tcpdump.file === null) return;
  rmSync(path.dirname(result.tcpdump.file), { recursive: true, force: true });
  result.tcpdump.file = null;
}

export interface RunProxyScenarioOptions {
  /** Replace the scenario's toxic list (repro of a shrunk artifact, shrink's candidates). */
  toxics?: readonly ToxicSpec[];
  env?: NodeJS.ProcessEnv;
}

/** The longest a scenario's client steps may take before the run is called a hang. */
const RUN_LIMIT_MS = 60_000;
/** After the proxy is gone, how long the server may take to let go of everything. */
const SETTLE_MS = 8_000;

/**
 * Run one proxy-layer scenario for one seed: `aeronet serve` as a process, the fault proxy in
 * front of it (ours seeded with the seed, or TOXIPROXY_URL's), the scenario's toxics through
 * toxiproxy-node-client, the scenario's clients, then the checks every run makes: the server did
 * not crash, it answers a follow-up request, and once the proxy has closed every connection the
 * debug registry shows no connection, handshake, timer or descriptor above its idle baseline.
 */
export async function runProxyScenario(scenario: ProxyScenario, seed: number, options: RunProxyScenarioOptions = {}): Promise<ProxyRunResult> {
  const started = performance.now();
  const notes: string[] = [];
  const ms = (): string => (performance.now() - started).toFixed(1).padStart(8);
  const note = (m: string): void => void notes.push(`${ms()} ms  ${m}`);
  const tls = scenario.protocol.endsWith('tls');
  const applied: AppliedToxic[] = [];
  const clients: Array<H1Client | H2Client> = [];
  let failure: ScenarioFailureInfo | null = null;
  const fail = (kind: ScenarioFailureInfo['kind'], message: string): void => {
    failure ??= { kind, message };
    note(`FAIL ${kind}: ${message}`);
  };
  let server: ServeProcess | null = null;
  let target: ProxyTarget | null = null;
  let proxy: Proxy | null = null;
  let baseline: RegistrySnapshot | null = null;
  let final: RegistrySnapshot | null = null;
  let capture: LoopbackCapture | null = null;
  let captureNote = loopbackCaptureUnavailable(options.env ?? process.env) ?? 'captured';
  try {
    server = await startServeProcess({ tls, args: scenario.serveArgs ?? [] });
    note(`server pid ${server.pid} on ${server.url}`);
    baseline = await server.registry();
    target = await openProxyTarget(String(seed), options.env);
    const name = target.kind === 'aeronet' ? scenario.name.replace(/^proxy\//, '') : `aeronet-${scenario.name.replace(/^proxy\//, '')}-${seed}`;
    proxy = await target.toxiproxy.createProxy({ name, listen: '127.0.0.1:0', upstream: `127.0.0.1:${server.port}` });
    const port = Number(proxy.listen.split(':').pop());
    note(`${target.kind} proxy "${name}" on ${proxy.listen} -> 127.0.0.1:${server.port}`);
    if (captureNote === 'captured') {
      try {
        capture = await startLoopbackCapture([port, server.port]);
      } catch (err) {
        captureNote = (err as Error).message;
      }
    }
    const p = proxy;
    const addToxic = async (spec: ToxicSpec): Promise<void> => {
      const at = performance.now() - started;
      await p.addToxic({ ...spec } as Parameters<Proxy['addToxic']>[0]);
      applied.push({ ...spec, at });
      note(`toxic added: ${JSON.stringify(spec)}`);
    };
    for (const spec of options.toxics ?? scenario.toxics ?? []) await addToxic(spec);
    const targetEndpoint: Endpoint = { host: '127.0.0.1', port, tls };
    const direct: Endpoint = { host: '127.0.0.1', port: server.port, tls };
    const srv = server;
    const ctx: ProxyScenarioContext = {
      seed,
      rng: new Rng(`${seed}/scenario`),
      target: targetEndpoint,
      direct,
      toxiproxy: target.toxiproxy,
      proxy: p,
      server: srv,
      addToxic,
      async removeToxic(toxicName) {
        const t = await p.getToxic(toxicName);
        await t.remove();
        const entry = [...applied].reverse().find((a) => (a.name ?? `${a.type}_${a.stream ?? 'downstream'}`) === toxicName);
        if (entry) entry.removedAt = performance.now() - started;
        note(`toxic removed: ${toxicName}`);
      },
      h1(endpoint = targetEndpoint) {
        const c = h1Client(endpoint);
        clients.push(c);
        return c;
      },
      h2(endpoint = targetEndpoint) {
        const c = h2Client(endpoint);
        clients.push(c);
        return c;
      },
      curl: (path, args) => curl(targetEndpoint, scenario.protocol.startsWith('h2') ? 'h2' : 'h1', path, args),
      check(condition, message) {
        if (!condition) throw new ScenarioFailure(message);
      },
      sleep: (t) => new Promise((resolve) => setTimeout(resolve, t)),
      note,
    };
    await withLimit(scenario.run(ctx), RUN_LIMIT_MS).catch((err: unknown) => {
      if (err === HANG) fail('hang', `the scenario's steps did not finish within ${RUN_LIMIT_MS / 1000} s`);
      else if (err instanceof ScenarioFailure) fail('expectation', err.message);
      else fail('error', err instanceof Error ? (err.stack ?? err.message) : String(err));
    });
    for (const c of clients.splice(0)) c.close();
    // The proxy goes away with every connection it holds; then the server must let go too.
    await p.remove();
    proxy = null;
    note('proxy removed (all proxied connections closed)');
    const crash = server.crashed();
    if (crash !== null) fail('invariant', `aeronet serve died during the run (${crash})`);
    else {
      await followUpHello(direct, scenario.protocol.startsWith('h2'))
        .then((t) => note(`follow-up GET /hello direct: 200 in ${t.toFixed(1)} ms`))
        .catch((err: Error) => fail('invariant', `the server is not healthy after the run: ${err.message}`));
      final = await settleRegistry(() => srv.registry(), baseline, SETTLE_MS);
      const leak = describeLeak(baseline, final);
      if (leak !== null) fail('invariant', `the server still holds ${leak} ${SETTLE_MS / 1000} s after every connection closed`);
      else note(`registry back to baseline: ${JSON.stringify({ connections: final.connections, handshakes: final.handshakes, timers: final.timers, fds: final.fds })}`);
    }
  } catch (err) {
    fail('error', err instanceof Error ? err.message : String(err));
  } finally {
    for (const c of clients.splice(0)) c.close();
    if (proxy !== null) await proxy.remove().catch(() => {});
    const how = server !== null ? await server.stop() : null;
    if (how !== null) note(`server stopped: ${how}`);
    if (server !== null && how !== null && how !== 'exit 0' && failure === null) fail('invariant', `aeronet serve did not exit cleanly on SIGTERM (${how})`);
    await target?.close();
    await capture?.stop();
  }
  const ok = failure === null;
  if (capture !== null && ok) capture.discard();
  return {
    layer: 'proxy',
    scenario: scenario.name,
    seed,
    ok,
    failure,
    durationMs: performance.now() - started,
    proxy: target !== null ? { kind: target.kind, url: target.url, seeded: target.seeded } : { kind: 'aeronet', url: '', seeded: true },
    toxics: applied,
    toxicsOverride: options.toxics ? [...options.toxics] : null,
    decisions: target?.decisions() ?? null,
    wire: target?.wire() ?? null,
    proxyEvents: target?.events() ?? null,
    notes,
    serverLog: server?.log() ?? [],
    serverCommand: server?.commandLine ?? [],
    tls,
    registry: { baseline, final },
    tcpdump: { file: capture !== null && !ok ? capture.file : null, note: capture !== null ? (ok ? 'discarded (the run passed)' : 'kept') : captureNote },
    keyLog: server?.keyLog() ?? null,
  };
}

const HANG = Symbol('hang');

function withLimit<T>(p: Promise<T>, limitMs: number): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(HANG), limitMs)))]).finally(() => clearTimeout(timer));
}

export { describeLeak } from '../../clients/server-health.js';

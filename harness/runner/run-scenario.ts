import { MemoryLogger, type LogRecord } from '../../server/core/logger.js';
import { Sim, SimHang, type FaultOverrides } from '../sim/sim.js';
import type { LinkFaults } from '../sim/faults.js';
import type { CaptureEvent } from '../sim/test-socket.js';
import tls from 'node:tls';
import type { Duplex } from 'node:stream';
import { parseResponses, type ParsedResponse } from '../http/response-parser.js';
import type { AeronetServer } from '../../server/server.js';
import type { Transport } from '../../server/transport/transport.js';
import { clientStream, transportStream } from '../sim/node-streams.js';
import { SIM_CA_PEM, SIM_TLS_SERVERNAME } from '../sim/sim-certs.js';
import { createNodeDemoServer } from '../differential/node-demo-server.js';
import { observedResponses, recordResponses } from './observed-responses.js';
import { ScenarioFailure, type Scenario, type ScenarioContext, type ScenarioTarget, type TlsConnectOptions, type TlsConnection } from './scenario.js';
import { checkInvariants } from './invariants.js';
import { demoServerOnSim } from './demo-server-on-sim.js';
import { keyLogRequested } from '../artifacts/key-log-artifact.js';

export interface ScenarioFailureInfo {
  kind: 'expectation' | 'hang' | 'invariant' | 'error';
  message: string;
}

export interface ScenarioResult {
  scenario: string;
  seed: number;
  ok: boolean;
  failure: ScenarioFailureInfo | null;
  traceHash: string;
  trace: string[];
  serverLog: LogRecord[];
  capture: CaptureEvent[];
  /** The exact faults the seed derived, per connection. */
  faults: Array<{ connection: number; clientToServer: LinkFaults; serverToClient: LinkFaults }>;
  virtualMs: number;
  /** Fault values that replaced the seed's (shrunk runs); {} for a plain run. */
  overrides: FaultOverrides;
  /** Per connection, the responses the scenario last read on it (null when it read none). */
  responses: Array<ParsedResponse[] | null>;
  /** The server's TLS key log (NSS format) when one was asked for and the scenario serves TLS; else null. */
  keyLog: string | null;
}

/** Teardown may take this long in virtual time: longer than any default server timeout. */
const TEARDOWN_MS = 120_000;

export interface RunScenarioOptions {
  /** Fault values that replace what the seed derived (shrunk runs). */
  overrides?: FaultOverrides;
  /** The server to run against: aeronet (default) or node:http, for the differential check. */
  target?: ScenarioTarget;
  /** Keep the TLS key log for the artifact (default: AERONET_TLS_KEYLOG=1). */
  keyLog?: boolean;
}

/** Run one scenario for one seed over the simulated network, then check the invariants. */
export async function runScenario(scenario: Scenario, seed: number, overridesOrOptions: FaultOverrides | RunScenarioOptions = {}): Promise<ScenarioResult> {
  const options: RunScenarioOptions = 'target' in overridesOrOptions || 'overrides' in overridesOrOptions || 'keyLog' in overridesOrOptions ? overridesOrOptions as RunScenarioOptions : { overrides: overridesOrOptions as FaultOverrides };
  const overrides = options.overrides ?? {};
  const target = options.target ?? 'aeronet';
  const sim = new Sim({ seed, faults: scenario.faults ?? {}, overrides });
  const logger = new MemoryLogger();
  // Key log lines in memory, for the artifact: appended synchronously, so nothing leaves virtual time.
  const keyLog: string[] | null = (options.keyLog ?? keyLogRequested()) && scenario.server?.tls !== undefined ? [] : null;
  const world = target === 'aeronet' ? aeronetWorld(scenario, sim, logger, keyLog) : nodeHttpWorld(scenario, sim);
  const rng = sim.rng.fork('scenario');
  const tlsConnections: TlsConnection[] = [];
  const ctx: ScenarioContext = {
    sim,
    get server(): AeronetServer {
      if (world.aeronet === null) throw new Error(`${scenario.name} uses aeronet's server object, so it cannot run against ${target}; give it differential: { skip: '...' }`);
      return world.aeronet;
    },
    target,
    rng,
    connect: (faults) => sim.connect(world.accept, faults ?? scenario.faults ?? {}),
    connectTls(tlsOptions = {}) {
      if (world.acceptTls === null) throw new Error(`${scenario.name} opens TLS connections, which the ${target} target does not serve here; give it differential: { skip: '...' }`);
      const connection = openTls(sim, world.acceptTls, tlsOptions.faults ?? scenario.faults ?? {}, tlsOptions);
      tlsConnections.push(connection);
      return connection;
    },
    connectTlsRaw(faults) {
      if (world.acceptTls === null) throw new Error(`${scenario.name} opens TLS connections, which the ${target} target does not serve here; give it differential: { skip: '...' }`);
      sim.useNodeStreams();
      return sim.connect(world.acceptTls, faults ?? scenario.faults ?? {}, { serverPort: 443, opaque: true });
    },
    async responses(conn, count) {
      const client = conn.client;
      await client.until(() => client.closed || client.ended || parseResponses(client.received).responses.length >= count);
      return recordResponses(conn, parseResponses(client.received, { closed: client.ended || client.closed }).responses);
    },
    openConnections: () => world.registry.connectionCount,
    check(condition, message) {
      if (!condition) throw new ScenarioFailure(message);
    },
    sleep: (ms) => sim.sleep(ms),
  };

  let failure: ScenarioFailureInfo | null = null;
  try {
    await sim.run(scenario.run(ctx));
  } catch (err) {
    failure = classify(err);
  }
  if (failure === null) {
    // Teardown: clients that are still open close their side (TLS ones with close_notify first);
    // then everything must wind down.
    try {
      for (const t of tlsConnections) if (!t.socket.destroyed) t.socket.end();
      for (const conn of sim.connections) if (!conn.client.closed) conn.client.end();
      await sim.run(Promise.all(sim.connections.map((c) => c.client.untilClosed())).then(() => undefined));
      await sim.runUntilIdle();
    } catch (err) {
      failure = classify(err);
    }
  }
  if (failure === null) {
    const problems = checkInvariants(sim, world.registry);
    if (problems.length > 0) failure = { kind: 'invariant', message: problems.join('; ') };
  }
  return {
    scenario: scenario.name,
    seed,
    ok: failure === null,
    failure,
    traceHash: sim.trace.hash(),
    trace: sim.trace.lines,
    serverLog: logger.records,
    capture: sim.capture,
    faults: sim.connections.map((c) => ({ connection: c.id, clientToServer: c.faults.clientToServer, serverToClient: c.faults.serverToClient })),
    virtualMs: sim.clock.time,
    overrides,
    responses: sim.connections.map((c) => observedResponses(c) ?? null),
    keyLog: keyLog === null ? null : keyLog.join(''),
  };
}

/** The server side of one run: how connections reach it, and what its registry holds afterwards. */
interface World {
  aeronet: AeronetServer | null;
  accept(transport: Transport): void;
  acceptTls: ((transport: Transport) => void) | null;
  registry: { readonly connectionCount: number };
}

function aeronetWorld(scenario: Scenario, sim: Sim, logger: MemoryLogger, keyLog: string[] | null): World {
  const server = keyLog !== null && scenario.server?.tls ? { ...scenario.server, tls: { ...scenario.server.tls, keyLog: (line: Buffer) => void keyLog.push(line.toString('latin1')) } } : scenario.server;
  const demo = demoServerOnSim(sim, logger, server);
  return { aeronet: demo.server, accept: demo.accept, acceptTls: demo.acceptTls, registry: demo.registry };
}

/** node:http with the demo routes' contract, each connection a socket-like stream over the sim. */
function nodeHttpWorld(scenario: Scenario, sim: Sim): World {
  if (scenario.server?.handler !== undefined || scenario.server?.connect !== undefined) {
    throw new Error(`${scenario.name} configures aeronet's own handler or CONNECT, which node:http cannot take; give it differential: { skip: '...' }`);
  }
  sim.useNodeStreams();
  const server = createNodeDemoServer(sim.clock);
  // The one aeronet timeout node:http has an equivalent for, and runs on socket.setTimeout (so
  // on the virtual clock here): the idle time between requests.
  const keepAliveMs = scenario.server?.timeouts?.keepAliveMs;
  if (keepAliveMs !== undefined) server.keepAliveTimeout = keepAliveMs;
  const open = new Set<Duplex>();
  return {
    aeronet: null,
    accept(t) {
      const stream = transportStream(t, sim.clock);
      open.add(stream);
      stream.once('close', () => open.delete(stream));
      server.emit('connection', stream);
    },
    acceptTls: null,
    // node:http keeps no registry we can read; the sockets it has not closed are the equivalent.
    registry: { get connectionCount() { return open.size; } },
  };
}

function openTls(sim: Sim, acceptTls: (t: Transport) => void, faults: NonNullable<Scenario['faults']>, options: TlsConnectOptions): TlsConnection {
  sim.useNodeStreams();
  const conn = sim.connect(acceptTls, faults, { serverPort: 443, opaque: true });
  const socket = tls.connect({
    socket: clientStream(conn),
    ca: SIM_CA_PEM,
    servername: options.servername ?? SIM_TLS_SERVERNAME,
    ALPNProtocols: options.alpn ?? ['http/1.1'],
  });
  const chunks: Buffer[] = [];
  let error: string | null = null;
  socket.on('data', (d: Buffer) => chunks.push(d));
  // Always listened for: an unhandled 'error' would take the whole run down.
  socket.on('error', (err: NodeJS.ErrnoException) => {
    error ??= err.code ?? err.message;
  });
  const handshake = new Promise<boolean>((resolve) => {
    socket.once('secureConnect', () => resolve(true));
    socket.once('close', () => resolve(false));
  });
  return { conn, socket, handshake, received: () => Buffer.concat(chunks), error: () => error };
}

function classify(err: unknown): ScenarioFailureInfo {
  if (err instanceof ScenarioFailure) return { kind: 'expectation', message: err.message };
  if (err instanceof SimHang) return { kind: 'hang', message: err.message };
  return { kind: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) };
}

export { TEARDOWN_MS };

/**
 * Replay what the clients of a capture sent into aeronet (the demo routes) over the simulation:
 * each connection opens on the virtual clock when its SYN was captured, and each delivery chunk
 * (tcp-flows.ts: the bytes as they became available at the capture point) is written at its
 * captured time on a reliable link with no faults, whole, then the client's FIN or RST. What the
 * server sends back is read as HTTP/1.1 or HTTP/2 (read-exchange.ts), and afterwards the sim
 * layer's invariants must hold (harness/runner/invariants.ts), exactly as after a scenario.
 *
 * The run is deterministic: the same capture gives the same event trace, whose hash is reported
 * as the sim layer reports a run's. A bug in how the server handles a byte sequence seen on a
 * real network thus becomes a repro that runs in milliseconds, anywhere.
 */
import { MemoryLogger, type LogRecord } from '../../server/core/logger.js';
import type { ServerOptions } from '../../server/server-options.js';
import { Sim, SimHang } from '../sim/sim.js';
import type { FaultProfile } from '../sim/faults.js';
import type { TestConnection } from '../sim/test-socket.js';
import { checkInvariants } from '../runner/invariants.js';
import { demoServerOnSim } from '../runner/demo-server-on-sim.js';
import { endpointText, readPcapFile, type PcapCapture } from './pcap-reader.js';
import { tcpFlows, type ReassemblyStats, type RoleEvidence, type TcpConnection } from './tcp-flows.js';
import { readExchange, wireProtocol, type ExchangeReading, type ResponseSeen, type WireProtocol } from './read-exchange.js';

/** The seed of every replay. A reliable link draws nothing that matters from it, but the Sim wants one. */
export const REPLAY_SEED = 'replay-pcap';

/**
 * A link that hands over each write whole and at once: no latency, no stalls, no syscall errors,
 * no backpressure towards the replayed client (its bytes are already on the wire). The link cuts
 * a write at a random size up to maxSegment; at 2^53 - 1 that never splits a chunk (and
 * deliveredAsCaptured checks it did not).
 */
const WHOLE: FaultProfile = {
  maxSegment: [Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  windowBytes: [Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

/** Used when the capture runs past it: the sim stops a run at maxVirtualMs. */
const TEARDOWN_ALLOWANCE_MS = 10 * 60_000;

export interface ReplayOptions {
  /** Replay only this connection (its number in the capture's list, from 1), opened at time 0. */
  connection?: number;
  /**
   * The server's port: only connections with an endpoint on it are replayed, and without a
   * captured handshake that endpoint is the server.
   */
  serverPort?: number;
  /** Server options over the demo defaults (tests use it to plant a misbehaving handler). */
  server?: Partial<ServerOptions>;
  /** For messages: the capture's file name. */
  file?: string;
}

/** The requested connection does not exist: a usage error for the CLI. */
export class ReplaySelectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReplaySelectionError';
  }
}

export interface ClientEnd {
  /** 'teardown': the capture has neither FIN nor RST from the client; the replay half-closed. */
  kind: 'fin' | 'rst' | 'teardown';
  /** Milliseconds after the connection opened. */
  atMs: number;
}

export interface ServerClose {
  /** 'client-rst': the client's RST closed it first; 'none': the server's end was still open when the replay (or capture) ended. */
  how: 'fin' | 'rst' | 'client-rst' | 'none';
  atMs: number | null;
  /** Whether the server closed before the client's own FIN/RST (it closed first). */
  beforeClient: boolean | null;
}

export interface ConnectionReport {
  /** Its number in the capture's list (what --connection takes). */
  index: number;
  /** Its number in the simulation (c1, c2... in the trace), or null when not replayed. */
  sim: number | null;
  client: string;
  server: string;
  roles: RoleEvidence;
  handshake: boolean;
  protocol: WireProtocol;
  /** Why it was not replayed, or null. */
  skipped: string | null;
  /** When it opened, in ms from the first replayed connection's SYN. */
  openAtMs: number;
  /** What reassembly of the capture met (retransmissions, holes, a missing handshake...). */
  notes: string[];
  /** The client's side as replayed: its delivery chunks, their times (ms after the SYN), its bytes and its end. */
  chunks: number;
  chunkTimesMs: number[];
  bytes: number;
  clientEnd: ClientEnd | null;
  /** Bytes the server was handed: fewer than `bytes` when it reset first. */
  delivered: number;
  /** The chunks reached the server exactly as captured (same cuts, same times). */
  deliveredAsCaptured: boolean;
  /** The replay: what the server saw and answered. */
  replay: ExchangeReading | null;
  serverClose: ServerClose | null;
  /** The same reading of the captured server's bytes (null when the capture has none of them). */
  captured: (ExchangeReading & { close: ServerClose }) | null;
  /**
   * The replay's answers against the captured server's (statuses, bodies, stream resets):
   * 'same'; 'same-as-far-as-captured' when the capture's stop short of the replay's (its
   * connection was reset, or the capture ended first) and agree up to there; 'different'; null
   * when the capture holds none of the server's bytes.
   */
  comparison: 'same' | 'same-as-far-as-captured' | 'different' | null;
  stats: ReassemblyStats;
}

export interface ReplayReport {
  file: string | null;
  capture: {
    linkType: number;
    linkTypeName: string;
    packets: number;
    tcpSegments: number;
    skipped: Record<string, number>;
    connections: number;
  };
  connections: ConnectionReport[];
  replayed: number;
  /** The sim layer's invariants that broke (harness/runner/invariants.ts), empty when they hold. */
  invariants: string[];
  /** The run did not finish: it hung (nothing left to happen while a connection stayed open) or the server threw. */
  failure: { kind: 'hang' | 'error'; message: string } | null;
  /** Everything that says the server misbehaved: failure, invariants, malformed output. Empty when none. */
  problems: string[];
  ok: boolean;
  traceHash: string;
  trace: string[];
  virtualMs: number;
  serverLog: LogRecord[];
}

interface Step {
  atMs: number;
  kind: 'data' | 'fin' | 'rst' | 'teardown';
  bytes?: Buffer;
}

interface Plan {
  tcp: TcpConnection;
  report: ConnectionReport;
  steps: Step[];
  /** When the last step runs, relative to the connection's open. */
  lastAtMs: number;
  conn: TestConnection | null;
}

/** Read `file` and replay it (see replayCapture). */
export async function replayPcapFile(file: string, options: ReplayOptions = {}): Promise<ReplayReport> {
  return replayCapture(await readPcapFile(file), { ...options, file: options.file ?? file });
}

/** Replay the capture's connections (or one) into aeronet on the simulation, and report. */
export async function replayCapture(capture: PcapCapture, options: ReplayOptions = {}): Promise<ReplayReport> {
  const flows = tcpFlows(capture.segments, options.serverPort === undefined ? {} : { serverPort: options.serverPort });
  let selected = flows;
  if (options.connection !== undefined) {
    const one = flows[options.connection - 1];
    if (one === undefined) throw new ReplaySelectionError(`--connection ${options.connection}: the capture has ${flows.length} TCP connection(s)${flows.length > 0 ? ` (1 to ${flows.length})` : ''}`);
    selected = [one];
  }
  const captureEndMs = capture.segments.length > 0 ? capture.segments[capture.segments.length - 1]!.timeMs : 0;
  const plans: Plan[] = [];
  const reports: ConnectionReport[] = [];
  for (const tcp of selected) {
    const report = baseReport(tcp);
    reports.push(report);
    const skip = skipReason(tcp, report.protocol, options);
    if (skip !== null) {
      report.skipped = skip;
      continue;
    }
    plans.push(plan(tcp, report, captureEndMs));
  }
  const base = plans.length > 0 ? Math.min(...plans.map((p) => p.tcp.startMs)) : 0;
  for (const p of plans) p.report.openAtMs = round(p.tcp.startMs - base);

  const sim = new Sim({ seed: REPLAY_SEED, faults: { clientToServer: WHOLE }, maxVirtualMs: round(captureEndMs - base) + TEARDOWN_ALLOWANCE_MS });
  const logger = new MemoryLogger();
  const demo = demoServerOnSim(sim, logger, options.server);
  let failure: ReplayReport['failure'] = null;
  try {
    await sim.run(schedule(sim, plans, (c) => demo.accept(c)));
    // Teardown as after a scenario: whoever is still open closes its side, then everything must wind down.
    for (const conn of sim.connections) if (!conn.client.closed) conn.client.end();
    await sim.run(Promise.all(sim.connections.map((c) => c.client.untilClosed())).then(() => undefined));
    await sim.runUntilIdle();
  } catch (err) {
    failure = err instanceof SimHang
      ? { kind: 'hang', message: `the replay hung: ${err.message} (a connection the server never closed?)` }
      : { kind: 'error', message: `the server threw: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}` };
  }
  // Checked after a hang too: they say what was left open.
  const invariants = checkInvariants(sim, demo.registry);
  const problems = [...(failure ? [failure.message] : []), ...invariants];
  for (const p of plans) {
    finishReport(p, sim);
    for (const m of p.report.replay?.malformed ?? []) problems.push(`c${p.report.sim}: ${m}`);
  }
  return {
    file: options.file ?? null,
    capture: {
      linkType: capture.linkType,
      linkTypeName: capture.linkTypeName,
      packets: capture.packets,
      tcpSegments: capture.segments.length,
      skipped: capture.skipped,
      connections: flows.length,
    },
    connections: reports,
    replayed: plans.length,
    invariants,
    failure,
    problems,
    ok: problems.length === 0,
    traceHash: sim.trace.hash(),
    trace: sim.trace.lines,
    virtualMs: sim.clock.time,
    serverLog: logger.records,
  };
}

function baseReport(tcp: TcpConnection): ConnectionReport {
  const clientBytes = Buffer.concat(tcp.fromClient.chunks.map((c) => c.bytes));
  return {
    index: tcp.index,
    sim: null,
    client: endpointText(tcp.client),
    server: endpointText(tcp.server),
    roles: tcp.roles,
    handshake: tcp.handshake,
    protocol: wireProtocol(clientBytes),
    skipped: null,
    openAtMs: 0,
    notes: captureNotes(tcp),
    chunks: tcp.fromClient.chunks.length,
    chunkTimesMs: tcp.fromClient.chunks.map((c) => c.atMs),
    bytes: tcp.fromClient.bytes,
    clientEnd: null,
    delivered: 0,
    deliveredAsCaptured: false,
    replay: null,
    serverClose: null,
    captured: null,
    comparison: null,
    stats: tcp.fromClient.stats,
  };
}

function skipReason(tcp: TcpConnection, protocol: WireProtocol, options: ReplayOptions): string | null {
  const port = options.serverPort;
  if (port !== undefined && options.connection === undefined && tcp.server.port !== port && tcp.client.port !== port) return `not on --server-port ${port}`;
  if (!tcp.established) {
    return tcp.fromServer.rst !== null ? 'never established: the server answered the SYN with a RST (nothing listening)' : 'never established: the SYN was not answered in the capture';
  }
  if (protocol === 'tls') return 'TLS (its first byte is 0x16, a handshake record): the bytes are encrypted with keys only the two original endpoints had, so they cannot be replayed into another server, and nothing is guessed; capture a cleartext run (HTTP/1.1 or h2c) to replay it';
  return null;
}

/** What the replay will do on this connection, on its own time (0 = its SYN). */
function plan(tcp: TcpConnection, report: ConnectionReport, captureEndMs: number): Plan {
  const c = tcp.fromClient;
  const steps: Step[] = c.chunks.map((chunk) => ({ atMs: chunk.atMs, kind: 'data' as const, bytes: chunk.bytes }));
  if (c.fin !== null) steps.push({ atMs: c.fin.atMs, kind: 'fin' });
  if (c.rst !== null) steps.push({ atMs: c.rst.atMs, kind: 'rst' });
  if (c.fin === null && c.rst === null) {
    const lastData = steps.length > 0 ? steps[steps.length - 1]!.atMs : 0;
    const serverRst = tcp.fromServer.rst;
    if (serverRst !== null) {
      // The captured server reset it: the real client's socket was gone from then on.
      const at = Math.max(lastData, serverRst.atMs);
      steps.push({ atMs: at, kind: 'teardown' });
      report.notes.push(`the client sent neither FIN nor RST (the captured server reset the connection at ${ms(serverRst.atMs)}): the replay half-closes it at ${ms(at)}`);
    } else {
      // Still open when the capture stopped: close it where the capture ends, as a client would have later.
      const at = Math.max(lastData, round(captureEndMs - tcp.startMs));
      steps.push({ atMs: at, kind: 'teardown' });
      report.notes.push(`the capture ends without the client's FIN or RST: the replay half-closes it at ${ms(at)} (where the capture ends)`);
    }
  }
  // Stable: at one instant the data goes first, then the FIN, then the RST.
  steps.sort((a, b) => a.atMs - b.atMs);
  const first = steps.find((s) => s.kind !== 'data')!;
  report.clientEnd = { kind: first.kind as ClientEnd['kind'], atMs: first.atMs };
  if (c.fin !== null && c.rst !== null) report.notes.push(`the client sent a FIN at ${ms(c.fin.atMs)}, then a RST at ${ms(c.rst.atMs)}: both are replayed`);
  return { tcp, report, steps, lastAtMs: steps[steps.length - 1]!.atMs, conn: null };
}

/** Set every step on the clock; resolves once the last one has run. */
function schedule(sim: Sim, plans: Plan[], accept: Parameters<Sim['connect']>[0]): Promise<void> {
  if (plans.length === 0) return Promise.resolve();
  return new Promise<void>((resolve) => {
    let left = plans.length;
    for (const p of plans) {
      sim.clock.setTimer(p.report.openAtMs, () => {
        const conn = sim.connect(accept, undefined, { serverPort: p.tcp.server.port });
        p.conn = conn;
        p.report.sim = conn.id;
        // Timers due at the same instant fire in the order set: the steps stay in order.
        for (const step of p.steps) sim.clock.setTimer(step.atMs, () => apply(conn, step));
        sim.clock.setTimer(p.lastAtMs, () => {
          if (--left === 0) resolve();
        });
      });
    }
  });
}

function apply(conn: TestConnection, step: Step): void {
  const client = conn.client;
  switch (step.kind) {
    case 'data':
      // Never awaited: these bytes were already on the wire. A write after the server reset fails
      // (EPIPE); what reached the server is read from the link afterwards.
      if (!client.closed) client.write(step.bytes!).catch(() => {});
      break;
    case 'fin':
    case 'teardown':
      client.end();
      break;
    case 'rst':
      client.reset();
      break;
  }
}

function finishReport(p: Plan, sim: Sim): void {
  const r = p.report;
  const conn = p.conn;
  if (conn === null) return;
  const open = r.openAtMs;
  const events = sim.capture.filter((e) => e.connection === conn.id);
  r.delivered = conn.c2s.delivered;
  const sent = events.filter((e) => e.from === 'client' && e.kind === 'data');
  const planned = p.steps.filter((s) => s.kind === 'data');
  r.deliveredAsCaptured = sent.length <= planned.length && sent.every((e, i) => e.bytes!.equals(planned[i]!.bytes!) && round(e.time - open) === planned[i]!.atMs);
  if (!r.deliveredAsCaptured) r.notes.push('the simulation did not deliver the chunks as captured (cut or moved): the replay is not exact');
  if (r.delivered < r.bytes) r.notes.push(`${r.bytes - r.delivered} of the client's ${r.bytes} bytes never reached the server: the connection was reset first`);

  const serverFin = events.find((e) => e.from === 'server' && e.kind === 'fin');
  const rst = events.find((e) => e.kind === 'rst');
  const serverRst = rst?.from === 'server' ? rst : undefined;
  const closeAt = serverRst ?? serverFin;
  const clientEndAt = r.clientEnd?.atMs ?? Infinity;
  const clientRst = rst?.from === 'client' ? rst : undefined;
  r.serverClose = {
    how: serverRst !== undefined ? 'rst' : serverFin !== undefined ? 'fin' : clientRst !== undefined ? 'client-rst' : 'none',
    atMs: closeAt === undefined ? (clientRst === undefined ? null : round(clientRst.time - open)) : round(closeAt.time - open),
    beforeClient: closeAt === undefined ? null : round(closeAt.time - open) < clientEndAt,
  };
  const clientBytes = Buffer.concat(sent.map((e) => e.bytes!));
  r.replay = readExchange(clientBytes, conn.client.received, { ended: conn.client.ended || conn.client.closed, reset: conn.isReset });

  const fromServer = p.tcp.fromServer;
  if (fromServer.bytes > 0 || fromServer.fin !== null || fromServer.rst !== null) {
    const allClient = Buffer.concat(p.tcp.fromClient.chunks.map((c) => c.bytes));
    const capturedServer = Buffer.concat(fromServer.chunks.map((c) => c.bytes));
    const end = fromServer.rst ?? fromServer.fin;
    const clientRstCaptured = p.tcp.fromClient.rst;
    const cut = fromServer.rst !== null || clientRstCaptured !== null || end === null;
    const captured = readExchange(allClient, capturedServer, { ended: end !== null || clientRstCaptured !== null, reset: fromServer.rst !== null || clientRstCaptured !== null });
    r.captured = {
      ...captured,
      close: {
        how: fromServer.rst !== null ? 'rst' : fromServer.fin !== null ? 'fin' : clientRstCaptured !== null ? 'client-rst' : 'none',
        atMs: end?.atMs ?? clientRstCaptured?.atMs ?? null,
        beforeClient: end === null ? null : end.atMs < (p.tcp.fromClient.fin?.atMs ?? p.tcp.fromClient.rst?.atMs ?? Infinity),
      },
    };
    r.comparison = fromServer.bytes === 0 ? null : compareAnswers(r.replay, captured, cut);
  }
}

/**
 * Same statuses and bodies in the same order (HTTP/2: per stream, whatever the interleaving),
 * and the same stream resets. A capture whose connection was cut (reset, or still open when the
 * capture stopped) may hold fewer complete answers: then they must agree as far as they go.
 */
function compareAnswers(replay: ExchangeReading, captured: ExchangeReading, cut: boolean): ConnectionReport['comparison'] {
  const key = (r: ResponseSeen) => `${r.stream ?? '-'} ${r.status} ${r.complete ? `${r.bodyBytes} ${r.body}` : 'cut'}`;
  const answers = (x: ExchangeReading) => [...x.responses].sort((p, q) => (p.stream ?? 0) - (q.stream ?? 0)).map(key);
  const resets = (x: ExchangeReading) => x.resets.map((r) => `${r.stream} ${r.code}`).sort().join(',');
  if (answers(replay).join('\n') === answers(captured).join('\n') && resets(replay) === resets(captured)) return 'same';
  if (!cut || captured.resets.length > 0) return 'different';
  // HTTP/1.1: the capture's complete answers are the first of the replay's. HTTP/2: each stream
  // the capture saw end is answered alike in the replay (streams cut short are not compared).
  const complete = captured.responses.filter((r) => r.complete);
  const ok = complete.every((r, i) => r.stream === undefined
    ? replay.responses[i] !== undefined && key(replay.responses[i]!) === key(r)
    : replay.responses.some((x) => x.stream === r.stream && x.interim === r.interim && key(x) === key(r)));
  return ok ? 'same-as-far-as-captured' : 'different';
}

function captureNotes(tcp: TcpConnection): string[] {
  const notes: string[] = [];
  const s = tcp.fromClient.stats;
  if (!tcp.handshake) {
    notes.push(`no SYN from the client in the capture: it began mid-connection, so the server sees the client's bytes from the first one captured (client and server told apart by ${tcp.roles === 'syn-ack' ? "the server's SYN-ACK" : tcp.roles === 'server-port' ? '--server-port' : 'the lower port: give --server-port if that is wrong'})`);
  }
  if (s.retransmitted > 0) notes.push(`${s.retransmitted} retransmitted segment(s): ${s.duplicateBytes} byte(s) that had already arrived were dropped`);
  if (s.conflictingBytes > 0) notes.push(`${s.conflictingBytes} retransmitted byte(s) differ from the first copy (the first copy is replayed)`);
  if (s.outOfOrder > 0) notes.push(`${s.outOfOrder} segment(s) arrived out of order: their bytes are delivered when the hole before them filled`);
  if (s.ignoredBytes > 0) notes.push(`${s.ignoredBytes} byte(s) before the stream's start, past its FIN or after its RST were ignored`);
  const stuck = tcp.fromClient.stuck;
  if (stuck !== null) notes.push(`a hole of ${stuck.missingBytes} byte(s) at stream offset ${stuck.offset} never filled (packets missing from the capture): the ${stuck.heldBytes} byte(s) received past it are not replayed, nor is a FIN after them`);
  if (tcp.fromClient.snaplenMissing > 0) notes.push(`the capture's snaplen cut ${tcp.fromClient.snaplenMissing} payload byte(s) off the client's packets: the stream stops at the first cut (capture with -s 0)`);
  return notes;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

export function ms(x: number): string {
  return `${Number.isInteger(x) ? x : x.toFixed(3)} ms`;
}

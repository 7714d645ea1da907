/**
 * Model-based tests of aeronet's HTTP/2 connection: fast-check draws sequences of client actions
 * (streams opened on demo routes, DATA of any size, RST_STREAM, WINDOW_UPDATE, SETTINGS,
 * PRIORITY, PING, GOAWAY, CONTINUATION, frames on idle and closed ids, waits that let the
 * routes answer), runs each against the real server over a simulated socket on virtual time and
 * against the reference model (stream-state-table.ts, flow-control-model.ts through
 * connection-model.ts), and fails on the first divergence with the shrunk sequence.
 *
 * Timing: every action is sent on a step boundary (a multiple of STEP_MS of virtual time) and the
 * world then runs one step. The link has no latency, so the server answers the action at the
 * boundary. The server's own timers never fire on a boundary: /slow handlers answer a quarter
 * step past one, and a half-closed (local) stream lingers a whole number of steps plus a half
 * (so its reset comes half or three quarters of a step past a boundary). Their frames therefore
 * always come after the answer to the step's action, in the order the model reads them.
 *
 * Defences: the flood budgets (peer resets, provoked resets, idle frames) are configured far
 * above what a run can spend, so ENHANCE_YOUR_CALM never happens and is not modelled.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { simH2World, type SimH2Conn, type SimH2World } from '../test-support/sim-h2.js';
import { ErrorCode, FrameType } from '../frames/constants.js';
import type { ReceivedFrame } from '../../../harness/h2/raw-h2-client.js';
import { patternBytes } from '../../demo/demo-routes.js';
import { ConnectionModel, type ServerFrame } from './connection-model.js';
import { indexTable, STREAM_STATE_TABLE, STREAM_TABLE, type StreamTable } from './stream-state-table.js';
import { MAX_WINDOW } from './flow-control-model.js';
import { modelRuns } from '../../test-support/model-runs.js';

const STEP_MS = 20;
const LINGER_MS = 10 * STEP_MS + STEP_MS / 2;
const { runs: RUNS, seed: SEED, timeoutMs: TIMEOUT_MS } = modelRuns({ runs: 1000, seed: 20_240_512, msPerRun: 10 });
const MAX_COMMANDS = 30;

// ---- The demo routes, as the model expects them to answer ----

type Route = { kind: 'hello' } | { kind: 'echo' } | { kind: 'slow'; ms: number };

function routeText(r: Route): string {
  return r.kind === 'hello' ? 'GET /hello' : r.kind === 'echo' ? 'POST /echo' : `GET /slow?ms=${r.ms}`;
}

interface Exchange {
  id: number;
  route: Route;
  openedAt: number;
  /** Request body bytes the server took (each DATA frame carries the pattern at its offset). */
  sent: number;
  requestEnded: boolean;
}

function expectedBody(ex: Exchange): Buffer {
  if (ex.route.kind === 'hello') return Buffer.from('hello, world\n');
  if (ex.route.kind === 'echo') return patternBytes(0, ex.sent);
  return Buffer.from(`slept ${ex.route.ms} ms\n`);
}

function due(ex: Exchange, now: number): boolean {
  if (ex.route.kind === 'hello') return true;
  if (ex.route.kind === 'echo') return ex.requestEnded;
  return now >= ex.openedAt + ex.route.ms;
}

// ---- The system under test and the model, side by side ----

class System {
  readonly exchanges = new Map<number, Exchange>();
  readonly opened: number[] = [];
  private seen = 0;
  private serverEnded = false;
  private pings = 0;

  constructor(readonly world: SimH2World, readonly h: SimH2Conn, readonly model: ConnectionModel) {
    h.conn.client.observe({ data: () => {}, end: () => { this.serverEnded = true; }, closed: () => { this.serverEnded = true; } });
  }

  static async start(table: StreamTable): Promise<System> {
    const world = simH2World(1, {
      limits: { maxBodyBytes: 64 * 1024 * 1024 },
      http2: {
        // Large frames, so one DATA frame can overrun a stream's or the connection's window.
        settings: { maxFrameSize: 16_777_215 },
        defences: { maxPeerResets: 1_000_000, maxProvokedResets: 1_000_000, maxIdleFrames: 1_000_000 },
        timeouts: { lingerMs: LINGER_MS },
      },
    });
    const h = world.open();
    const s = new System(world, h, new ConnectionModel(table));
    s.model.settingsAcksOwed = 1; // the preface's SETTINGS
    await world.sim.run(h.handshake());
    await s.step(1);
    return s;
  }

  get now(): number {
    return this.world.sim.clock.now();
  }

  get client() {
    return this.h.client;
  }

  nextPingOpaque(): Buffer {
    const b = Buffer.alloc(8);
    b.writeUInt32BE(++this.pings, 4);
    return b;
  }

  /** Let `steps` steps of virtual time pass, then judge everything the server sent. */
  async step(steps: number): Promise<void> {
    await this.world.sim.run(this.world.sim.sleep(STEP_MS * steps));
    const frames = this.client.frames;
    for (; this.seen < frames.length; this.seen++) this.model.serverFrame(toServerFrame(frames[this.seen]!));
    this.model.endOfStep();
    this.checkExchanges();
    if (this.model.goawayCode !== null && !this.serverEnded) this.model.divergences.push('the server sent GOAWAY but did not close the connection (RFC 9113 §5.4.1)');
    if (this.serverEnded && this.model.goawayCode === null) this.model.divergences.push('the server closed the connection without GOAWAY (RFC 9113 §6.8)');
    if (this.client.decodeError !== null) this.model.divergences.push(`the server's bytes are not frames: ${this.client.decodeError.message}`);
    if (this.model.divergences.length > 0) throw new Error(`divergence from the RFC 9113 model:\n  ${this.model.divergences.join('\n  ')}`);
  }

  /** The routes' answers: right bodies, and every due response sent as far as the windows allow. */
  private checkExchanges(): void {
    if (this.model.ended) return;
    const flow = this.model.flow;
    let owedOnConnection = 0;
    const waiting: Array<{ ex: Exchange; remaining: number }> = [];
    for (const ex of this.exchanges.values()) {
      const state = this.model.stateOf(ex.id);
      if (state === 'closed (reset sent)' || state === 'closed (reset received)') continue;
      const resp = this.client.response(ex.id);
      if (resp.ended) {
        const want = expectedBody(ex);
        if (resp.status !== 200) this.model.divergences.push(`${routeText(ex.route)} on stream ${ex.id} answered ${resp.status}`);
        else if (!resp.body.equals(want)) this.model.divergences.push(`${routeText(ex.route)} on stream ${ex.id}: body of ${resp.body.length} B, expected ${want.length} B`);
        continue;
      }
      if (!due(ex, this.now) || (state !== 'open' && state !== 'half-closed (remote)')) continue;
      if (resp.status === null) {
        this.model.divergences.push(`${routeText(ex.route)} on stream ${ex.id} is due but the server sent no response HEADERS`);
        continue;
      }
      const remaining = expectedBody(ex).length - resp.body.length;
      owedOnConnection += remaining;
      waiting.push({ ex, remaining });
    }
    // Liveness: with credit for everything owed, nothing may be left unsent (§6.9 leaves no reason to wait).
    if (owedOnConnection > flow.connSend) return;
    for (const { ex, remaining } of waiting) {
      if (remaining <= flow.sendWindow(ex.id)) this.model.divergences.push(`${routeText(ex.route)} on stream ${ex.id}: ${remaining} B owed within the windows, not sent`);
    }
  }
}

function toServerFrame(f: ReceivedFrame): ServerFrame {
  switch (f.type) {
    case 'HEADERS': return { type: 'HEADERS', streamId: f.streamId, endStream: f.endStream };
    case 'DATA': return { type: 'DATA', streamId: f.streamId, endStream: f.endStream, length: f.flowLength };
    case 'RST_STREAM': return { type: 'RST_STREAM', streamId: f.streamId, errorCode: f.errorCode };
    case 'WINDOW_UPDATE': return { type: 'WINDOW_UPDATE', streamId: f.streamId, increment: f.increment };
    case 'SETTINGS': return { type: 'SETTINGS', ack: f.ack, settings: f.settings };
    case 'PING': return { type: 'PING', ack: f.ack, opaque: f.opaque.toString('hex') };
    case 'GOAWAY': return { type: 'GOAWAY', lastStreamId: f.lastStreamId, errorCode: f.errorCode };
    case 'PRIORITY': return { type: 'PRIORITY', streamId: f.streamId };
    case 'PUSH_PROMISE': return { type: 'PUSH_PROMISE', streamId: f.streamId };
    case 'CONTINUATION': return { type: 'CONTINUATION', streamId: f.streamId };
    default: return { type: 'OTHER', name: f.type };
  }
}

// ---- Which stream a command names ----

type Ref = { kind: 'opened'; i: number } | { kind: 'lower'; i: number } | { kind: 'idle'; k: number } | { kind: 'even'; k: number };

/** The k-th odd id above every id the client opened (k ≥ 1). */
function nextOdd(s: System, k: number): number {
  const highest = s.model.highestOpened;
  return highest === 0 ? 2 * k - 1 : highest + 2 * k;
}

function resolve(ref: Ref, s: System): number {
  const highest = s.model.highestOpened;
  switch (ref.kind) {
    case 'opened': return s.opened.length > 0 ? s.opened[ref.i % s.opened.length]! : nextOdd(s, 1);
    case 'lower': return highest > 0 ? 1 + 2 * (ref.i % ((highest + 1) / 2)) : 1;
    case 'idle': return nextOdd(s, ref.k);
    case 'even': return 2 * ref.k;
  }
}

function refText(ref: Ref, id: number | null): string {
  const name = ref.kind === 'opened' ? `opened[${ref.i}]` : ref.kind === 'lower' ? `lower[${ref.i}]` : ref.kind === 'idle' ? `idle+${ref.k}` : `even ${2 * ref.k}`;
  return id === null ? name : `${name}=${id}`;
}

const refArb: fc.Arbitrary<Ref> = fc.oneof(
  { weight: 8, arbitrary: fc.nat(7).map((i): Ref => ({ kind: 'opened', i })) },
  { weight: 1, arbitrary: fc.nat(7).map((i): Ref => ({ kind: 'lower', i })) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 3 }).map((k): Ref => ({ kind: 'idle', k })) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 3 }).map((k): Ref => ({ kind: 'even', k })) },
);

// ---- The commands ----

type Cmd = fc.AsyncCommand<System, System>;

abstract class Base implements Cmd {
  protected id: number | null = null;
  /** The stream the command names, if any: 'opened' refs wait until a stream was opened. */
  protected readonly ref: Ref | null = null;
  check(s: Readonly<System>): boolean {
    return !s.model.ended && !(this.ref?.kind === 'opened' && s.opened.length === 0);
  }
  abstract run(s: System): Promise<void>;
  abstract toString(): string;
}

class Open extends Base {
  constructor(readonly gap: number, readonly route: Route, readonly endStream: boolean, readonly split: boolean) { super(); }
  async run(s: System): Promise<void> {
    const id = (this.id = nextOdd(s, this.gap));
    const path = this.route.kind === 'hello' ? '/hello' : this.route.kind === 'echo' ? '/echo' : `/slow?ms=${this.route.ms}`;
    s.client.request(id, path, { method: this.route.kind === 'echo' ? 'POST' : 'GET', endStream: this.endStream, ...(this.split ? { continuationBytes: 7 } : {}) });
    s.model.clientHeaders(id, this.endStream);
    const state = s.model.stateOf(id);
    if (state === 'open' || state === 'half-closed (remote)') {
      s.opened.push(id);
      s.exchanges.set(id, { id, route: this.route, openedAt: s.now, sent: 0, requestEnded: this.endStream });
    }
    await s.step(1);
  }
  toString(): string {
    return `Open(${this.id ?? `+${this.gap}`} ${routeText(this.route)}${this.endStream ? ' END_STREAM' : ''}${this.split ? ' +CONTINUATION' : ''})`;
  }
}

class Trailers extends Base {
  constructor(override readonly ref: Ref, readonly endStream: boolean) { super(); }
  override check(s: Readonly<System>): boolean {
    // On an idle odd id these fields would be a (malformed) request: that is Open's business.
    const id = resolve(this.ref, s as System);
    return super.check(s) && !(id % 2 === 1 && s.model.stateOf(id) === 'idle');
  }
  async run(s: System): Promise<void> {
    const id = (this.id = resolve(this.ref, s));
    const before = s.model.stateOf(id);
    s.client.headers(id, [['x-trailer', 'yes']], { endStream: this.endStream });
    s.model.clientHeaders(id, this.endStream);
    const ex = s.exchanges.get(id);
    if (ex !== undefined && this.endStream && before === 'open') ex.requestEnded = true;
    await s.step(1);
  }
  toString(): string {
    return `Trailers(${refText(this.ref, this.id)}${this.endStream ? ' END_STREAM' : ''})`;
  }
}

type Size = { kind: 'bytes'; n: number } | { kind: 'stream-window'; delta: number } | { kind: 'connection-window'; delta: number };

class Data extends Base {
  private length: number | null = null;
  constructor(override readonly ref: Ref, readonly size: Size, readonly endStream: boolean) { super(); }
  async run(s: System): Promise<void> {
    const id = (this.id = resolve(this.ref, s));
    const flow = s.model.flow;
    const n = (this.length = Math.max(0, this.size.kind === 'bytes' ? this.size.n : this.size.kind === 'stream-window' ? flow.recvWindow(id) + this.size.delta : flow.connRecv + this.size.delta));
    const before = s.model.stateOf(id);
    const ex = s.exchanges.get(id);
    const fits = n <= flow.connRecv && n <= flow.recvWindow(id);
    s.client.data(id, patternBytes(ex?.sent ?? 0, n), this.endStream);
    s.model.clientData(id, n, this.endStream);
    if (ex !== undefined && before === 'open' && fits) {
      ex.sent += n;
      if (this.endStream) ex.requestEnded = true;
    }
    await s.step(1);
  }
  toString(): string {
    const size = this.size.kind === 'bytes' ? `${this.size.n} B` : `${this.size.kind}${this.size.delta >= 0 ? '+' : ''}${this.size.delta}`;
    return `Data(${refText(this.ref, this.id)} ${size}${this.length !== null && this.size.kind !== 'bytes' ? `=${this.length} B` : ''}${this.endStream ? ' END_STREAM' : ''})`;
  }
}

class Rst extends Base {
  constructor(override readonly ref: Ref, readonly code: number) { super(); }
  async run(s: System): Promise<void> {
    const id = (this.id = resolve(this.ref, s));
    s.client.rst(id, this.code);
    s.model.clientRst(id);
    await s.step(1);
  }
  toString(): string {
    return `Rst(${refText(this.ref, this.id)} code ${this.code})`;
  }
}

class WindowUpdate extends Base {
  constructor(override readonly ref: Ref | null, readonly increment: number) { super(); }
  async run(s: System): Promise<void> {
    const id = (this.id = this.ref === null ? 0 : resolve(this.ref, s));
    const payload = Buffer.alloc(4);
    payload.writeUInt32BE(this.increment);
    s.client.frame(FrameType.WINDOW_UPDATE, 0, id, payload);
    s.model.clientWindowUpdate(id, this.increment);
    await s.step(1);
  }
  toString(): string {
    return `WindowUpdate(${this.ref === null ? 'connection' : refText(this.ref, this.id)} +${this.increment})`;
  }
}

class Settings extends Base {
  constructor(readonly initialWindowSize: number | null, readonly maxFrameSize: number | null) { super(); }
  async run(s: System): Promise<void> {
    const settings: Array<[number, number]> = [];
    if (this.initialWindowSize !== null) settings.push([0x4, this.initialWindowSize]);
    if (this.maxFrameSize !== null) settings.push([0x5, this.maxFrameSize]);
    s.client.settings(settings);
    s.model.clientSettings(settings);
    await s.step(1);
  }
  toString(): string {
    return `Settings(${this.initialWindowSize !== null ? `INITIAL_WINDOW_SIZE=${this.initialWindowSize}` : ''}${this.initialWindowSize !== null && this.maxFrameSize !== null ? ' ' : ''}${this.maxFrameSize !== null ? `MAX_FRAME_SIZE=${this.maxFrameSize}` : ''})`;
  }
}

class Priority extends Base {
  constructor(override readonly ref: Ref, readonly selfDependent: boolean) { super(); }
  async run(s: System): Promise<void> {
    const id = (this.id = resolve(this.ref, s));
    const payload = Buffer.alloc(5);
    payload.writeUInt32BE(this.selfDependent ? id : 0);
    payload[4] = 15;
    s.client.frame(FrameType.PRIORITY, 0, id, payload);
    s.model.clientPriority(id, this.selfDependent);
    await s.step(1);
  }
  toString(): string {
    return `Priority(${refText(this.ref, this.id)}${this.selfDependent ? ' on itself' : ''})`;
  }
}

class Continuation extends Base {
  constructor(override readonly ref: Ref) { super(); }
  async run(s: System): Promise<void> {
    const id = (this.id = resolve(this.ref, s));
    s.client.continuation(id, Buffer.alloc(0), true);
    s.model.clientContinuation(id);
    await s.step(1);
  }
  toString(): string {
    return `Continuation(${refText(this.ref, this.id)})`;
  }
}

class Ping extends Base {
  async run(s: System): Promise<void> {
    const opaque = s.nextPingOpaque();
    s.client.ping(opaque);
    s.model.clientPing(opaque.toString('hex'));
    await s.step(1);
  }
  toString(): string {
    return 'Ping()';
  }
}

class Goaway extends Base {
  constructor(readonly code: number) { super(); }
  async run(s: System): Promise<void> {
    s.client.goaway(s.model.highestOpened, this.code);
    s.model.clientGoaway();
    await s.step(1);
  }
  toString(): string {
    return `Goaway(code ${this.code})`;
  }
}

/** Server-side time: /slow handlers answer, lingering streams are let go. */
class Wait extends Base {
  constructor(readonly steps: number) { super(); }
  async run(s: System): Promise<void> {
    await s.step(this.steps);
  }
  toString(): string {
    return `Wait(${this.steps * STEP_MS} ms)`;
  }
}

const routeArb: fc.Arbitrary<Route> = fc.oneof(
  fc.constant<Route>({ kind: 'hello' }),
  fc.constant<Route>({ kind: 'echo' }),
  // A quarter step off the boundaries (see the file comment).
  fc.constantFrom(0, 1, 4).map((k): Route => ({ kind: 'slow', ms: k * STEP_MS + STEP_MS / 4 })),
);

const sizeArb: fc.Arbitrary<Size> = fc.oneof(
  { weight: 4, arbitrary: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 100 }), fc.integer({ min: 1, max: 20_000 })).map((n): Size => ({ kind: 'bytes', n })) },
  { weight: 2, arbitrary: fc.integer({ min: -2, max: 2 }).map((delta): Size => ({ kind: 'stream-window', delta })) },
  { weight: 1, arbitrary: fc.integer({ min: -1, max: 1 }).map((delta): Size => ({ kind: 'connection-window', delta })) },
);

const incrementArb = fc.oneof(fc.constant(0), fc.constant(1), fc.constant(1000), fc.constant(65_535), fc.constant(MAX_WINDOW), fc.integer({ min: 1, max: MAX_WINDOW }));
const windowSizeArb = fc.oneof(fc.constant(0), fc.constant(1), fc.constant(13), fc.constant(65_535), fc.constant(65_536), fc.constant(MAX_WINDOW), fc.constant(MAX_WINDOW + 1), fc.integer({ min: 0, max: MAX_WINDOW }));
const frameSizeArb = fc.oneof(fc.constant(16_383), fc.constant(16_384), fc.constant(16_385), fc.constant(16_777_215), fc.constant(16_777_216), fc.integer({ min: 16_384, max: 16_777_215 }));
const codeArb = fc.constantFrom<number>(ErrorCode.NO_ERROR, ErrorCode.PROTOCOL_ERROR, ErrorCode.CANCEL);
const openArb = fc.tuple(fc.oneof({ weight: 4, arbitrary: fc.constant(1) }, { weight: 1, arbitrary: fc.integer({ min: 2, max: 3 }) }), routeArb, fc.boolean(), fc.boolean()).map(([g, r, e, sp]) => new Open(g, r, e, sp));

const dataArb = fc.tuple(refArb, sizeArb, fc.boolean()).map(([r, z, e]) => new Data(r, z, e));
const waitArb = fc.integer({ min: 1, max: 12 }).map((n) => new Wait(n));
const windowUpdateArb = fc.tuple(fc.option(refArb, { freq: 3 }), incrementArb).map(([r, i]) => new WindowUpdate(r, i));

/** fc.commands picks among these uniformly: repeats weigh the common actions up, and the ones that end a connection share a slot. */
const commandArbs: Array<fc.Arbitrary<Cmd>> = [
  openArb, openArb, openArb,
  dataArb, dataArb, dataArb,
  waitArb, waitArb,
  windowUpdateArb, windowUpdateArb,
  fc.tuple(refArb, fc.boolean()).map(([r, e]) => new Trailers(r, e)),
  fc.tuple(refArb, codeArb).map(([r, c]) => new Rst(r, c)),
  fc.tuple(fc.option(windowSizeArb), fc.option(frameSizeArb, { freq: 2 })).map(([w, f]) => new Settings(w, f)),
  fc.tuple(refArb, fc.boolean()).map(([r, self]) => new Priority(r, self)),
  fc.oneof(fc.constant(null).map(() => new Ping()), refArb.map((r) => new Continuation(r)), codeArb.map((c) => new Goaway(c))),
];

function property(table: StreamTable) {
  return fc.asyncProperty(fc.commands(commandArbs, { maxCommands: MAX_COMMANDS, size: 'medium' }), async (cmds) => {
    const s = await System.start(table);
    await fc.asyncModelRun(() => ({ model: s, real: s }), cmds);
  });
}

describe('HTTP/2 connection against the RFC 9113 model (§5.1 states, §6.9 flow control)', () => {
  it('the stream state table has exactly one row per (state, direction, event)', () => {
    expect(() => indexTable(STREAM_STATE_TABLE)).not.toThrow();
    expect(STREAM_STATE_TABLE.length).toBe(STREAM_TABLE.size);
    expect(STREAM_TABLE.size).toBe(10 * 2 * 9);
  });

  it(`random command sequences: the server does what the model allows (${RUNS} runs, seed ${SEED})`, async () => {
    await fc.assert(property(STREAM_TABLE), { seed: SEED, numRuns: RUNS, endOnFailure: false });
  }, TIMEOUT_MS);

  it('the check can fail: a wrong row (DATA on an open stream as a connection error) is caught and shrunk to two commands', async () => {
    const wrong = STREAM_STATE_TABLE.map((row) => row.state === 'open' && row.dir === 'recv' && row.event === 'DATA' ? { ...row, outcomes: [{ kind: 'connection-error', code: 'PROTOCOL_ERROR' }] as const } : row);
    const result = await fc.check(property(indexTable(wrong)), { seed: SEED, numRuns: 300 });
    expect(result.failed).toBe(true);
    const ran = [...(result.counterexample![0] as Iterable<{ hasRan: boolean; toString(): string }>)].filter((c) => c.hasRan);
    const shown = ran.map(String);
    expect(ran.length, shown.join(', ')).toBeLessThanOrEqual(2);
    expect(shown[0]).toMatch(/^Open\(/);
    expect(shown.at(-1)).toMatch(/^Data\(/);
    expect(String(result.errorInstance)).toMatch(/expected GOAWAY PROTOCOL_ERROR/);
  }, 120_000);
});

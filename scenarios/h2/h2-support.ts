/**
 * Helpers for the HTTP/2 scenarios: a frame-level client (RawH2Client) wired to a simulated
 * connection, a TLS session or an h2c Upgrade, that keeps a per-stream view of the responses and
 * audits the server's flow control as frames arrive; and node:http2's client over the sim.
 * Not a scenario itself.
 *
 * The flow-control audit (RFC 9113 §6.9): the server may send on a stream at most the initial
 * window in force plus the credit the client granted, and on the connection at most 65,535 plus
 * the connection credit. The initial window in force for a DATA frame is known exactly: the
 * server applies a SETTINGS frame and writes its ACK in one step, and its output is one ordered
 * byte stream, so a DATA frame read after the k-th SETTINGS ACK was sent under the first k
 * SETTINGS frames the client sent. Credit "granted" counts every WINDOW_UPDATE sent so far, an
 * upper bound on what the server had seen: the audit never blames a correct server.
 */
import http2 from 'node:http2';
import type { Duplex } from 'node:stream';
import type { ScenarioContext, Scenario, TlsConnection } from '../../harness/runner/scenario.js';
import type { TestConnection } from '../../harness/sim/test-socket.js';
import type { VirtualClock } from '../../harness/sim/virtual-clock.js';
import type { Rng } from '../../harness/sim/rng.js';
import { RawH2Client, type ReceivedFrame } from '../../harness/h2/raw-h2-client.js';
import { clientStream } from '../../harness/sim/node-streams.js';
import { DEFAULT_MAX_FRAME_SIZE, ErrorCode, FrameFlag, FrameType, SettingId, errorCodeName } from '../../server/http2/frames/constants.js';
import type { Setting } from '../../server/http2/frames/frame.js';

/** The protocol's initial window for streams and for the connection (RFC 9113 §6.9.2). */
export const DEFAULT_WINDOW = 65_535;

/** What the client has seen of one stream's response. */
export class H2StreamView {
  status: number | null = null;
  /** Every field the server sent on the stream (interim, final and trailer sections). */
  readonly fields: Array<[string, string]> = [];
  readonly chunks: Buffer[] = [];
  bodyLength = 0;
  dataFrames = 0;
  /** END_STREAM arrived. */
  ended = false;
  /** The server's RST_STREAM code, if it sent one. */
  reset: number | null = null;
  /** The client sent RST_STREAM on it. */
  resetByClient = false;
  /** DATA payload octets received (padding included): what counts against the window. */
  flowReceived = 0;
  /** Credit the client granted with WINDOW_UPDATE. */
  granted = 0;
  /** Received octets not credited back yet. */
  owed = 0;
  constructor(readonly id: number) {}

  body(): Buffer {
    return Buffer.concat(this.chunks, this.bodyLength);
  }

  header(name: string): string | undefined {
    return this.fields.find(([n]) => n === name)?.[1];
  }

  /** Still expecting frames: neither ended nor reset by either side. */
  get open(): boolean {
    return !this.ended && this.reset === null && !this.resetByClient;
  }
}

export interface H2PeerOptions {
  /** 'auto': credit every DATA frame back at once (stream and connection); 'manual': the scenario grants. */
  credit?: 'auto' | 'manual';
  /** The initial stream window before any SETTINGS of ours apply (the HTTP2-Settings of an h2c Upgrade). */
  baseInitialWindow?: number;
  /** Acknowledge the server's SETTINGS as they arrive (default true). */
  autoAck?: boolean;
  /** The bytes start with an HTTP/1.1 response head (h2c Upgrade): HTTP/2 begins after a 101. */
  upgrade?: boolean;
  /** :scheme for requests (default http). */
  scheme?: string;
}

/**
 * A RawH2Client with bookkeeping: per-stream responses, the server's GOAWAYs, PING ACKs and
 * SETTINGS ACKs, the windows it grants us for uploads, and the flow-control audit described at
 * the top of this file. Waits resolve on every received chunk and on the connection's end.
 */
export class H2Peer {
  readonly client: RawH2Client;
  readonly streams = new Map<number, H2StreamView>();
  readonly goaways: Array<Extract<ReceivedFrame, { type: 'GOAWAY' }>> = [];
  readonly pingAcks: Buffer[] = [];
  /** Flow-control or framing rules the server broke, in the order seen. */
  readonly problems: string[] = [];
  serverSettings: Setting[] | null = null;
  settingsAcks = 0;
  credit: 'auto' | 'manual';
  connGranted = 0;
  connReceived = 0;
  connOwed = 0;
  /** The server's FIN arrived. */
  serverEnded = false;
  /** The connection is gone (closed or reset); closeError says how ('ECONNRESET'...). */
  closed = false;
  closeError: string | null = null;
  /** The HTTP/1.1 response head before the switch (h2c Upgrade), once complete. */
  upgradeHead: string | null = null;
  /** Writes the client made (one per frame, the preface's magic and SETTINGS being one). */
  writes = 0;
  /** Bytes after a non-101 head (the upgrade was declined). */
  http1Rest = Buffer.alloc(0);
  readonly scheme: string;
  private readonly settingsSent: Array<ReadonlyArray<readonly [number, number]>> = [];
  private readonly baseInitialWindow: number;
  private readonly autoAck: boolean;
  private awaitingUpgrade: boolean;
  private preUpgrade = Buffer.alloc(0);
  private processed = 0;
  private openHeaders: Extract<ReceivedFrame, { type: 'HEADERS' }> | null = null;
  private waiters: Array<() => void> = [];
  private pings = 0;
  private corked: Buffer[] | null = null;
  private beforePreface: Buffer[] | null = [];
  // What the server lets us send (uploads).
  private sendConnWindow = DEFAULT_WINDOW;
  private sendInitialWindow = DEFAULT_WINDOW;
  private readonly sendStreamWindow = new Map<number, number>();

  constructor(io: { write(bytes: Buffer): void }, private readonly clock: VirtualClock, options: H2PeerOptions = {}) {
    this.client = new RawH2Client({
      write: (bytes) => {
        this.writes++;
        // Nothing may precede the preface: an ACK or a WINDOW_UPDATE for what arrived before it
        // (after an h2c Upgrade's 101) waits for it.
        if (this.beforePreface !== null) this.beforePreface.push(bytes);
        else if (this.corked !== null) this.corked.push(bytes);
        else io.write(bytes);
      },
    });
    this.flushCorked = () => {
      const corked = this.corked;
      this.corked = null;
      if (corked !== null && corked.length > 0) io.write(Buffer.concat(corked));
    };
    this.credit = options.credit ?? 'manual';
    this.baseInitialWindow = options.baseInitialWindow ?? DEFAULT_WINDOW;
    this.autoAck = options.autoAck ?? true;
    this.awaitingUpgrade = options.upgrade ?? false;
    this.scheme = options.scheme ?? 'http';
  }

  // ---- Sending ----

  private readonly flushCorked: () => void;

  /** Frames sent inside `fn` leave in one write (so they arrive in one segment on an unsplit link). */
  batch(fn: () => void): this {
    this.corked ??= [];
    try {
      fn();
    } finally {
      this.flushCorked();
    }
    return this;
  }

  /** The client preface with our SETTINGS (recorded for the audit). */
  preface(settings: ReadonlyArray<readonly [number, number]> = []): this {
    const held = this.beforePreface ?? [];
    this.beforePreface = null;
    this.settingsSent.push(settings);
    this.client.preface(settings.map(([id, v]) => [id, v] as const));
    for (const bytes of held) this.client.raw(bytes);
    this.writes -= held.length;
    return this;
  }

  /** A SETTINGS change (recorded for the audit). */
  settings(settings: ReadonlyArray<readonly [number, number]>): this {
    this.settingsSent.push(settings);
    this.client.settings(settings.map(([id, v]) => [id, v] as const));
    return this;
  }

  /** SETTINGS frames sent so far (the preface's included). */
  get settingsFramesSent(): number {
    return this.settingsSent.length;
  }

  /**
   * A field block as HEADERS + CONTINUATION frames whose fragment sizes `pieces(blockLength)`
   * gives (default: one HEADERS frame). The client's HPACK encoder encodes it once.
   */
  headers(id: number, fields: Array<[string, string]>, options: { endStream?: boolean; pieces?: (length: number) => number[]; leaveOpen?: boolean } = {}): this {
    this.view(id);
    if (!this.sendStreamWindow.has(id)) this.sendStreamWindow.set(id, this.sendInitialWindow);
    const block = this.client.encoder.encode(fields);
    const sizes = options.pieces ? options.pieces(block.length) : [block.length];
    if (sizes.reduce((a, b) => a + b, 0) !== block.length) throw new Error(`headers: pieces ${sizes.join('+')} do not add up to ${block.length}`);
    let at = 0;
    sizes.forEach((size, i) => {
      const last = i === sizes.length - 1;
      const fragment = block.subarray(at, at + size);
      at += size;
      const endHeaders = last && !options.leaveOpen ? FrameFlag.END_HEADERS : 0;
      if (i === 0) this.client.frame(FrameType.HEADERS, endHeaders | (options.endStream ? FrameFlag.END_STREAM : 0), id, fragment);
      else this.client.frame(FrameType.CONTINUATION, endHeaders, id, fragment);
    });
    return this;
  }

  /** A request: pseudo-header fields, then `extra`. */
  request(id: number, method: string, path: string, options: { extra?: Array<[string, string]>; endStream?: boolean; pieces?: (length: number) => number[]; leaveOpen?: boolean } = {}): this {
    const fields: Array<[string, string]> = [[':method', method], [':scheme', this.scheme], [':authority', 'sim.test'], [':path', path], ...(options.extra ?? [])];
    return this.headers(id, fields, { endStream: options.endStream ?? true, ...(options.pieces ? { pieces: options.pieces } : {}), ...(options.leaveOpen ? { leaveOpen: true } : {}) });
  }

  /** One DATA frame, within the windows the server gave us (a scenario that overruns them has a bug). */
  data(id: number, bytes: Buffer, endStream = false): this {
    const streamWindow = this.sendStreamWindow.get(id) ?? this.sendInitialWindow;
    if (bytes.length > streamWindow || bytes.length > this.sendConnWindow || bytes.length > DEFAULT_MAX_FRAME_SIZE) {
      throw new Error(`scenario bug: DATA of ${bytes.length} on stream ${id} beyond the server's windows (stream ${streamWindow}, connection ${this.sendConnWindow})`);
    }
    this.sendStreamWindow.set(id, streamWindow - bytes.length);
    this.sendConnWindow -= bytes.length;
    this.client.data(id, bytes, endStream);
    return this;
  }

  /** How many octets we may send on `id` now. */
  sendable(id: number): number {
    return Math.min(this.sendStreamWindow.get(id) ?? this.sendInitialWindow, this.sendConnWindow, DEFAULT_MAX_FRAME_SIZE);
  }

  /**
   * A request body as DATA frames of `frameSize()` octets at most, waiting for the server's credit
   * when a window is shut, and for `pace()` between frames (an application writing as it goes;
   * without it every frame is queued on the link at once). False if the stream or the connection
   * died first.
   */
  async upload(id: number, body: Buffer, frameSize: () => number, endStream = true, pace?: () => Promise<void>): Promise<boolean> {
    let at = 0;
    if (body.length === 0 && endStream) this.data(id, Buffer.alloc(0), true);
    while (at < body.length) {
      if (pace !== undefined && at > 0) await pace();
      await this.until(() => this.sendable(id) > 0 || !this.view(id).open);
      if (this.closed || !this.view(id).open) return false;
      const n = Math.min(body.length - at, Math.max(1, frameSize()), this.sendable(id));
      this.data(id, body.subarray(at, at + n), endStream && at + n === body.length);
      at += n;
    }
    return true;
  }

  /** Grant stream credit (recorded for the audit). */
  grant(id: number, increment: number): this {
    if (increment <= 0) return this;
    const s = this.view(id);
    s.granted += increment;
    s.owed = Math.max(0, s.owed - increment);
    this.client.windowUpdate(id, increment);
    return this;
  }

  /** Grant connection credit (recorded for the audit). */
  grantConnection(increment: number): this {
    if (increment <= 0) return this;
    this.connGranted += increment;
    this.connOwed = Math.max(0, this.connOwed - increment);
    this.client.windowUpdate(0, increment);
    return this;
  }

  /** Credit back everything received and not yet credited, on open streams and the connection. */
  payBack(): this {
    for (const s of this.streams.values()) if (s.open && s.owed > 0) this.grant(s.id, s.owed);
    this.grantConnection(this.connOwed);
    return this;
  }

  rst(id: number, code: number = ErrorCode.CANCEL): this {
    this.view(id).resetByClient = true;
    this.client.rst(id, code);
    return this;
  }

  /** A PING round trip: resolves true once its ACK is read (everything the server did before answering is here too). */
  async roundTrip(): Promise<boolean> {
    const opaque = Buffer.alloc(8);
    opaque.writeUInt32BE(++this.pings, 4);
    this.client.ping(opaque);
    return this.until(() => this.pingAcks.some((a) => a.equals(opaque)));
  }

  // ---- Waiting ----

  /**
   * Resolves with pred() once it holds, or once nothing more can come (the server's FIN, or the
   * connection gone): checked after every chunk and state change.
   */
  until(pred: () => boolean): Promise<boolean> {
    if (pred() || this.closed || this.serverEnded) return Promise.resolve(pred());
    return new Promise((resolve) => {
      const check = () => {
        if (pred() || this.closed || this.serverEnded) resolve(pred());
        else this.waiters.push(check);
      };
      this.waiters.push(check);
    });
  }

  /** Like until(), but gives up after `ms` of virtual time. */
  within(ms: number, pred: () => boolean): Promise<boolean> {
    if (pred() || this.closed || this.serverEnded) return Promise.resolve(pred());
    return new Promise((resolve) => {
      let done = false;
      const timer = this.clock.setTimer(ms, () => {
        if (done) return;
        done = true;
        resolve(pred());
      });
      const check = () => {
        if (done) return;
        if (pred() || this.closed || this.serverEnded) {
          done = true;
          timer.cancel();
          resolve(pred());
        } else this.waiters.push(check);
      };
      this.waiters.push(check);
    });
  }

  // ---- Reading ----

  view(id: number): H2StreamView {
    let s = this.streams.get(id);
    if (s === undefined) {
      s = new H2StreamView(id);
      this.streams.set(id, s);
    }
    return s;
  }

  get goaway(): Extract<ReceivedFrame, { type: 'GOAWAY' }> | undefined {
    return this.goaways[0];
  }

  /** The initial stream window the server used after reading `acks` of our SETTINGS frames. */
  initialWindowAfter(acks: number): number {
    let w = this.baseInitialWindow;
    for (let i = 0; i < Math.min(acks, this.settingsSent.length); i++) {
      for (const [id, v] of this.settingsSent[i]!) if (id === SettingId.INITIAL_WINDOW_SIZE) w = v;
    }
    return w;
  }

  /** Bytes from the server. */
  receive(chunk: Buffer): void {
    let bytes = chunk;
    if (this.upgradeHead !== null && !this.upgradeHead.startsWith('HTTP/1.1 101 ')) {
      this.http1Rest = Buffer.concat([this.http1Rest, bytes]);
      this.notify();
      return;
    }
    if (this.awaitingUpgrade) {
      this.preUpgrade = Buffer.concat([this.preUpgrade, bytes]);
      const end = this.preUpgrade.indexOf('\r\n\r\n');
      if (end < 0) {
        this.notify();
        return;
      }
      this.awaitingUpgrade = false;
      this.upgradeHead = this.preUpgrade.subarray(0, end + 4).toString('latin1');
      bytes = this.preUpgrade.subarray(end + 4);
      if (!this.upgradeHead.startsWith('HTTP/1.1 101 ')) {
        this.http1Rest = Buffer.from(bytes);
        this.notify();
        return;
      }
    }
    if (bytes.length > 0) this.client.receive(bytes);
    const frames = this.client.frames;
    for (; this.processed < frames.length; this.processed++) this.onFrame(frames[this.processed]!);
    if (this.client.decodeError !== null && !this.problems.some((p) => p.startsWith('undecodable'))) this.problems.push(`undecodable frames from the server: ${this.client.decodeError.message}`);
    this.notify();
  }

  /** The server's FIN. */
  onEnd(): void {
    this.serverEnded = true;
    this.notify();
  }

  onClosed(error: string | null): void {
    this.closed = true;
    this.closeError = error;
    this.notify();
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  private onFrame(f: ReceivedFrame): void {
    switch (f.type) {
      case 'SETTINGS':
        if (f.ack) {
          this.settingsAcks++;
          if (this.settingsAcks > this.settingsSent.length) this.problems.push(`SETTINGS ACK #${this.settingsAcks} for ${this.settingsSent.length} SETTINGS sent`);
          return;
        }
        this.serverSettings = [...f.settings];
        for (const [id, v] of f.settings) {
          if (id !== SettingId.INITIAL_WINDOW_SIZE) continue;
          const delta = v - this.sendInitialWindow;
          this.sendInitialWindow = v;
          for (const [sid, w] of this.sendStreamWindow) this.sendStreamWindow.set(sid, w + delta);
        }
        if (this.autoAck) this.client.settingsAck();
        return;
      case 'PING':
        if (f.ack) this.pingAcks.push(Buffer.from(f.opaque));
        return;
      case 'GOAWAY':
        this.goaways.push(f);
        return;
      case 'WINDOW_UPDATE':
        if (f.streamId === 0) this.sendConnWindow += f.increment;
        else this.sendStreamWindow.set(f.streamId, (this.sendStreamWindow.get(f.streamId) ?? this.sendInitialWindow) + f.increment);
        return;
      case 'RST_STREAM':
        this.view(f.streamId).reset ??= f.errorCode;
        return;
      case 'HEADERS': {
        const s = this.view(f.streamId);
        if (s.ended) this.problems.push(`HEADERS on stream ${f.streamId} after its END_STREAM`);
        if (s.reset !== null) this.problems.push(`HEADERS on stream ${f.streamId} after the server's own RST_STREAM (a closed stream, RFC 9113 §5.1)`);
        if (f.fields !== undefined) this.onFields(s, f.fields, f.endStream);
        else this.openHeaders = f;
        return;
      }
      case 'CONTINUATION': {
        const open = this.openHeaders;
        if (f.endHeaders && open !== null && open.streamId === f.streamId) {
          this.openHeaders = null;
          this.onFields(this.view(f.streamId), open.fields ?? [], open.endStream);
        }
        return;
      }
      case 'DATA':
        this.onDataFrame(f);
        return;
      default:
        return;
    }
  }

  private onFields(s: H2StreamView, fields: Array<[string, string]>, endStream: boolean): void {
    s.fields.push(...fields);
    const status = fields.find(([n]) => n === ':status');
    if (status !== undefined && !status[1].startsWith('1')) s.status = Number(status[1]);
    if (endStream) s.ended = true;
  }

  private onDataFrame(f: Extract<ReceivedFrame, { type: 'DATA' }>): void {
    const s = this.view(f.streamId);
    if (s.ended) this.problems.push(`DATA on stream ${f.streamId} after its END_STREAM`);
    if (s.reset !== null) this.problems.push(`DATA on stream ${f.streamId} after the server's own RST_STREAM (a closed stream, RFC 9113 §5.1): ${JSON.stringify(f.data.subarray(0, 60).toString('latin1'))}`);
    else if (s.status === null) this.problems.push(`DATA on stream ${f.streamId} before a response head`);
    if (f.flowLength > DEFAULT_MAX_FRAME_SIZE) this.problems.push(`DATA frame of ${f.flowLength} octets on stream ${f.streamId}, above SETTINGS_MAX_FRAME_SIZE ${DEFAULT_MAX_FRAME_SIZE}`);
    s.flowReceived += f.flowLength;
    this.connReceived += f.flowLength;
    // An empty frame uses no credit (what came before it was checked when it came).
    const initial = this.initialWindowAfter(this.settingsAcks);
    if (f.flowLength > 0 && s.flowReceived > initial + s.granted) {
      this.problems.push(`stream ${f.streamId}: the server sent ${s.flowReceived} octets of DATA, but the credit was the initial window ${initial} (after ${this.settingsAcks} SETTINGS ACKs) + ${s.granted} granted (RFC 9113 §6.9.1)`);
    }
    if (f.flowLength > 0 && this.connReceived > DEFAULT_WINDOW + this.connGranted) {
      this.problems.push(`connection: the server sent ${this.connReceived} octets of DATA, but the credit was ${DEFAULT_WINDOW} + ${this.connGranted} granted (RFC 9113 §6.9.1)`);
    }
    if (f.data.length > 0) {
      s.chunks.push(Buffer.from(f.data));
      s.bodyLength += f.data.length;
    }
    s.dataFrames++;
    if (f.endStream) s.ended = true;
    s.owed += f.flowLength;
    this.connOwed += f.flowLength;
    if (this.credit === 'auto') {
      if (s.open && s.owed > 0) this.grant(s.id, s.owed);
      this.grantConnection(this.connOwed);
    }
  }
}

/** An HTTP/2 connection over a simulated TCP connection (h2c with prior knowledge, or after an Upgrade). */
export type H2Conn = H2Peer & { readonly conn: TestConnection };

/**
 * Open a connection and put a frame-level HTTP/2 client on its client end. Nothing is sent: call
 * preface() (prior knowledge) or write an Upgrade request first (options.upgrade).
 */
export function connectH2(ctx: Pick<ScenarioContext, 'connect' | 'sim'>, options: H2PeerOptions & { faults?: Scenario['faults'] } = {}): H2Conn {
  const conn = ctx.connect(options.faults);
  const peer = new H2Peer({
    write: (bytes) => {
      if (!conn.client.closed && !conn.c2s.finSent) void conn.client.write(bytes).catch(() => {});
    },
  }, ctx.sim.clock, options);
  conn.client.observe({ data: (chunk) => peer.receive(chunk), end: () => peer.onEnd(), closed: (error) => peer.onClosed(error) });
  return Object.assign(peer, { conn });
}

/** An HTTP/2 session inside TLS: the handshake must pick h2 by ALPN. */
export type H2TlsConn = H2Peer & { readonly tls: TlsConnection };

export async function connectH2Tls(ctx: Pick<ScenarioContext, 'connectTls' | 'sim' | 'check'>, options: H2PeerOptions & { faults?: Scenario['faults'] } = {}): Promise<H2TlsConn> {
  const t = ctx.connectTls({ alpn: ['h2', 'http/1.1'], ...(options.faults ? { faults: options.faults } : {}) });
  ctx.check(await t.handshake, `the TLS handshake failed: ${t.error()}`);
  ctx.check(t.socket.authorized, `the sim CA did not verify the certificate: ${String(t.socket.authorizationError)}`);
  ctx.check(t.socket.alpnProtocol === 'h2', `ALPN chose ${String(t.socket.alpnProtocol)}, expected h2`);
  const peer = new H2Peer({
    write: (bytes) => {
      if (!t.socket.destroyed && t.socket.writable) t.socket.write(bytes);
    },
  }, ctx.sim.clock, { scheme: 'https', ...options });
  t.socket.on('data', (chunk: Buffer) => peer.receive(chunk));
  t.socket.on('end', () => peer.onEnd());
  t.socket.on('close', () => peer.onClosed(t.error()));
  return Object.assign(peer, { tls: t });
}

/**
 * Wait (up to `ms` of virtual time, in 10 ms steps) until the server's registry is empty; true if
 * it emptied. A closing connection leaves once the client's FIN or RST reaches it, which a slow
 * link may delay by a stall.
 */
export async function untilServerForgets(ctx: Pick<ScenarioContext, 'openConnections' | 'sleep'>, ms = 1_000): Promise<boolean> {
  for (let waited = 0; ctx.openConnections() > 0 && waited < ms; waited += 10) await ctx.sleep(10);
  return ctx.openConnections() === 0;
}

/** Fragment sizes for `length` octets cut into 1..maxPieces non-empty pieces at random points. */
export function randomPieces(rng: Rng, length: number, maxPieces: number): number[] {
  if (length === 0) return [0];
  const count = rng.int(1, Math.min(maxPieces, length));
  const cuts = new Set<number>();
  while (cuts.size < count - 1) cuts.add(rng.int(1, length - 1));
  const points = [0, ...[...cuts].sort((a, b) => a - b), length];
  return points.slice(1).map((p, i) => p - points[i]!);
}

/** The first problem of the audit, as a check message (or null when the server kept every rule). */
export function auditFailure(peer: H2Peer): string | null {
  return peer.problems.length === 0 ? null : `the server broke HTTP/2 rules: ${peer.problems.slice(0, 3).join('; ')}${peer.problems.length > 3 ? ` (+${peer.problems.length - 3} more)` : ''}`;
}

/** "200 with 13 octets, ended" for check messages. */
export function describeStream(s: H2StreamView): string {
  return `status ${s.status}, ${s.bodyLength} octets in ${s.dataFrames} DATA frames, ${s.ended ? 'ended' : 'not ended'}${s.reset !== null ? `, RST_STREAM ${errorCodeName(s.reset)}` : ''}`;
}

// ---- node:http2's client over the sim ----

export interface NodeReply {
  status: number;
  headers: http2.IncomingHttpHeaders;
  body: Buffer;
}

export interface NodeH2Session {
  session: http2.ClientHttp2Session;
  /** One request; the body (if any) is written in the given pieces. Rejects on a stream error. */
  request(headers: http2.OutgoingHttpHeaders, body?: Buffer, pieces?: number[]): Promise<NodeReply>;
  /** GOAWAY and close once the streams are done (session.close()). */
  close(): Promise<void>;
  /** Session-level errors seen (their codes or messages). */
  errors: string[];
}

/** node:http2's client over any byte stream of the sim (a TestConnection's client end, a TLS socket). */
export function nodeH2Session(authority: string, socket: () => Duplex): NodeH2Session {
  const errors: string[] = [];
  const session = http2.connect(authority, { createConnection: socket });
  session.on('error', (err: NodeJS.ErrnoException) => errors.push(err.code ?? err.message));
  return {
    session,
    errors,
    request(headers, body, pieces) {
      return new Promise<NodeReply>((resolve, reject) => {
        const req = session.request(headers, { endStream: body === undefined });
        const chunks: Buffer[] = [];
        let head: http2.IncomingHttpHeaders = {};
        req.on('response', (h) => { head = h; });
        req.on('data', (d: Buffer) => chunks.push(d));
        req.on('end', () => resolve({ status: Number(head[':status']), headers: head, body: Buffer.concat(chunks) }));
        req.on('error', (err: NodeJS.ErrnoException) => reject(new Error(`${String(headers[':method'] ?? 'GET')} ${String(headers[':path'])}: ${err.code ?? err.message}`)));
        if (body !== undefined) {
          let at = 0;
          for (const n of pieces ?? [body.length]) {
            req.write(body.subarray(at, at + n));
            at += n;
          }
          req.end();
        }
      });
    },
    close: () => new Promise<void>((resolve) => session.close(() => resolve())),
  };
}

/** node:http2 over a plain simulated connection (h2c, prior knowledge). */
export function nodeH2OverSim(ctx: Pick<ScenarioContext, 'connect' | 'sim'>, faults?: Scenario['faults']): NodeH2Session & { conn: TestConnection } {
  ctx.sim.useNodeStreams();
  const conn = ctx.connect(faults);
  return { ...nodeH2Session('http://sim.test', () => clientStream(conn)), conn };
}

/** SETTINGS parameters as an HTTP2-Settings field value (RFC 7540 §3.2.1: base64url, no padding). */
export function http2SettingsField(settings: ReadonlyArray<readonly [number, number]>): string {
  const payload = Buffer.alloc(6 * settings.length);
  settings.forEach(([id, v], i) => {
    payload.writeUInt16BE(id, 6 * i);
    payload.writeUInt32BE(v, 6 * i + 2);
  });
  return payload.toString('base64url');
}

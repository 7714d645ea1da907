/**
 * The stream-multiplexing workload of bench:h2-micro: GET /hello streams opened and closed on one
 * HTTP/2 connection of the real server (createServer + the demo routes), no network. The client
 * is prepared bytes fed to the connection's onData, as a socket read would; what the server
 * writes lands in a CaptureTransport that counts frames from their 9-octet headers.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { RawH2Client } from '../../harness/h2/raw-h2-client.js';
import { createDemoRouter } from '../../server/demo/demo-routes.js';
import { CONNECTION_PREFACE, DEFAULT_MAX_FRAME_SIZE, FrameFlag, FrameType } from '../../server/http2/frames/constants.js';
import { encodeHeaders, encodeSettings, encodeSettingsAck, encodeWindowUpdate } from '../../server/http2/frames/frame-writer.js';
import { DEFAULT_HTTP2_SETTINGS } from '../../server/http2/http2-options.js';
import { HpackEncoder } from '../../server/http2/hpack/index.js';
import { createServer } from '../../server/server.js';
import type { Transport, TransportEvents } from '../../server/transport/transport.js';
import { BenchError } from './bench-support.js';
import type { Fields, PassResult, Runner, Workload } from './h2-micro-workloads.js';

/** What h2load (bench:h2) sends for each request. */
const REQUEST: Fields = [[':method', 'GET'], [':scheme', 'http'], [':authority', '127.0.0.1:8080'], [':path', '/hello'], ['user-agent', 'h2load nghttp2/1.59.0']];
const HELLO = 'hello, world\n';
/** The client returns connection credit once this much DATA has arrived, as nghttp2 does (half its window, roughly). */
const CREDIT_BATCH = 16 * 1024;

/**
 * A Transport like bench/lib/null-transport.ts's, that also reads what the server writes: frame
 * headers only (type, flags, length), incrementally, whatever the write boundaries; `tap` gets
 * the bytes too, for a full decode when checking.
 */
export class CaptureTransport implements Transport {
  events: TransportEvents | null = null;
  written = 0;
  frames = 0;
  headers = 0;
  data = 0;
  dataBytes = 0;
  /** HEADERS or DATA frames with END_STREAM: complete responses. */
  endStreams = 0;
  rst = 0;
  goaway = 0;
  closed = false;
  tap: ((chunk: Buffer) => void) | null = null;
  readonly writableLength = 0;
  readonly info = { remoteAddress: '127.0.0.1', remotePort: 1, localAddress: '127.0.0.1', localPort: 80, encrypted: false, alpnProtocol: null, servername: null };
  private readonly header = Buffer.alloc(9);
  private headerFill = 0;
  private skip = 0;

  attach(events: TransportEvents): void { this.events = events; }
  reattach(events: TransportEvents): void { this.events = events; }
  write(chunk: Uint8Array): boolean {
    this.written += chunk.length;
    this.scan(chunk);
    this.tap?.(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    return true;
  }
  writeLatin1(text: string): boolean { return this.write(Buffer.from(text, 'latin1')); }
  pause(): void {}
  resume(): void {}
  end(): void {}
  close(): void { this.shutdown(); }
  reset(): void { this.shutdown(); }

  /** The connection is gone, as when its socket closes: the server forgets it and its timers. */
  shutdown(): void {
    if (this.closed) return;
    this.closed = true;
    this.events?.onClose();
  }

  private scan(bytes: Uint8Array): void {
    let at = 0;
    const n = bytes.length;
    while (at < n) {
      if (this.skip > 0) {
        const k = Math.min(this.skip, n - at);
        this.skip -= k;
        at += k;
      } else if (this.headerFill === 0 && n - at >= 9) {
        this.onFrameHeader(bytes, at);
        at += 9;
      } else {
        const k = Math.min(9 - this.headerFill, n - at);
        this.header.set(bytes.subarray(at, at + k), this.headerFill);
        this.headerFill += k;
        at += k;
        if (this.headerFill === 9) {
          this.headerFill = 0;
          this.onFrameHeader(this.header, 0);
        }
      }
    }
  }

  private onFrameHeader(b: Uint8Array, at: number): void {
    const length = (b[at]! << 16) | (b[at + 1]! << 8) | b[at + 2]!;
    const type = b[at + 3]!;
    const flags = b[at + 4]!;
    this.frames++;
    if (type === FrameType.DATA) {
      this.data++;
      this.dataBytes += length;
    } else if (type === FrameType.HEADERS) this.headers++;
    else if (type === FrameType.RST_STREAM) this.rst++;
    else if (type === FrameType.GOAWAY) this.goaway++;
    if ((type === FrameType.DATA || type === FrameType.HEADERS) && (flags & FrameFlag.END_STREAM) !== 0) this.endStreams++;
    this.skip = length;
  }
}

export interface StreamOptions {
  /** HEADERS frames per read, each a new stream (default 100, the server's SETTINGS_MAX_CONCURRENT_STREAMS). */
  batch?: number;
  /** The server with metrics on, as bench:h2 runs it. */
  metrics?: boolean;
}

/** One connection, after the handshake and a first request (which fills the HPACK tables). */
interface Connection {
  transport: CaptureTransport;
  /** One read of `batch` HEADERS(END_STREAM) frames, ids to be patched in. */
  template: Buffer;
  frameLength: number;
  nextId: number;
  credited: number;
}

/** Responses on their way: await microtasks, then event-loop turns, until `done` or a stall. */
async function settle(what: string, done: () => boolean): Promise<void> {
  await undefined;
  for (let turns = 0; !done(); turns++) {
    if (turns === 1000) throw new BenchError(`${what}: responses stalled`);
    await nextTurn();
  }
}

async function openConnection(what: string, batch: number, metrics: boolean, tap: ((chunk: Buffer) => void) | null): Promise<Connection> {
  const server = createServer({ handler: createDemoRouter().handle, ...(metrics ? { metrics: true } : {}) });
  const transport = new CaptureTransport();
  transport.tap = tap;
  server.accept(transport);
  // The client's HPACK context: the first block carries literals, every later one is the same
  // few octets (the fields indexed, :path a short literal the default policy never indexes).
  const encoder = new HpackEncoder();
  const first = encoder.encode(REQUEST);
  const steady = encoder.encode(REQUEST);
  if (!encoder.encode(REQUEST).equals(steady)) throw new BenchError(`${what}: the client's request block is not stable`);
  transport.events!.onData(Buffer.concat([CONNECTION_PREFACE, encodeSettings([])]));
  transport.events!.onData(Buffer.concat([encodeSettingsAck(), ...encodeHeaders(1, first, true, DEFAULT_MAX_FRAME_SIZE)]));
  await settle(what, () => transport.endStreams === 1);
  const frame = encodeHeaders(1, steady, true, DEFAULT_MAX_FRAME_SIZE);
  if (frame.length !== 1) throw new BenchError(`${what}: the request block needs CONTINUATION`);
  const template = Buffer.concat(Array.from({ length: batch }, () => frame[0]!));
  return { transport, template, frameLength: frame[0]!.length, nextId: 3, credited: 0 };
}

/** Feed one batch of requests and wait for every response. */
async function feedBatch(what: string, c: Connection, batch: number): Promise<PassResult> {
  const t = c.transport;
  const owed = t.dataBytes - c.credited;
  const credit = owed >= CREDIT_BATCH ? encodeWindowUpdate(0, owed) : null;
  if (credit !== null) c.credited += owed;
  // A fresh buffer each read: the server may keep views of what it is given.
  const read = Buffer.allocUnsafe((credit?.length ?? 0) + c.template.length);
  const at = credit === null ? 0 : credit.copy(read, 0);
  c.template.copy(read, at);
  for (let k = 0; k < batch; k++) {
    read.writeUInt32BE(c.nextId, at + k * c.frameLength + 5);
    c.nextId += 2;
  }
  const ends = t.endStreams;
  const written = t.written;
  t.events!.onData(read);
  await settle(what, () => t.endStreams - ends >= batch || t.closed || t.goaway > 0);
  if (t.endStreams - ends !== batch || t.rst > 0 || t.goaway > 0 || t.closed) {
    throw new BenchError(`${what}: ${t.endStreams - ends} of ${batch} responses complete, ${t.rst} RST_STREAM, ${t.goaway} GOAWAY from the server`);
  }
  return { items: batch, bytes: t.written - written };
}

/** Check a few batches with a full client decode: every stream answered 200 "hello, world\n". */
async function checkStreams(what: string, batch: number, metrics: boolean, batches: number): Promise<void> {
  const client = new RawH2Client({ write: () => {} });
  const c = await openConnection(what, batch, metrics, (chunk) => client.receive(chunk));
  try {
    for (let b = 0; b < batches; b++) await feedBatch(what, c, batch);
    const t = c.transport;
    const streams = 1 + batches * batch;
    if (client.decodeError !== null) throw new BenchError(`${what}: the server's output does not read as frames: ${client.decodeError.message}`);
    if (t.headers !== streams || t.data !== streams) throw new BenchError(`${what}: ${t.headers} HEADERS and ${t.data} DATA frames for ${streams} streams`);
    for (let id = 1; id < 2 * streams; id += 2) {
      const r = client.response(id);
      if (r.status !== 200 || r.body.toString() !== HELLO || !r.ended) throw new BenchError(`${what}: stream ${id} answered ${r.status} ${JSON.stringify(r.body.toString())}${r.ended ? '' : ' (not ended)'}`);
    }
  } finally {
    c.transport.shutdown();
  }
}

/** Streams on one connection: metrics off (as bench:h1-core) and on (as bench:h2 runs the server). */
export function streamWorkloads(options: StreamOptions = {}): Workload[] {
  const batch = options.batch ?? DEFAULT_HTTP2_SETTINGS.maxConcurrentStreams;
  if (batch > DEFAULT_HTTP2_SETTINGS.maxConcurrentStreams) throw new BenchError(`a batch of ${batch} streams is over the server's ${DEFAULT_HTTP2_SETTINGS.maxConcurrentStreams} concurrent streams`);
  const variants = options.metrics === undefined ? [false, true] : [options.metrics];
  return variants.map((metrics): Workload => {
    const variant = `GET /hello, ${batch} HEADERS per read, metrics ${metrics ? 'on' : 'off'}`;
    const what = `streams (${variant})`;
    return {
      group: 'streams, 1 connection',
      variant,
      unit: 'streams',
      bytesWhat: 'response octets written',
      check: () => checkStreams(what, batch, metrics, 3),
      async open(): Promise<Runner> {
        const c = await openConnection(what, batch, metrics, null);
        return { pass: () => feedBatch(what, c, batch), close: () => c.transport.shutdown() };
      },
    };
  });
}

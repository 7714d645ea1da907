import { FrameFlag, FrameType, SettingId } from '../../../server/http2/frames/constants.js';
import type { Setting } from '../../../server/http2/frames/frame.js';
import { encodeFrame } from '../../../server/http2/frames/frame-writer.js';
import { entrySize } from '../../../server/http2/hpack/dynamic-table.js';
import { HpackEncoder } from '../../../server/http2/hpack/index.js';
import type { CaseContext } from './case.js';
import type { H2Conn } from './target.js';

/*
 * h2spec 2.6.0's client side (spec/connection.go, spec/util.go), so that h2spec's cases send the
 * bytes h2spec sends:
 *
 * - every Write* is one frame in one write, as golang.org/x/net/http2's Framer writes it, and
 *   `send` is h2spec's conn.Send (raw bytes, one write: its hand-made frames go out as a header
 *   write and a payload write);
 * - field blocks come from one HPACK encoder per connection that encodes as Go's hpack.Encoder
 *   does: every field that fits the 4096-octet table is indexed, strings are Huffman-coded when
 *   that is shorter, and the server's SETTINGS_HEADER_TABLE_SIZE is not applied (h2spec never
 *   calls SetMaxDynamicTableSizeLimit);
 * - DATA received is counted against 65,535-octet windows and credited back with WINDOW_UPDATE
 *   whenever a window reaches 0 (Conn.updateWindowSize), so a long response is read to its end;
 * - the request fields are spec.CommonHeaders, and spec.DummyHeaders carry 4000-octet values
 *   (h2spec's --max-header-length default).
 */

/** spec.DefaultWindowSize: what h2spec's handshake SETTINGS announce and its window accounting assumes. */
export const H2SPEC_WINDOW_SIZE = 65_535;

/** The SETTINGS of h2spec's preface (Conn.Handshake): SETTINGS_INITIAL_WINDOW_SIZE 65,535. */
export const H2SPEC_PREFACE_SETTINGS: readonly Setting[] = [[SettingId.INITIAL_WINDOW_SIZE, H2SPEC_WINDOW_SIZE]];

/** h2spec's --max-header-length default: the length of spec.DummyString in spec.DummyHeaders. */
export const H2SPEC_MAX_HEADER_LEN = 4000;

/** Go's http2.PriorityParam: `weight` is the wire value (the weight minus one, 0..255). */
export interface GoPriority {
  dependency: number;
  exclusive: boolean;
  weight: number;
}

export interface GoHeadersParam {
  streamId: number;
  endStream: boolean;
  endHeaders: boolean;
  block: Buffer;
  /** Sent (with the PRIORITY flag) unless zero, as Go's Framer: dependency 0, not exclusive, weight 0. */
  priority?: GoPriority;
  /** Octets of padding (PADDED flag), 0 for none. */
  padLength?: number;
}

/** Go's shouldIndex: every field that is not sensitive and fits the table is indexed. */
const goIndexing = (name: string, value: string, maxTableSize: number) => (entrySize(name, value) <= maxTableSize ? 'incremental' : 'without');

const u32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
};

function priorityFields(p: GoPriority): Buffer {
  return Buffer.concat([u32((p.exclusive ? 0x8000_0000 : 0) + p.dependency), Buffer.from([p.weight])]);
}

const isZero = (p: GoPriority | undefined) => p === undefined || (p.dependency === 0 && !p.exclusive && p.weight === 0);

/** One connection as h2spec's spec.Conn drives it. */
export class H2specConn {
  private readonly encoder = new HpackEncoder({ huffman: 'shorter', indexing: goIndexing });
  /** Conn.WindowSize: our receive windows as h2spec counts them, by stream (0: the connection). */
  private readonly windows = new Map<number, number>([[0, H2SPEC_WINDOW_SIZE]]);

  constructor(readonly conn: H2Conn) {
    const client = conn.client;
    const keep = client.recordFilter;
    client.recordFilter = (f) => {
      if (f.type === 'DATA') this.updateWindowSize(f.streamId, f.flowLength);
      return keep === null ? true : keep(f);
    };
  }

  /** Conn.updateWindowSize: a window at or below 0 is credited back to 65,535. */
  private updateWindowSize(streamId: number, length: number): void {
    for (const id of [streamId, 0]) {
      const left = (this.windows.get(id) ?? H2SPEC_WINDOW_SIZE) - length;
      if (left <= 0) {
        const increment = H2SPEC_WINDOW_SIZE - left;
        this.writeWindowUpdate(id, increment);
        this.windows.set(id, left + increment);
      } else this.windows.set(id, left);
    }
  }

  /** Conn.EncodeHeaders: one block, in the connection's (Go-like) HPACK context. */
  encodeHeaders(fields: ReadonlyArray<readonly [string, string]>): Buffer {
    return this.encoder.encode(fields);
  }

  /** Conn.SetMaxDynamicTableSize: the next block starts with a dynamic table size update. */
  setMaxDynamicTableSize(size: number): void {
    this.encoder.setPeerMaxTableSize(size);
  }

  /** conn.Send: raw bytes in one write. */
  send(bytes: Buffer | string): this {
    this.conn.client.raw(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes);
    return this;
  }

  private frame(type: number, flags: number, streamId: number, payload: Buffer = Buffer.alloc(0)): this {
    this.conn.client.raw(encodeFrame(type, flags, streamId, payload));
    return this;
  }

  writeData(streamId: number, endStream: boolean, data: Buffer | string): this {
    return this.frame(FrameType.DATA, endStream ? FrameFlag.END_STREAM : 0, streamId, typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  }

  writeDataPadded(streamId: number, endStream: boolean, data: Buffer | string, pad: Buffer): this {
    const body = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
    return this.frame(FrameType.DATA, (endStream ? FrameFlag.END_STREAM : 0) | FrameFlag.PADDED, streamId, Buffer.concat([Buffer.from([pad.length]), body, pad]));
  }

  writeHeaders(p: GoHeadersParam): this {
    let flags = (p.endStream ? FrameFlag.END_STREAM : 0) | (p.endHeaders ? FrameFlag.END_HEADERS : 0);
    const parts: Buffer[] = [];
    const pad = p.padLength ?? 0;
    if (pad !== 0) {
      flags |= FrameFlag.PADDED;
      parts.push(Buffer.from([pad]));
    }
    if (!isZero(p.priority)) {
      flags |= FrameFlag.PRIORITY;
      parts.push(priorityFields(p.priority!));
    }
    parts.push(p.block, Buffer.alloc(pad));
    return this.frame(FrameType.HEADERS, flags, p.streamId, Buffer.concat(parts));
  }

  writePriority(streamId: number, p: GoPriority): this {
    return this.frame(FrameType.PRIORITY, 0, streamId, priorityFields(p));
  }

  writeRSTStream(streamId: number, code: number): this {
    return this.frame(FrameType.RST_STREAM, 0, streamId, u32(code));
  }

  writeSettings(...settings: Setting[]): this {
    const payload = Buffer.alloc(6 * settings.length);
    settings.forEach(([id, value], k) => {
      payload.writeUInt16BE(id, 6 * k);
      payload.writeUInt32BE(value >>> 0, 6 * k + 2);
    });
    return this.frame(FrameType.SETTINGS, 0, 0, payload);
  }

  writePushPromise(streamId: number, promiseId: number, endHeaders: boolean, block: Buffer): this {
    return this.frame(FrameType.PUSH_PROMISE, endHeaders ? FrameFlag.END_HEADERS : 0, streamId, Buffer.concat([u32(promiseId), block]));
  }

  writePing(ack: boolean, data: Buffer): this {
    return this.frame(FrameType.PING, ack ? FrameFlag.ACK : 0, 0, data);
  }

  writeGoAway(lastStreamId: number, code: number, debug: Buffer | string = Buffer.alloc(0)): this {
    return this.frame(FrameType.GOAWAY, 0, 0, Buffer.concat([u32(lastStreamId), u32(code), typeof debug === 'string' ? Buffer.from(debug, 'latin1') : debug]));
  }

  writeWindowUpdate(streamId: number, increment: number): this {
    return this.frame(FrameType.WINDOW_UPDATE, 0, streamId, u32(increment));
  }

  writeContinuation(streamId: number, endHeaders: boolean, fragment: Buffer): this {
    return this.frame(FrameType.CONTINUATION, endHeaders ? FrameFlag.END_HEADERS : 0, streamId, fragment);
  }
}

const clients = new WeakMap<H2Conn, H2specConn>();

/** The h2spec client of a connection (made on first use, so its window accounting starts there). */
export function h2spec(conn: H2Conn): H2specConn {
  let c = clients.get(conn);
  if (c === undefined) clients.set(conn, (c = new H2specConn(conn)));
  return c;
}

/**
 * spec.CommonHeaders: :method, :scheme, :path, :authority, in that order. h2spec sends every
 * request to its -P path; here GET goes to `path` and other methods to `postPath` (both "/" by
 * default, as h2spec), and `largePath` where a case needs a response body.
 */
export function commonHeaders(ctx: CaseContext, method = 'GET', path?: string): Array<[string, string]> {
  return [
    [':method', method],
    [':scheme', ctx.scheme],
    [':path', path ?? (method === 'GET' || method === 'HEAD' ? ctx.path : ctx.postPath)],
    [':authority', ctx.authority],
  ];
}

/** spec.DummyHeaders(c, n): x-dummy0..x-dummy(n-1), each 4000 "x"s. */
export function dummyHeaders(n: number): Array<[string, string]> {
  const value = 'x'.repeat(H2SPEC_MAX_HEADER_LEN);
  return Array.from({ length: n }, (_, k): [string, string] => [`x-dummy${k}`, value]);
}

/** 8 octets of PING data as Go's [8]byte{...} literal: the text, zero-filled. */
export function pingData(text = ''): Buffer {
  const b = Buffer.alloc(8);
  b.write(text, 'latin1');
  return b;
}

/** spec.DummyString(n): n "x"s. */
export function dummyBytes(n: number): Buffer {
  return Buffer.alloc(n, 'x');
}

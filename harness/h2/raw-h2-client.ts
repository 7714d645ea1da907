import { CONNECTION_PREFACE, FrameFlag, FrameType, MAX_ALLOWED_FRAME_SIZE } from '../../server/http2/frames/constants.js';
import type { Frame, FrameDecodeError, PrioritySpec, Setting } from '../../server/http2/frames/frame.js';
import { FrameReader } from '../../server/http2/frames/frame-reader.js';
import { encodeData, encodeFrame, encodeGoaway, encodePing, encodePriority, encodeRstStream, encodeSettings, encodeSettingsAck, encodeWindowUpdate } from '../../server/http2/frames/frame-writer.js';
import { HpackDecoder, HpackEncoder } from '../../server/http2/hpack/index.js';

/** A received frame; HEADERS/CONTINUATION blocks, once complete, are decoded into `fields`. */
export type ReceivedFrame = Frame & { fields?: Array<[string, string]> };

/** Where the client's bytes go: a socket, a TLS socket or a simulated connection's client end. */
export interface RawH2Io {
  write(bytes: Buffer): void;
}

export interface HeadersOptions {
  endStream?: boolean;
  /** Split the block: HEADERS without END_HEADERS then CONTINUATION frames of this many bytes. */
  continuationBytes?: number;
  /** Leave the block open (no END_HEADERS on the last frame sent). */
  leaveOpen?: boolean;
  padding?: number;
  priority?: PrioritySpec;
}

/**
 * A frame-level HTTP/2 client for tests and the conformance suite: it sends exactly the frames it
 * is told to (well-formed or not) and records every frame the server sends, decoding field blocks
 * with its own HPACK context. It does no I/O of its own: the caller wires `io` and feeds received
 * bytes to `receive()`, so the same client drives a socket on real time or a TestSocket on virtual
 * time.
 */
export class RawH2Client {
  readonly frames: ReceivedFrame[] = [];
  /**
   * Frames received per type name ('SETTINGS', 'PING', 'UNKNOWN'...), recorded or not: floods
   * read back hundreds of thousands of acknowledgements that are counted, not kept.
   */
  readonly counts = new Map<string, number>();
  /** Frames received in all, recorded or not. */
  receivedFrames = 0;
  /**
   * Which frames to keep in `frames` (default: all). Field-block frames are always decoded, so
   * the HPACK context stays in step whatever is kept.
   */
  recordFilter: ((frame: Frame) => boolean) | null = null;
  /** The first octets received (up to 64): shows what a server that does not speak HTTP/2 sent. */
  head: Buffer = Buffer.alloc(0);
  /** Set when the server's bytes could not be read as frames (a broken server). */
  decodeError: FrameDecodeError | null = null;
  readonly encoder = new HpackEncoder({ huffman: 'never' });
  readonly decoder = new HpackDecoder({ maxTableSize: 4096, maxHeaderListSize: 1 << 20 });
  private readonly reader = new FrameReader({ maxFrameSize: MAX_ALLOWED_FRAME_SIZE });
  private openBlock: { frame: ReceivedFrame; parts: Buffer[] } | null = null;
  private listeners: Array<() => void> = [];

  constructor(private readonly io: RawH2Io) {}

  /** Bytes from the server. */
  receive(chunk: Buffer): void {
    if (this.head.length < 64) this.head = Buffer.concat([this.head, chunk.subarray(0, 64 - this.head.length)]);
    this.reader.push(chunk);
    for (let r = this.reader.next(); r !== null; r = this.reader.next()) {
      if (r.kind === 'error') {
        this.decodeError ??= r;
        if (r.scope === 'connection') break;
        continue;
      }
      this.record(r);
    }
    const listeners = this.listeners;
    this.listeners = [];
    for (const l of listeners) l();
  }

  /** The server's bytes so far end on a frame boundary (no frame cut short, nothing unreadable). */
  get betweenFrames(): boolean {
    return this.reader.idle;
  }

  /** Called once after the next batch of received frames (for waits built on top). */
  onceReceived(listener: () => void): void {
    this.listeners.push(listener);
  }

  private record(frame: Frame): void {
    this.receivedFrames++;
    this.counts.set(frame.type, (this.counts.get(frame.type) ?? 0) + 1);
    const received: ReceivedFrame = frame;
    if (frame.type === 'HEADERS' || frame.type === 'PUSH_PROMISE') {
      if (frame.endHeaders) received.fields = this.decodeBlock([frame.fragment]);
      else this.openBlock = { frame: received, parts: [Buffer.from(frame.fragment)] };
    } else if (frame.type === 'CONTINUATION' && this.openBlock !== null) {
      this.openBlock.parts.push(Buffer.from(frame.fragment));
      if (frame.endHeaders) {
        this.openBlock.frame.fields = this.decodeBlock(this.openBlock.parts);
        this.openBlock = null;
      }
    }
    if (this.recordFilter === null || this.recordFilter(frame)) this.frames.push(received);
  }

  private decodeBlock(parts: Buffer[]): Array<[string, string]> {
    try {
      return this.decoder.decode(Buffer.concat(parts));
    } catch {
      return [['x-raw-client', 'undecodable field block']];
    }
  }

  // ---- Sending ----

  private batched: Buffer[] | null = null;

  private send(bytes: Buffer): void {
    if (this.batched !== null) this.batched.push(bytes);
    else this.io.write(bytes);
  }

  /**
   * Everything `fn` sends goes out as one write, in order: thousands of small frames (a flood,
   * a burst of resets) cost one syscall or one simulated segment instead of one each.
   */
  batch(fn: (client: this) => void): this {
    if (this.batched !== null) {
      fn(this);
      return this;
    }
    const parts: Buffer[] = [];
    this.batched = parts;
    try {
      fn(this);
    } finally {
      this.batched = null;
    }
    if (parts.length > 0) this.io.write(parts.length === 1 ? parts[0]! : Buffer.concat(parts));
    return this;
  }

  /** The client preface: the magic octets and a SETTINGS frame (RFC 9113 §3.4). */
  preface(settings: Setting[] = []): this {
    this.send(Buffer.concat([CONNECTION_PREFACE, encodeSettings(settings)]));
    return this;
  }

  settings(settings: Setting[]): this {
    this.send(encodeSettings(settings));
    return this;
  }

  settingsAck(): this {
    this.send(encodeSettingsAck());
    return this;
  }

  /** A request's field block; fields are sent exactly as given (no validation). */
  headers(streamId: number, fields: Array<[string, string]>, options: HeadersOptions = {}): this {
    return this.headerBlock(streamId, this.encoder.encode(fields), options);
  }

  /**
   * An already encoded field block (hand-made HPACK representations, broken ones included), sent
   * as HEADERS and CONTINUATION frames like `headers`. The client's encoder does not see it: a
   * block that changes the server's dynamic table puts the two contexts out of step.
   */
  headerBlock(streamId: number, block: Buffer, options: HeadersOptions = {}): this {
    const firstLength = options.continuationBytes !== undefined ? Math.min(block.length, options.continuationBytes) : block.length;
    const first = block.subarray(0, firstLength);
    const last = firstLength === block.length;
    let flags = (options.endStream ? FrameFlag.END_STREAM : 0) | (last && !options.leaveOpen ? FrameFlag.END_HEADERS : 0);
    const prefix: Buffer[] = [];
    const suffix: Buffer[] = [];
    if (options.padding !== undefined) {
      flags |= FrameFlag.PADDED;
      prefix.push(Buffer.from([options.padding]));
      suffix.push(Buffer.alloc(options.padding));
    }
    if (options.priority !== undefined) {
      flags |= FrameFlag.PRIORITY;
      const p = Buffer.alloc(5);
      p.writeUInt32BE((options.priority.exclusive ? 0x80000000 : 0) + options.priority.dependency, 0);
      p[4] = options.priority.weight - 1;
      prefix.push(p);
    }
    this.send(encodeFrame(FrameType.HEADERS, flags, streamId, Buffer.concat([...prefix, first, ...suffix])));
    for (let at = firstLength; at < block.length; at += options.continuationBytes!) {
      const end = Math.min(block.length, at + options.continuationBytes!);
      const done = end === block.length && !options.leaveOpen;
      this.send(encodeFrame(FrameType.CONTINUATION, done ? FrameFlag.END_HEADERS : 0, streamId, block.subarray(at, end)));
    }
    return this;
  }

  /** A GET-like request with the usual pseudo-headers. */
  request(streamId: number, path = '/hello', options: HeadersOptions & { method?: string; extra?: Array<[string, string]>; authority?: string } = {}): this {
    const fields: Array<[string, string]> = [[':method', options.method ?? 'GET'], [':scheme', 'http'], [':authority', options.authority ?? 'localhost'], [':path', path], ...(options.extra ?? [])];
    return this.headers(streamId, fields, { endStream: true, ...options });
  }

  continuation(streamId: number, fragment: Buffer, endHeaders: boolean): this {
    this.send(encodeFrame(FrameType.CONTINUATION, endHeaders ? FrameFlag.END_HEADERS : 0, streamId, fragment));
    return this;
  }

  data(streamId: number, data: Buffer | string, endStream = false): this {
    this.send(encodeData(streamId, typeof data === 'string' ? Buffer.from(data) : data, endStream));
    return this;
  }

  rst(streamId: number, code: number): this {
    this.send(encodeRstStream(streamId, code));
    return this;
  }

  ping(opaque: Buffer = Buffer.from('aeronet!'), ack = false): this {
    this.send(encodePing(opaque, ack));
    return this;
  }

  windowUpdate(streamId: number, increment: number): this {
    this.send(encodeWindowUpdate(streamId, increment));
    return this;
  }

  priority(streamId: number, spec: PrioritySpec): this {
    this.send(encodePriority(streamId, spec));
    return this;
  }

  goaway(lastStreamId: number, code: number): this {
    this.send(encodeGoaway(lastStreamId, code));
    return this;
  }

  /** Any frame, with any type, flags, stream and payload. */
  frame(type: number, flags: number, streamId: number, payload: Buffer = Buffer.alloc(0)): this {
    this.send(encodeFrame(type, flags, streamId, payload));
    return this;
  }

  raw(bytes: Buffer): this {
    this.send(bytes);
    return this;
  }

  // ---- Reading what came back ----

  /** Frames of a type, optionally on one stream. */
  framesOf<T extends ReceivedFrame['type']>(type: T, streamId?: number): Array<Extract<ReceivedFrame, { type: T }>> {
    return this.frames.filter((f) => f.type === type && (streamId === undefined || f.streamId === streamId)) as Array<Extract<ReceivedFrame, { type: T }>>;
  }

  /** The GOAWAY the server sent, if any. */
  get goawayFrame(): Extract<ReceivedFrame, { type: 'GOAWAY' }> | undefined {
    return this.framesOf('GOAWAY')[0];
  }

  /** The first RST_STREAM on a stream, if any. */
  rstOn(streamId: number): Extract<ReceivedFrame, { type: 'RST_STREAM' }> | undefined {
    return this.framesOf('RST_STREAM', streamId)[0];
  }

  /** The response on a stream so far: status, fields, body, and whether END_STREAM arrived. */
  response(streamId: number): { status: number | null; fields: Array<[string, string]>; body: Buffer; ended: boolean } {
    let status: number | null = null;
    const fields: Array<[string, string]> = [];
    const body: Buffer[] = [];
    let ended = false;
    for (const f of this.frames) {
      if (f.streamId !== streamId) continue;
      if (f.type === 'HEADERS' && f.fields !== undefined) {
        const s = f.fields.find(([n]) => n === ':status');
        if (s !== undefined && !s[1].startsWith('1')) status = Number(s[1]);
        fields.push(...f.fields);
        if (f.endStream) ended = true;
      } else if (f.type === 'DATA') {
        body.push(f.data);
        if (f.endStream) ended = true;
      }
    }
    return { status, fields, body: Buffer.concat(body), ended };
  }
}

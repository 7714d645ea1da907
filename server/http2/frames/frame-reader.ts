import { DEFAULT_MAX_FRAME_SIZE, ErrorCode, FRAME_HEADER_LENGTH, FrameFlag, FrameType, MAX_ALLOWED_FRAME_SIZE, MAX_STREAM_ID, frameTypeName } from './constants.js';
import { connectionError, streamError } from './frame.js';
import type { Frame, FrameDecodeError, HeadersFrame, PrioritySpec, Setting } from './frame.js';

export interface FrameReaderOptions {
  /**
   * The SETTINGS_MAX_FRAME_SIZE we advertise (§6.5.2). Until our SETTINGS is acknowledged the peer
   * may still assume the default, so start with DEFAULT_MAX_FRAME_SIZE or a larger value.
   */
  readonly maxFrameSize: number;
}

const enum Phase {
  /** Waiting for the 9-octet frame header (§4.1). */
  Header,
  /** The header is read and accepted; waiting for `length` payload octets. */
  Payload,
  /** Discarding the payload of a frame already reported (unknown type, or a stream error). */
  Skip,
  /** A connection error was reported: nothing more is read (§5.4.1). */
  Failed,
}

const EMPTY = Buffer.alloc(0);

/**
 * An incremental HTTP/2 frame decoder (RFC 9113 §4, §6), sans-I/O: `push` bytes as they arrive,
 * then call `next` until it returns null. Each call yields one decoded frame or one error.
 *
 * - Any split of the input, down to single bytes, yields the same sequence of results.
 * - A payload that arrived inside one chunk is returned as a view of it (no copy); a payload cut
 *   across chunks is assembled once.
 * - A frame larger than our SETTINGS_MAX_FRAME_SIZE is rejected when its header is read, before
 *   any of its payload is buffered (§4.2); payloads that are skipped are dropped as they arrive.
 * - Only rules decidable from the frame alone are enforced here: stream identifiers where they
 *   must or must not be 0, fixed and minimum lengths, padding, self-dependency. Rules that need
 *   connection or stream state (frame order, flow control, settings values) are the caller's.
 */
export class FrameReader {
  private maxFrameSize: number;
  private phase = Phase.Header;
  /** Unread input: chunks[head] from `offset` on, then the following chunks whole. */
  private chunks: Buffer[] = [];
  private head = 0;
  private offset = 0;
  private buffered = 0;
  // The header of the frame whose payload is awaited (Phase.Payload).
  private length = 0;
  private type = 0;
  private flags = 0;
  private streamId = 0;
  /** Payload octets still to drop (Phase.Skip). */
  private skipRemaining = 0;
  /** Holds a frame header that arrived cut across chunks. */
  private readonly headerScratch = Buffer.alloc(FRAME_HEADER_LENGTH);

  constructor(options: FrameReaderOptions) {
    this.maxFrameSize = checkMaxFrameSize(options.maxFrameSize);
  }

  /**
   * Apply a new SETTINGS_MAX_FRAME_SIZE of ours. Call it once the peer has acknowledged the
   * SETTINGS frame that carried it (§6.5.3): before that, the peer may use the old value.
   */
  setMaxFrameSize(n: number): void {
    this.maxFrameSize = checkMaxFrameSize(n);
  }

  /** Octets queued and not yet consumed by `next` (skipped payloads are never queued). */
  get bufferedBytes(): number {
    return this.buffered;
  }

  /** True after a connection error: the reader ignores further input. */
  get failed(): boolean {
    return this.phase === Phase.Failed;
  }

  /** True between frames with nothing buffered: an end of input here cuts no frame in half. */
  get idle(): boolean {
    return this.phase === Phase.Header && this.buffered === 0;
  }

  /** Queue received bytes. The reader keeps a reference to `chunk` (no copy): do not reuse it. */
  push(chunk: Buffer): void {
    if (this.phase === Phase.Failed) return;
    if (this.phase === Phase.Skip) {
      // Payload octets of a frame already reported are dropped here, never queued.
      const n = Math.min(this.skipRemaining, chunk.length);
      this.skipRemaining -= n;
      if (this.skipRemaining === 0) this.phase = Phase.Header;
      chunk = chunk.subarray(n);
    }
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
  }

  /** The next frame or error, or null when more input is needed (or after a connection error). */
  next(): Frame | FrameDecodeError | null {
    for (;;) {
      switch (this.phase) {
        case Phase.Failed:
          return null;

        case Phase.Skip:
          // `push` drops skipped octets as they come, so nothing of them is ever queued.
          return null;

        case Phase.Header: {
          if (this.buffered < FRAME_HEADER_LENGTH) return null;
          this.readHeader();
          const { length, type, flags, streamId } = this;
          // §4.2: the length is checked before any payload is kept. Treated as a connection error
          // for every type: required for field-block frames, SETTINGS and stream 0, and allowed
          // for the rest (§5.4.1: any stream error may be escalated), which spares us accounting
          // a discarded DATA payload against the connection window (§6.9).
          if (length > this.maxFrameSize) {
            return this.fail(connectionError(ErrorCode.FRAME_SIZE_ERROR, `${frameTypeName(type)} frame of ${length} octets exceeds SETTINGS_MAX_FRAME_SIZE ${this.maxFrameSize} (RFC 9113 §4.2)`, streamId));
          }
          if (type > FrameType.CONTINUATION) {
            // §4.1, §5.5: frames of unknown type are ignored, flags and payload included.
            this.skip(length);
            return { kind: 'frame', type: 'UNKNOWN', typeCode: type, streamId, flags, length };
          }
          const error = checkHeader(type, flags, streamId, length);
          if (error !== null) {
            if (error.scope === 'connection') return this.fail(error);
            this.skip(length);
            return error;
          }
          this.phase = Phase.Payload;
          break;
        }

        case Phase.Payload: {
          if (this.buffered < this.length) return null;
          const payload = this.take(this.length);
          this.phase = Phase.Header;
          const result = decodePayload(this.type, this.flags, this.streamId, payload);
          if (result.kind === 'error' && result.scope === 'connection') return this.fail(result);
          return result;
        }
      }
    }
  }

  private fail(error: FrameDecodeError): FrameDecodeError {
    this.phase = Phase.Failed;
    this.chunks = [];
    this.head = 0;
    this.offset = 0;
    this.buffered = 0;
    return error;
  }

  /** Drop the next `length` octets: those already queued now, the rest as `push` receives them. */
  private skip(length: number): void {
    const n = Math.min(length, this.buffered);
    this.consume(n);
    this.skipRemaining = length - n;
    this.phase = this.skipRemaining > 0 ? Phase.Skip : Phase.Header;
  }

  /** Parse the 9-octet header (§4.1) into this.length/type/flags/streamId and consume it. */
  private readHeader(): void {
    let buf = this.chunks[this.head]!;
    let at = this.offset;
    if (buf.length - at < FRAME_HEADER_LENGTH) {
      this.copyOut(this.headerScratch, FRAME_HEADER_LENGTH);
      buf = this.headerScratch;
      at = 0;
    }
    this.length = (buf[at]! << 16) | (buf[at + 1]! << 8) | buf[at + 2]!;
    this.type = buf[at + 3]!;
    this.flags = buf[at + 4]!;
    // §4.1: the reserved bit MUST be ignored on receipt.
    this.streamId = buf.readUInt32BE(at + 5) & MAX_STREAM_ID;
    if (buf !== this.headerScratch) this.consume(FRAME_HEADER_LENGTH);
  }

  /** Remove and return the next `n` octets: a view when they lie in one chunk, else one copy. */
  private take(n: number): Buffer {
    if (n === 0) return EMPTY;
    const chunk = this.chunks[this.head]!;
    if (chunk.length - this.offset >= n) {
      const view = chunk.subarray(this.offset, this.offset + n);
      this.consume(n);
      return view;
    }
    const out = Buffer.allocUnsafe(n);
    this.copyOut(out, n);
    return out;
  }

  /** Copy the next `n` buffered octets into `target` and consume them. */
  private copyOut(target: Buffer, n: number): void {
    let written = 0;
    while (written < n) {
      const chunk = this.chunks[this.head]!;
      const end = Math.min(chunk.length, this.offset + (n - written));
      chunk.copy(target, written, this.offset, end);
      const copied = end - this.offset;
      written += copied;
      this.consume(copied);
    }
  }

  /** Drop the next `n` buffered octets (n ≤ buffered). */
  private consume(n: number): void {
    this.buffered -= n;
    while (n > 0) {
      const chunk = this.chunks[this.head]!;
      const left = chunk.length - this.offset;
      if (n < left) {
        this.offset += n;
        return;
      }
      n -= left;
      this.offset = 0;
      this.head++;
    }
    if (this.head === this.chunks.length) {
      // Everything read: drop the references so consumed chunks can be collected.
      this.chunks.length = 0;
      this.head = 0;
    } else if (this.head >= 64 && this.head * 2 >= this.chunks.length) {
      this.chunks = this.chunks.slice(this.head);
      this.head = 0;
    }
  }
}

function checkMaxFrameSize(n: number): number {
  if (!Number.isInteger(n) || n < DEFAULT_MAX_FRAME_SIZE || n > MAX_ALLOWED_FRAME_SIZE) {
    throw new RangeError(`maxFrameSize must be an integer in [${DEFAULT_MAX_FRAME_SIZE}, ${MAX_ALLOWED_FRAME_SIZE}] (RFC 9113 §6.5.2), got ${n}`);
  }
  return n;
}

/**
 * The rules of a known frame type that its header alone decides: where the stream identifier must
 * or must not be 0, and fixed or minimum payload lengths (§4.2: "too small to contain mandatory
 * frame data" is a FRAME_SIZE_ERROR). Checked before the payload is buffered.
 */
function checkHeader(type: number, flags: number, streamId: number, length: number): FrameDecodeError | null {
  switch (type) {
    case FrameType.DATA:
      if (streamId === 0) return connectionError(ErrorCode.PROTOCOL_ERROR, 'DATA frame on stream 0 (RFC 9113 §6.1)');
      if ((flags & FrameFlag.PADDED) !== 0 && length < 1) return connectionError(ErrorCode.FRAME_SIZE_ERROR, 'padded DATA frame has no room for the Pad Length field (RFC 9113 §4.2, §6.1)', streamId);
      return null;
    case FrameType.HEADERS: {
      if (streamId === 0) return connectionError(ErrorCode.PROTOCOL_ERROR, 'HEADERS frame on stream 0 (RFC 9113 §6.2)');
      const fixed = ((flags & FrameFlag.PADDED) !== 0 ? 1 : 0) + ((flags & FrameFlag.PRIORITY) !== 0 ? 5 : 0);
      // §4.2: a size error in a frame carrying a field block is always a connection error.
      if (length < fixed) return connectionError(ErrorCode.FRAME_SIZE_ERROR, `HEADERS frame of ${length} octets is shorter than its ${fixed} octets of padding and priority fields (RFC 9113 §4.2, §6.2)`, streamId);
      return null;
    }
    case FrameType.PRIORITY:
      if (streamId === 0) return connectionError(ErrorCode.PROTOCOL_ERROR, 'PRIORITY frame on stream 0 (RFC 9113 §6.3)');
      // §6.3: only this one is a stream error: a PRIORITY frame cannot change connection state.
      if (length !== 5) return streamError(streamId, ErrorCode.FRAME_SIZE_ERROR, `PRIORITY frame of ${length} octets, not 5 (RFC 9113 §6.3)`);
      return null;
    case FrameType.RST_STREAM:
      if (streamId === 0) return connectionError(ErrorCode.PROTOCOL_ERROR, 'RST_STREAM frame on stream 0 (RFC 9113 §6.4)');
      if (length !== 4) return connectionError(ErrorCode.FRAME_SIZE_ERROR, `RST_STREAM frame of ${length} octets, not 4 (RFC 9113 §6.4)`, streamId);
      return null;
    case FrameType.SETTINGS:
      if (streamId !== 0) return connectionError(ErrorCode.PROTOCOL_ERROR, `SETTINGS frame on stream ${streamId}, not 0 (RFC 9113 §6.5)`, streamId);
      if ((flags & FrameFlag.ACK) !== 0 && length !== 0) return connectionError(ErrorCode.FRAME_SIZE_ERROR, `SETTINGS ACK with a ${length}-octet payload (RFC 9113 §6.5)`);
      if (length % 6 !== 0) return connectionError(ErrorCode.FRAME_SIZE_ERROR, `SETTINGS frame of ${length} octets, not a multiple of 6 (RFC 9113 §6.5)`);
      return null;
    case FrameType.PUSH_PROMISE: {
      if (streamId === 0) return connectionError(ErrorCode.PROTOCOL_ERROR, 'PUSH_PROMISE frame on stream 0 (RFC 9113 §6.6)');
      const fixed = ((flags & FrameFlag.PADDED) !== 0 ? 1 : 0) + 4;
      if (length < fixed) return connectionError(ErrorCode.FRAME_SIZE_ERROR, `PUSH_PROMISE frame of ${length} octets is shorter than its ${fixed} octets of fixed fields (RFC 9113 §4.2, §6.6)`, streamId);
      return null;
    }
    case FrameType.PING:
      if (streamId !== 0) return connectionError(ErrorCode.PROTOCOL_ERROR, `PING frame on stream ${streamId}, not 0 (RFC 9113 §6.7)`, streamId);
      if (length !== 8) return connectionError(ErrorCode.FRAME_SIZE_ERROR, `PING frame of ${length} octets, not 8 (RFC 9113 §6.7)`);
      return null;
    case FrameType.GOAWAY:
      if (streamId !== 0) return connectionError(ErrorCode.PROTOCOL_ERROR, `GOAWAY frame on stream ${streamId}, not 0 (RFC 9113 §6.8)`, streamId);
      if (length < 8) return connectionError(ErrorCode.FRAME_SIZE_ERROR, `GOAWAY frame of ${length} octets, shorter than 8 (RFC 9113 §4.2, §6.8)`);
      return null;
    case FrameType.WINDOW_UPDATE:
      if (length !== 4) return connectionError(ErrorCode.FRAME_SIZE_ERROR, `WINDOW_UPDATE frame of ${length} octets, not 4 (RFC 9113 §6.9)`, streamId);
      return null;
    case FrameType.CONTINUATION:
      if (streamId === 0) return connectionError(ErrorCode.PROTOCOL_ERROR, 'CONTINUATION frame on stream 0 (RFC 9113 §6.10)');
      return null;
    default:
      return null;
  }
}

/** Decode the payload of a known frame type whose header passed `checkHeader`. */
function decodePayload(type: number, flags: number, streamId: number, p: Buffer): Frame | FrameDecodeError {
  switch (type) {
    case FrameType.DATA: {
      let data = p;
      if ((flags & FrameFlag.PADDED) !== 0) {
        const padLength = p[0]!;
        // §6.1: the padding cannot take up the whole payload (which includes the Pad Length octet).
        if (padLength >= p.length) return connectionError(ErrorCode.PROTOCOL_ERROR, `DATA frame padding of ${padLength} octets does not fit its ${p.length}-octet payload (RFC 9113 §6.1)`, streamId);
        data = p.subarray(1, p.length - padLength);
      }
      return { kind: 'frame', type: 'DATA', streamId, endStream: (flags & FrameFlag.END_STREAM) !== 0, data, flowLength: p.length };
    }

    case FrameType.HEADERS: {
      let start = 0;
      let padLength = 0;
      if ((flags & FrameFlag.PADDED) !== 0) {
        padLength = p[0]!;
        start = 1;
      }
      let priority: PrioritySpec | null = null;
      if ((flags & FrameFlag.PRIORITY) !== 0) {
        priority = readPriority(p, start);
        start += 5;
      }
      // §6.2: padding that exceeds what is left for the field block fragment is a PROTOCOL_ERROR.
      if (padLength > p.length - start) return connectionError(ErrorCode.PROTOCOL_ERROR, `HEADERS frame padding of ${padLength} octets exceeds the ${p.length - start} octets left after its fixed fields (RFC 9113 §6.2)`, streamId);
      const frame: HeadersFrame = {
        kind: 'frame',
        type: 'HEADERS',
        streamId,
        endStream: (flags & FrameFlag.END_STREAM) !== 0,
        endHeaders: (flags & FrameFlag.END_HEADERS) !== 0,
        fragment: start === 0 && padLength === 0 ? p : p.subarray(start, p.length - padLength),
        priority,
      };
      // §5.3.1: a stream cannot depend on itself. A stream error, but the frame goes with it:
      // its field block still has to pass through HPACK (§4.3).
      if (priority !== null && priority.dependency === streamId) {
        return streamError(streamId, ErrorCode.PROTOCOL_ERROR, `HEADERS on stream ${streamId} depends on itself (RFC 9113 §5.3.1)`, frame);
      }
      return frame;
    }

    case FrameType.PRIORITY: {
      const { exclusive, dependency, weight } = readPriority(p, 0);
      if (dependency === streamId) return streamError(streamId, ErrorCode.PROTOCOL_ERROR, `PRIORITY on stream ${streamId} depends on itself (RFC 9113 §5.3.1)`);
      return { kind: 'frame', type: 'PRIORITY', streamId, exclusive, dependency, weight };
    }

    case FrameType.RST_STREAM:
      return { kind: 'frame', type: 'RST_STREAM', streamId, errorCode: p.readUInt32BE(0) };

    case FrameType.SETTINGS: {
      const settings: Setting[] = [];
      for (let i = 0; i < p.length; i += 6) settings.push([p.readUInt16BE(i), p.readUInt32BE(i + 2)]);
      return { kind: 'frame', type: 'SETTINGS', streamId: 0, ack: (flags & FrameFlag.ACK) !== 0, settings };
    }

    case FrameType.PUSH_PROMISE: {
      let start = 0;
      let padLength = 0;
      if ((flags & FrameFlag.PADDED) !== 0) {
        padLength = p[0]!;
        start = 1;
      }
      const promisedStreamId = p.readUInt32BE(start) & MAX_STREAM_ID;
      start += 4;
      if (padLength > p.length - start) return connectionError(ErrorCode.PROTOCOL_ERROR, `PUSH_PROMISE frame padding of ${padLength} octets exceeds the ${p.length - start} octets left after its fixed fields (RFC 9113 §6.6)`, streamId);
      return { kind: 'frame', type: 'PUSH_PROMISE', streamId, endHeaders: (flags & FrameFlag.END_HEADERS) !== 0, promisedStreamId, fragment: p.subarray(start, p.length - padLength) };
    }

    case FrameType.PING:
      return { kind: 'frame', type: 'PING', streamId: 0, ack: (flags & FrameFlag.ACK) !== 0, opaque: p };

    case FrameType.GOAWAY:
      return { kind: 'frame', type: 'GOAWAY', streamId: 0, lastStreamId: p.readUInt32BE(0) & MAX_STREAM_ID, errorCode: p.readUInt32BE(4), debug: p.subarray(8) };

    case FrameType.WINDOW_UPDATE:
      // §6.9: the increment's high bit is reserved and ignored.
      return { kind: 'frame', type: 'WINDOW_UPDATE', streamId, increment: p.readUInt32BE(0) & MAX_STREAM_ID };

    default: // FrameType.CONTINUATION; other types never reach here.
      return { kind: 'frame', type: 'CONTINUATION', streamId, endHeaders: (flags & FrameFlag.END_HEADERS) !== 0, fragment: p };
  }
}

/** Exclusive bit, 31-bit stream dependency, weight octet (§5.3.2, §6.3). */
function readPriority(p: Buffer, at: number): PrioritySpec {
  const word = p.readUInt32BE(at);
  return { exclusive: word >= 0x8000_0000, dependency: word & MAX_STREAM_ID, weight: p[at + 4]! + 1 };
}

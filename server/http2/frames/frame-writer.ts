import { DEFAULT_MAX_FRAME_SIZE, FRAME_HEADER_LENGTH, FrameFlag, FrameType, MAX_ALLOWED_FRAME_SIZE, MAX_STREAM_ID, MAX_WINDOW_SIZE } from './constants.js';
import type { PrioritySpec, Setting } from './frame.js';

/*
 * Frame encoders (RFC 9113 §4.1, §6). Each returns freshly allocated bytes, the 9-octet header
 * written in place in front of the payload, ready for the transport. Arguments that cannot be put
 * on the wire (a length over 2^24-1, a stream id over 2^31-1, a zero window increment) are
 * programming errors and throw RangeError; whether a frame is allowed in the current connection
 * state (flow-control windows, the peer's SETTINGS_MAX_FRAME_SIZE for DATA) is the caller's call.
 */

const EMPTY = Buffer.alloc(0);

/**
 * Write a frame header (§4.1) at target[at..at+9). `streamId` is written as given, all 32 bits,
 * so that tests can set the reserved bit; the typed encoders below never do (§4.1: MUST be unset).
 */
export function writeFrameHeader(target: Buffer, at: number, length: number, type: number, flags: number, streamId: number): void {
  if (length > MAX_ALLOWED_FRAME_SIZE || length < 0) throw new RangeError(`frame payload of ${length} octets does not fit the 24-bit length field (RFC 9113 §4.1)`);
  target[at] = length >>> 16;
  target[at + 1] = (length >>> 8) & 0xff;
  target[at + 2] = length & 0xff;
  target[at + 3] = type;
  target[at + 4] = flags;
  target.writeUInt32BE(streamId, at + 5);
}

/** Any frame, for tests and extensions: malformed, unknown-type, padded or PRIORITY frames. */
export function encodeFrame(type: number, flags: number, streamId: number, payload: Buffer = EMPTY): Buffer {
  const out = Buffer.allocUnsafe(FRAME_HEADER_LENGTH + payload.length);
  writeFrameHeader(out, 0, payload.length, type & 0xff, flags & 0xff, streamId);
  payload.copy(out, FRAME_HEADER_LENGTH);
  return out;
}

/** DATA (§6.1), unpadded. `data` must fit the peer's SETTINGS_MAX_FRAME_SIZE and flow-control windows. */
export function encodeData(streamId: number, data: Buffer, endStream: boolean): Buffer {
  checkStreamId(streamId, 'DATA');
  const out = Buffer.allocUnsafe(FRAME_HEADER_LENGTH + data.length);
  writeFrameHeader(out, 0, data.length, FrameType.DATA, endStream ? FrameFlag.END_STREAM : 0, streamId);
  data.copy(out, FRAME_HEADER_LENGTH);
  return out;
}

/**
 * The 9-octet header of a DATA frame (§6.1) whose payload is sent as it is right after it: a
 * large payload goes to the transport beside its header instead of being copied behind it.
 */
export function encodeDataHeader(streamId: number, length: number, endStream: boolean): Buffer {
  checkStreamId(streamId, 'DATA');
  const out = Buffer.allocUnsafe(FRAME_HEADER_LENGTH);
  writeFrameHeader(out, 0, length, FrameType.DATA, endStream ? FrameFlag.END_STREAM : 0, streamId);
  return out;
}

/**
 * A whole field block as HEADERS followed by as many CONTINUATION frames as `maxFrameSize` (the
 * peer's SETTINGS_MAX_FRAME_SIZE) requires, END_HEADERS on the last (§6.2, §6.10). The frames are
 * returned separately but must be written back to back: a field block is contiguous on the
 * connection, no other frame may come between them (§4.3). END_STREAM, when asked for, goes on
 * the HEADERS frame, the only one that can carry it (§6.10). One allocation backs all of them.
 */
export function encodeHeaders(streamId: number, block: Buffer, endStream: boolean, maxFrameSize: number): Buffer[] {
  checkStreamId(streamId, 'HEADERS');
  if (!Number.isInteger(maxFrameSize) || maxFrameSize < DEFAULT_MAX_FRAME_SIZE || maxFrameSize > MAX_ALLOWED_FRAME_SIZE) {
    throw new RangeError(`maxFrameSize must be in [${DEFAULT_MAX_FRAME_SIZE}, ${MAX_ALLOWED_FRAME_SIZE}] (RFC 9113 §6.5.2), got ${maxFrameSize}`);
  }
  const count = Math.max(1, Math.ceil(block.length / maxFrameSize));
  const all = Buffer.allocUnsafe(count * FRAME_HEADER_LENGTH + block.length);
  const frames: Buffer[] = new Array<Buffer>(count);
  let at = 0;
  for (let k = 0; k < count; k++) {
    const from = k * maxFrameSize;
    const length = Math.min(maxFrameSize, block.length - from);
    let flags = k === count - 1 ? FrameFlag.END_HEADERS : 0;
    if (k === 0 && endStream) flags |= FrameFlag.END_STREAM;
    writeFrameHeader(all, at, length, k === 0 ? FrameType.HEADERS : FrameType.CONTINUATION, flags, streamId);
    block.copy(all, at + FRAME_HEADER_LENGTH, from, from + length);
    frames[k] = all.subarray(at, at + FRAME_HEADER_LENGTH + length);
    at += FRAME_HEADER_LENGTH + length;
  }
  return frames;
}

/** PRIORITY (§6.3). Deprecated as a signal (§5.3.2) but still a frame a peer may send. */
export function encodePriority(streamId: number, priority: PrioritySpec): Buffer {
  checkStreamId(streamId, 'PRIORITY');
  const { exclusive, dependency, weight } = priority;
  if (!Number.isInteger(weight) || weight < 1 || weight > 256) throw new RangeError(`priority weight must be 1..256 (RFC 9113 §5.3.2), got ${weight}`);
  if (!Number.isInteger(dependency) || dependency < 0 || dependency > MAX_STREAM_ID) throw new RangeError(`stream dependency ${dependency} is not a 31-bit stream id`);
  const out = Buffer.allocUnsafe(FRAME_HEADER_LENGTH + 5);
  writeFrameHeader(out, 0, 5, FrameType.PRIORITY, 0, streamId);
  out.writeUInt32BE((exclusive ? 0x8000_0000 : 0) + dependency, FRAME_HEADER_LENGTH);
  out[FRAME_HEADER_LENGTH + 4] = weight - 1;
  return out;
}

/** RST_STREAM (§6.4). */
export function encodeRstStream(streamId: number, errorCode: number): Buffer {
  checkStreamId(streamId, 'RST_STREAM');
  const out = Buffer.allocUnsafe(FRAME_HEADER_LENGTH + 4);
  writeFrameHeader(out, 0, 4, FrameType.RST_STREAM, 0, streamId);
  out.writeUInt32BE(errorCode, FRAME_HEADER_LENGTH);
  return out;
}

/** SETTINGS (§6.5), parameters in the given order. */
export function encodeSettings(settings: readonly Setting[]): Buffer {
  const out = Buffer.allocUnsafe(FRAME_HEADER_LENGTH + 6 * settings.length);
  writeFrameHeader(out, 0, 6 * settings.length, FrameType.SETTINGS, 0, 0);
  let at = FRAME_HEADER_LENGTH;
  for (const [id, value] of settings) {
    out.writeUInt16BE(id, at);
    out.writeUInt32BE(value, at + 2);
    at += 6;
  }
  return out;
}

/** The acknowledgement of the peer's SETTINGS: ACK set, empty payload (§6.5, §6.5.3). */
export function encodeSettingsAck(): Buffer {
  const out = Buffer.allocUnsafe(FRAME_HEADER_LENGTH);
  writeFrameHeader(out, 0, 0, FrameType.SETTINGS, FrameFlag.ACK, 0);
  return out;
}

/** PING (§6.7): 8 opaque octets; a response sets ACK and echoes the request's octets. */
export function encodePing(opaque: Buffer, ack: boolean): Buffer {
  if (opaque.length !== 8) throw new RangeError(`PING carries exactly 8 opaque octets (RFC 9113 §6.7), got ${opaque.length}`);
  const out = Buffer.allocUnsafe(FRAME_HEADER_LENGTH + 8);
  writeFrameHeader(out, 0, 8, FrameType.PING, ack ? FrameFlag.ACK : 0, 0);
  opaque.copy(out, FRAME_HEADER_LENGTH);
  return out;
}

/** GOAWAY (§6.8): the last peer-initiated stream we processed or might, the reason, optional debug data. */
export function encodeGoaway(lastStreamId: number, errorCode: number, debug: Buffer = EMPTY): Buffer {
  if (!Number.isInteger(lastStreamId) || lastStreamId < 0 || lastStreamId > MAX_STREAM_ID) throw new RangeError(`last stream id ${lastStreamId} is not a 31-bit stream id (RFC 9113 §6.8)`);
  const out = Buffer.allocUnsafe(FRAME_HEADER_LENGTH + 8 + debug.length);
  writeFrameHeader(out, 0, 8 + debug.length, FrameType.GOAWAY, 0, 0);
  out.writeUInt32BE(lastStreamId, FRAME_HEADER_LENGTH);
  out.writeUInt32BE(errorCode, FRAME_HEADER_LENGTH + 4);
  debug.copy(out, FRAME_HEADER_LENGTH + 8);
  return out;
}

/** WINDOW_UPDATE (§6.9) on a stream, or on the connection with stream id 0. */
export function encodeWindowUpdate(streamId: number, increment: number): Buffer {
  if (!Number.isInteger(streamId) || streamId < 0 || streamId > MAX_STREAM_ID) throw new RangeError(`stream id ${streamId} is not a 31-bit stream id (RFC 9113 §5.1.1)`);
  // §6.9: an increment of 0 is an error for the receiver, so we never send one.
  if (!Number.isInteger(increment) || increment < 1 || increment > MAX_WINDOW_SIZE) throw new RangeError(`window increment must be 1..2^31-1 (RFC 9113 §6.9), got ${increment}`);
  const out = Buffer.allocUnsafe(FRAME_HEADER_LENGTH + 4);
  writeFrameHeader(out, 0, 4, FrameType.WINDOW_UPDATE, 0, streamId);
  out.writeUInt32BE(increment, FRAME_HEADER_LENGTH);
  return out;
}

function checkStreamId(streamId: number, type: string): void {
  // These frame types are about a stream; stream 0 would be a PROTOCOL_ERROR for the peer (§6).
  if (!Number.isInteger(streamId) || streamId < 1 || streamId > MAX_STREAM_ID) {
    throw new RangeError(`${type} needs a stream id in 1..2^31-1 (RFC 9113 §5.1.1), got ${streamId}`);
  }
}

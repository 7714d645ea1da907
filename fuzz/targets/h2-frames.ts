/**
 * The HTTP/2 frame decoder (server/http2/frames/frame-reader.ts) on arbitrary bytes: the octets
 * that follow a client's connection preface.
 *
 * Properties:
 * - no exception: every rule broken comes back as a FrameDecodeError, never thrown;
 * - split invariance: the input cut at three points drawn from it, and (up to 1 KiB) one octet at
 *   a time, decodes to the same sequence of frames and errors as the whole input;
 * - bounded memory: what the reader keeps queued never exceeds one frame header plus
 *   SETTINGS_MAX_FRAME_SIZE once it has returned everything it can;
 * - parse(serialize(f)) = f: every decoded frame, written back with the frame writer (without
 *   padding, which decoding removes), decodes to the same frame.
 */
import { DEFAULT_MAX_FRAME_SIZE, FRAME_HEADER_LENGTH, FrameFlag, FrameType } from '../../server/http2/frames/constants.js';
import type { Frame, FrameDecodeError } from '../../server/http2/frames/frame.js';
import { FrameReader } from '../../server/http2/frames/frame-reader.js';
import { encodeData, encodeFrame, encodeGoaway, encodePing, encodePriority, encodeRstStream, encodeSettings, encodeSettingsAck, encodeWindowUpdate } from '../../server/http2/frames/frame-writer.js';
import { check, sameData, show, WorkRatio, type FuzzTarget, type SeedInput } from '../fuzz-target.js';
import { byteByByte, cutAt, cutPoints } from '../seeds/split-points.js';
import { wireSeeds } from '../seeds/wire-seeds.js';

const BYTE_BY_BYTE_LIMIT = 1024;
const ratio = new WorkRatio('decoded frames per input octet');

type Result = Frame | FrameDecodeError;

/** Everything the reader yields for `chunks`, with payload views copied (chunks are views too). */
export function decodeAll(chunks: readonly Buffer[], maxFrameSize = DEFAULT_MAX_FRAME_SIZE): { results: Result[]; buffered: number } {
  const reader = new FrameReader({ maxFrameSize });
  const results: Result[] = [];
  for (const chunk of chunks) {
    reader.push(chunk);
    for (let r = reader.next(); r !== null; r = reader.next()) results.push(r);
    check(reader.bufferedBytes <= FRAME_HEADER_LENGTH + maxFrameSize, () => `reader keeps ${reader.bufferedBytes} octets queued after returning all it could`);
  }
  return { results, buffered: reader.bufferedBytes };
}

/** A frame as octets again (null for the kinds whose payload the reader does not keep). */
export function serializeFrame(f: Frame): Buffer | null {
  switch (f.type) {
    case 'DATA':
      return encodeData(f.streamId, f.data, f.endStream);
    case 'HEADERS': {
      const flags = (f.endStream ? FrameFlag.END_STREAM : 0) | (f.endHeaders ? FrameFlag.END_HEADERS : 0) | (f.priority ? FrameFlag.PRIORITY : 0);
      const priority = f.priority ? encodePriority(1, f.priority).subarray(FRAME_HEADER_LENGTH) : Buffer.alloc(0);
      return encodeFrame(FrameType.HEADERS, flags, f.streamId, Buffer.concat([priority, f.fragment]));
    }
    case 'PRIORITY':
      return encodePriority(f.streamId, f);
    case 'RST_STREAM':
      return encodeRstStream(f.streamId, f.errorCode);
    case 'SETTINGS':
      return f.ack ? encodeSettingsAck() : encodeSettings(f.settings);
    case 'PUSH_PROMISE': {
      const id = Buffer.alloc(4);
      id.writeUInt32BE(f.promisedStreamId);
      return encodeFrame(FrameType.PUSH_PROMISE, f.endHeaders ? FrameFlag.END_HEADERS : 0, f.streamId, Buffer.concat([id, f.fragment]));
    }
    case 'PING':
      return encodePing(f.opaque, f.ack);
    case 'GOAWAY':
      return encodeGoaway(f.lastStreamId, f.errorCode, f.debug);
    case 'WINDOW_UPDATE': {
      // The writer refuses an increment of 0, which the reader passes on (the connection answers
      // it, §6.9): write that one by hand.
      if (f.increment !== 0) return encodeWindowUpdate(f.streamId, f.increment);
      return encodeFrame(FrameType.WINDOW_UPDATE, 0, f.streamId, Buffer.alloc(4));
    }
    case 'CONTINUATION':
      return encodeFrame(FrameType.CONTINUATION, f.endHeaders ? FrameFlag.END_HEADERS : 0, f.streamId, f.fragment);
    case 'UNKNOWN':
      return null;
  }
}

/** DATA's flowLength counts padding, which re-encoding drops: compare the rest. */
function withoutPadding(r: Result): unknown {
  return r.kind === 'frame' && r.type === 'DATA' ? { ...r, flowLength: r.data.length } : r;
}

export function checkFrameDecoder(data: Buffer): void {
  const whole = decodeAll([data]);
  ratio.observe(whole.results.length, data.length, data);
  check(whole.results.length <= Math.ceil(data.length / FRAME_HEADER_LENGTH), () => `${whole.results.length} results from ${data.length} octets`);

  const cuts = cutPoints(data);
  const split = decodeAll(cutAt(data, cuts));
  check(sameData(split.results, whole.results), () => `cut at ${cuts.join(',')}: ${show(split.results)} but whole: ${show(whole.results)}`);
  if (data.length <= BYTE_BY_BYTE_LIMIT) {
    const bytes = decodeAll(byteByByte(data));
    check(sameData(bytes.results, whole.results), () => `byte by byte: ${show(bytes.results)} but whole: ${show(whole.results)}`);
  }

  for (const r of whole.results) {
    if (r.kind !== 'frame') continue;
    if (r.type === 'DATA') check(r.flowLength >= r.data.length, () => `DATA flowLength ${r.flowLength} below its ${r.data.length} data octets`);
    const octets = serializeFrame(r);
    if (octets === null) continue;
    const again = decodeAll([octets]).results;
    check(again.length === 1 && sameData(withoutPadding(again[0]!), withoutPadding(r)), () => `${show(r)} re-encoded decodes to ${show(again)}`);
  }
}

export const target: FuzzTarget = {
  name: 'h2-frames',
  description: 'HTTP/2 frame decoder: split invariance, bounded buffering, parse(serialize(x)) = x',
  run: checkFrameDecoder,
  async: false,
  dictionary: 'http2.dict',
  instrument: ['server/http2/frames/'],
  ratio: 'decoded frames per input octet',
  async seeds(): Promise<SeedInput[]> {
    return (await wireSeeds()).h2;
  },
};

import { describe, expect, it } from 'vitest';
import { ErrorCode, FrameFlag, FrameType } from './constants.js';
import { FrameReader } from './frame-reader.js';
import { encodeFrame } from './frame-writer.js';
import type { DataFrame, Frame, FrameDecodeError, HeadersFrame } from './frame.js';
import { hex, readAll, readRaw, splits, threeWaySplits } from './test-support/read-all.js';

const { DATA, HEADERS, PRIORITY, RST_STREAM, SETTINGS, PUSH_PROMISE, PING, GOAWAY, WINDOW_UPDATE, CONTINUATION } = FrameType;
const { END_STREAM, ACK, END_HEADERS, PADDED } = FrameFlag;
const PRIO = FrameFlag.PRIORITY;

const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
};
const cat = (...parts: Array<Buffer | number[] | string>) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.isBuffer(p) ? p : Buffer.from(p))));
/** Priority fields: E bit + dependency, weight octet (wire value = weight - 1). */
const prio = (exclusive: boolean, dependency: number, wireWeight: number) => cat(u32((exclusive ? 0x8000_0000 : 0) + dependency), [wireWeight]);
const setting = (id: number, value: number) => cat([id >> 8, id & 0xff], u32(value));

/** One frame of every type, with padding, priority, unknown settings and an extension frame. */
const EVERYTHING = cat(
  encodeFrame(SETTINGS, 0, 0, cat(setting(0x3, 100), setting(0x4, 1 << 20), setting(0xf0, 7))),
  encodeFrame(WINDOW_UPDATE, 0, 0, u32(0x8000_0000 + 65_535)), // reserved bit set on the increment
  encodeFrame(HEADERS, PADDED | PRIO | END_STREAM, 1, cat([3], prio(true, 0, 15), 'abc', [0, 0, 0])),
  encodeFrame(CONTINUATION, 0, 1, cat('def')),
  encodeFrame(CONTINUATION, END_HEADERS, 1, cat('g')),
  encodeFrame(0xb, 0xff, 0, cat('an extension frame')),
  encodeFrame(HEADERS, END_HEADERS, 3, cat('hdr')),
  encodeFrame(DATA, PADDED, 3, cat([2], 'hello', [0, 0])),
  encodeFrame(DATA, END_STREAM, 3, cat('world')),
  encodeFrame(PRIORITY, 0, 5, prio(false, 3, 255)),
  encodeFrame(RST_STREAM, 0, 5, u32(ErrorCode.CANCEL)),
  encodeFrame(PING, 0, 0, cat('12345678')),
  encodeFrame(SETTINGS, ACK, 0),
  encodeFrame(PUSH_PROMISE, END_HEADERS, 1, cat(u32(2), 'pp')),
  encodeFrame(GOAWAY, 0, 0, cat(u32(3), u32(ErrorCode.NO_ERROR), 'bye')),
);

/** Empty payloads where they are allowed, stream errors in between, and a frame after each. */
const EMPTY_AND_STREAM_ERRORS = cat(
  encodeFrame(DATA, 0, 1),
  encodeFrame(HEADERS, 0, 1),
  encodeFrame(CONTINUATION, END_HEADERS, 1),
  encodeFrame(0x20, 0, 7),
  encodeFrame(DATA, PADDED, 1, cat([0])),
  encodeFrame(PRIORITY, 0, 9, cat([1, 2, 3, 4])), // stream FRAME_SIZE_ERROR: skipped
  encodeFrame(PRIORITY, 0, 11, prio(false, 11, 0)), // depends on itself
  encodeFrame(HEADERS, PRIO | END_HEADERS, 13, cat(prio(false, 13, 0), 'xy')), // depends on itself
  encodeFrame(WINDOW_UPDATE, 0, 13, u32(0)),
  encodeFrame(PING, ACK, 0, cat('abcdefgh')),
);

/** Frames, then a connection error, then frames that must never be reported. */
const CONNECTION_ERROR_MIDWAY = cat(
  encodeFrame(DATA, 0, 1, cat('one')),
  encodeFrame(PING, 0, 0, cat('1234567')),
  encodeFrame(DATA, 0, 1, cat('two')),
  encodeFrame(PING, 0, 0, cat('12345678')),
);

const CORPUS: Array<[string, Buffer, number]> = [
  ['every frame type', EVERYTHING, 15],
  ['empty payloads and stream errors', EMPTY_AND_STREAM_ERRORS, 10],
  ['a connection error midway', CONNECTION_ERROR_MIDWAY, 2],
];

describe('FrameReader: any split of the input gives the same results', () => {
  for (const [name, input, count] of CORPUS) {
    it(`${name}: split in two at every offset, and byte by byte`, () => {
      const whole = readAll([input]);
      expect(whole).toHaveLength(count);
      for (const pieces of splits(input)) {
        expect(readAll(pieces)).toEqual(whole);
        expect(readAll(pieces, { drainEachPush: false })).toEqual(whole);
      }
    });
  }

  it('every frame type: split in three at every pair of offsets', () => {
    const input = EMPTY_AND_STREAM_ERRORS;
    const whole = readAll([input]);
    for (const pieces of threeWaySplits(input)) expect(readAll(pieces)).toEqual(whole);
  });

  it('decodes every frame type to the expected values', () => {
    const got = readAll([EVERYTHING]);
    expect(got).toEqual([
      { kind: 'frame', type: 'SETTINGS', streamId: 0, ack: false, settings: [[3, 100], [4, 1 << 20], [0xf0, 7]] },
      { kind: 'frame', type: 'WINDOW_UPDATE', streamId: 0, increment: 65_535 },
      {
        kind: 'frame', type: 'HEADERS', streamId: 1, endStream: true, endHeaders: false,
        fragment: 'hex:' + Buffer.from('abc').toString('hex'), priority: { exclusive: true, dependency: 0, weight: 16 },
      },
      { kind: 'frame', type: 'CONTINUATION', streamId: 1, endHeaders: false, fragment: 'hex:' + Buffer.from('def').toString('hex') },
      { kind: 'frame', type: 'CONTINUATION', streamId: 1, endHeaders: true, fragment: 'hex:' + Buffer.from('g').toString('hex') },
      { kind: 'frame', type: 'UNKNOWN', typeCode: 0xb, streamId: 0, flags: 0xff, length: 18 },
      { kind: 'frame', type: 'HEADERS', streamId: 3, endStream: false, endHeaders: true, fragment: 'hex:' + Buffer.from('hdr').toString('hex'), priority: null },
      { kind: 'frame', type: 'DATA', streamId: 3, endStream: false, data: 'hex:' + Buffer.from('hello').toString('hex'), flowLength: 8 },
      { kind: 'frame', type: 'DATA', streamId: 3, endStream: true, data: 'hex:' + Buffer.from('world').toString('hex'), flowLength: 5 },
      { kind: 'frame', type: 'PRIORITY', streamId: 5, exclusive: false, dependency: 3, weight: 256 },
      { kind: 'frame', type: 'RST_STREAM', streamId: 5, errorCode: ErrorCode.CANCEL },
      { kind: 'frame', type: 'PING', streamId: 0, ack: false, opaque: 'hex:' + Buffer.from('12345678').toString('hex') },
      { kind: 'frame', type: 'SETTINGS', streamId: 0, ack: true, settings: [] },
      { kind: 'frame', type: 'PUSH_PROMISE', streamId: 1, endHeaders: true, promisedStreamId: 2, fragment: 'hex:' + Buffer.from('pp').toString('hex') },
      { kind: 'frame', type: 'GOAWAY', streamId: 0, lastStreamId: 3, errorCode: 0, debug: 'hex:' + Buffer.from('bye').toString('hex') },
    ]);
  });

  it('reports stream errors in sequence and keeps reading after them', () => {
    const got = readAll([EMPTY_AND_STREAM_ERRORS]);
    expect(got.map((r) => (r.kind === 'error' ? `${r.scope}:${r.code}@${r.streamId}` : `${r.type}@${r.streamId}`))).toEqual([
      'DATA@1', 'HEADERS@1', 'CONTINUATION@1', 'UNKNOWN@7', 'DATA@1',
      `stream:${ErrorCode.FRAME_SIZE_ERROR}@9`,
      `stream:${ErrorCode.PROTOCOL_ERROR}@11`,
      `stream:${ErrorCode.PROTOCOL_ERROR}@13`,
      'WINDOW_UPDATE@13', 'PING@0',
    ]);
    expect(got[4]).toMatchObject({ data: 'hex:', flowLength: 1 });
  });

  it('stops at a connection error and reports nothing after it', () => {
    const reader = new FrameReader({ maxFrameSize: 16_384 });
    reader.push(CONNECTION_ERROR_MIDWAY);
    expect(reader.next()).toMatchObject({ type: 'DATA' });
    expect(reader.next()).toMatchObject({ kind: 'error', scope: 'connection', code: ErrorCode.FRAME_SIZE_ERROR });
    expect(reader.failed).toBe(true);
    expect(reader.next()).toBeNull();
    expect(reader.bufferedBytes).toBe(0);
    reader.push(encodeFrame(PING, 0, 0, cat('12345678')));
    expect(reader.bufferedBytes).toBe(0);
    expect(reader.next()).toBeNull();
  });
});

interface RuleCase {
  name: string;
  frame: Buffer;
  scope: 'connection' | 'stream';
  code: number;
  streamId: number;
}

const PROTOCOL = ErrorCode.PROTOCOL_ERROR;
const FRAME_SIZE = ErrorCode.FRAME_SIZE_ERROR;

const RULES: RuleCase[] = [
  // Stream identifier 0 where a stream is required (§6.1-§6.4, §6.6, §6.10).
  { name: 'DATA on stream 0 (§6.1)', frame: encodeFrame(DATA, 0, 0, cat('x')), scope: 'connection', code: PROTOCOL, streamId: 0 },
  { name: 'HEADERS on stream 0 (§6.2)', frame: encodeFrame(HEADERS, END_HEADERS, 0, cat('x')), scope: 'connection', code: PROTOCOL, streamId: 0 },
  { name: 'PRIORITY on stream 0 (§6.3)', frame: encodeFrame(PRIORITY, 0, 0, prio(false, 1, 0)), scope: 'connection', code: PROTOCOL, streamId: 0 },
  { name: 'RST_STREAM on stream 0 (§6.4)', frame: encodeFrame(RST_STREAM, 0, 0, u32(0)), scope: 'connection', code: PROTOCOL, streamId: 0 },
  { name: 'PUSH_PROMISE on stream 0 (§6.6)', frame: encodeFrame(PUSH_PROMISE, END_HEADERS, 0, u32(2)), scope: 'connection', code: PROTOCOL, streamId: 0 },
  { name: 'CONTINUATION on stream 0 (§6.10)', frame: encodeFrame(CONTINUATION, END_HEADERS, 0, cat('x')), scope: 'connection', code: PROTOCOL, streamId: 0 },
  // Connection-level frames on a stream.
  { name: 'SETTINGS on stream 1 (§6.5)', frame: encodeFrame(SETTINGS, 0, 1, setting(3, 100)), scope: 'connection', code: PROTOCOL, streamId: 1 },
  { name: 'PING on stream 1 (§6.7)', frame: encodeFrame(PING, 0, 1, cat('12345678')), scope: 'connection', code: PROTOCOL, streamId: 1 },
  { name: 'GOAWAY on stream 1 (§6.8)', frame: encodeFrame(GOAWAY, 0, 1, cat(u32(0), u32(0))), scope: 'connection', code: PROTOCOL, streamId: 1 },
  // Lengths.
  { name: 'SETTINGS of 5 octets (§6.5)', frame: encodeFrame(SETTINGS, 0, 0, cat([0, 3, 0, 0, 0])), scope: 'connection', code: FRAME_SIZE, streamId: 0 },
  { name: 'SETTINGS of 7 octets (§6.5)', frame: encodeFrame(SETTINGS, 0, 0, cat(setting(3, 1), [0])), scope: 'connection', code: FRAME_SIZE, streamId: 0 },
  { name: 'SETTINGS ACK with a payload (§6.5)', frame: encodeFrame(SETTINGS, ACK, 0, setting(3, 1)), scope: 'connection', code: FRAME_SIZE, streamId: 0 },
  { name: 'PING of 7 octets (§6.7)', frame: encodeFrame(PING, 0, 0, cat('1234567')), scope: 'connection', code: FRAME_SIZE, streamId: 0 },
  { name: 'PING of 9 octets (§6.7)', frame: encodeFrame(PING, 0, 0, cat('123456789')), scope: 'connection', code: FRAME_SIZE, streamId: 0 },
  { name: 'PING ACK of 0 octets (§6.7)', frame: encodeFrame(PING, ACK, 0), scope: 'connection', code: FRAME_SIZE, streamId: 0 },
  { name: 'RST_STREAM of 3 octets (§6.4)', frame: encodeFrame(RST_STREAM, 0, 1, cat([0, 0, 8])), scope: 'connection', code: FRAME_SIZE, streamId: 1 },
  { name: 'RST_STREAM of 5 octets (§6.4)', frame: encodeFrame(RST_STREAM, 0, 1, cat(u32(8), [0])), scope: 'connection', code: FRAME_SIZE, streamId: 1 },
  { name: 'WINDOW_UPDATE of 3 octets on stream 0 (§6.9)', frame: encodeFrame(WINDOW_UPDATE, 0, 0, cat([0, 0, 1])), scope: 'connection', code: FRAME_SIZE, streamId: 0 },
  { name: 'WINDOW_UPDATE of 5 octets on stream 1 (§6.9)', frame: encodeFrame(WINDOW_UPDATE, 0, 1, cat(u32(1), [0])), scope: 'connection', code: FRAME_SIZE, streamId: 1 },
  { name: 'GOAWAY of 7 octets (§6.8)', frame: encodeFrame(GOAWAY, 0, 0, cat(u32(0), [0, 0, 0])), scope: 'connection', code: FRAME_SIZE, streamId: 0 },
  { name: 'PRIORITY of 4 octets (§6.3)', frame: encodeFrame(PRIORITY, 0, 3, cat([0, 0, 0, 1])), scope: 'stream', code: FRAME_SIZE, streamId: 3 },
  { name: 'PRIORITY of 6 octets (§6.3)', frame: encodeFrame(PRIORITY, 0, 3, cat(prio(false, 1, 0), [0])), scope: 'stream', code: FRAME_SIZE, streamId: 3 },
  { name: 'HEADERS with PRIORITY flag and 4 octets (§4.2)', frame: encodeFrame(HEADERS, PRIO | END_HEADERS, 1, cat([0, 0, 0, 0])), scope: 'connection', code: FRAME_SIZE, streamId: 1 },
  { name: 'HEADERS padded with PRIORITY and 5 octets (§4.2)', frame: encodeFrame(HEADERS, PADDED | PRIO | END_HEADERS, 1, cat([0], [0, 0, 0, 0])), scope: 'connection', code: FRAME_SIZE, streamId: 1 },
  { name: 'padded HEADERS with no payload (§4.2)', frame: encodeFrame(HEADERS, PADDED | END_HEADERS, 1), scope: 'connection', code: FRAME_SIZE, streamId: 1 },
  { name: 'padded DATA with no payload (§4.2)', frame: encodeFrame(DATA, PADDED, 1), scope: 'connection', code: FRAME_SIZE, streamId: 1 },
  { name: 'PUSH_PROMISE of 3 octets (§4.2)', frame: encodeFrame(PUSH_PROMISE, END_HEADERS, 1, cat([0, 0, 2])), scope: 'connection', code: FRAME_SIZE, streamId: 1 },
  // Padding (§6.1, §6.2, §6.6).
  { name: 'DATA padding equal to the payload length (§6.1)', frame: encodeFrame(DATA, PADDED, 1, cat([4], 'abc')), scope: 'connection', code: PROTOCOL, streamId: 1 },
  { name: 'DATA padding longer than the payload (§6.1)', frame: encodeFrame(DATA, PADDED, 1, cat([200], 'abc')), scope: 'connection', code: PROTOCOL, streamId: 1 },
  { name: 'HEADERS padding longer than the fragment room (§6.2)', frame: encodeFrame(HEADERS, PADDED | END_HEADERS, 1, cat([4], 'abc')), scope: 'connection', code: PROTOCOL, streamId: 1 },
  { name: 'HEADERS with PRIORITY: padding longer than the room left (§6.2)', frame: encodeFrame(HEADERS, PADDED | PRIO | END_HEADERS, 1, cat([3], prio(false, 0, 0), 'ab')), scope: 'connection', code: PROTOCOL, streamId: 1 },
  { name: 'PUSH_PROMISE padding longer than the room left (§6.6)', frame: encodeFrame(PUSH_PROMISE, PADDED | END_HEADERS, 1, cat([1], u32(2))), scope: 'connection', code: PROTOCOL, streamId: 1 },
  // Self-dependency (§5.3.1).
  { name: 'PRIORITY depending on its own stream (§5.3.1)', frame: encodeFrame(PRIORITY, 0, 5, prio(true, 5, 10)), scope: 'stream', code: PROTOCOL, streamId: 5 },
  { name: 'HEADERS depending on its own stream (§5.3.1)', frame: encodeFrame(HEADERS, PRIO | END_HEADERS, 5, cat(prio(false, 5, 10), 'ab')), scope: 'stream', code: PROTOCOL, streamId: 5 },
  // Frame size (§4.2).
  { name: 'DATA of 16385 octets over the default maximum (§4.2)', frame: encodeFrame(DATA, 0, 1, Buffer.alloc(16_385)), scope: 'connection', code: FRAME_SIZE, streamId: 1 },
  { name: 'HEADERS of 16385 octets over the default maximum (§4.2)', frame: encodeFrame(HEADERS, END_HEADERS, 1, Buffer.alloc(16_385)), scope: 'connection', code: FRAME_SIZE, streamId: 1 },
  { name: 'unknown type over the maximum (§4.2)', frame: encodeFrame(0xfe, 0, 0, Buffer.alloc(16_385)), scope: 'connection', code: FRAME_SIZE, streamId: 0 },
];

describe('FrameReader enforces the rules a frame alone decides', () => {
  const PING_AFTER = encodeFrame(PING, 0, 0, cat('after...'));
  for (const rule of RULES) {
    it(`${rule.name}: ${rule.scope} ${rule.code}`, () => {
      const input = cat(rule.frame, PING_AFTER);
      const results = readRaw([input]);
      const error = results[0] as FrameDecodeError;
      expect(error).toMatchObject({ kind: 'error', scope: rule.scope, code: rule.code, streamId: rule.streamId });
      expect(error.message).toMatch(/RFC 9113 §/);
      // A stream error leaves the connection readable; a connection error ends reading.
      if (rule.scope === 'stream') expect(results.slice(1).map((r) => r.kind === 'frame' && r.type)).toEqual(['PING']);
      else expect(results).toHaveLength(1);
      // However the input is cut.
      const whole = readAll([input]);
      const cuts = input.length < 400 ? splits(input) : [[input.subarray(0, 5), input.subarray(5, 12), input.subarray(12)]];
      for (const pieces of cuts) expect(readAll(pieces)).toEqual(whole);
    });
  }

  it('HEADERS depending on itself still hands over the frame, whose block must reach HPACK (§4.3)', () => {
    const [error] = readRaw([encodeFrame(HEADERS, PRIO, 5, cat(prio(false, 5, 10), 'ab'))]);
    const frame = (error as FrameDecodeError).frame as HeadersFrame;
    expect(frame).toMatchObject({ type: 'HEADERS', streamId: 5, endHeaders: false, priority: { exclusive: false, dependency: 5, weight: 11 } });
    expect(frame.fragment.toString()).toBe('ab');
  });

  it('accepts padding that leaves an empty payload (§6.1, §6.2)', () => {
    const got = readAll([
      encodeFrame(DATA, PADDED, 1, cat([3], [0, 0, 0])),
      encodeFrame(HEADERS, PADDED | PRIO | END_HEADERS, 1, cat([2], prio(false, 0, 0), [0, 0])),
    ]);
    expect(got).toMatchObject([{ type: 'DATA', data: 'hex:', flowLength: 4 }, { type: 'HEADERS', fragment: 'hex:' }]);
  });

  it('accepts a frame of exactly SETTINGS_MAX_FRAME_SIZE octets (§4.2)', () => {
    const got = readRaw([encodeFrame(DATA, 0, 1, Buffer.alloc(16_384, 7))]);
    expect(got).toHaveLength(1);
    expect((got[0] as DataFrame).data.length).toBe(16_384);
  });

  it('applies a larger SETTINGS_MAX_FRAME_SIZE once set', () => {
    const reader = new FrameReader({ maxFrameSize: 16_384 });
    reader.setMaxFrameSize(20_000);
    reader.push(encodeFrame(DATA, 0, 1, Buffer.alloc(20_000)));
    expect(reader.next()).toMatchObject({ type: 'DATA', flowLength: 20_000 });
    reader.push(encodeFrame(DATA, 0, 1, Buffer.alloc(20_001)));
    expect(reader.next()).toMatchObject({ kind: 'error', code: FRAME_SIZE });
  });

  it('refuses a maxFrameSize outside what SETTINGS_MAX_FRAME_SIZE allows (§6.5.2)', () => {
    expect(() => new FrameReader({ maxFrameSize: 16_383 })).toThrow(RangeError);
    expect(() => new FrameReader({ maxFrameSize: 16_777_216 })).toThrow(RangeError);
    expect(() => new FrameReader({ maxFrameSize: 16_384 }).setMaxFrameSize(1e9)).toThrow(RangeError);
  });

  it('reports a WINDOW_UPDATE increment of 0 as-is: its scope depends on stream state (§6.9)', () => {
    const got = readAll([encodeFrame(WINDOW_UPDATE, 0, 0, u32(0)), encodeFrame(WINDOW_UPDATE, 0, 7, u32(0x8000_0000))]);
    expect(got).toEqual([
      { kind: 'frame', type: 'WINDOW_UPDATE', streamId: 0, increment: 0 },
      { kind: 'frame', type: 'WINDOW_UPDATE', streamId: 7, increment: 0 },
    ]);
  });

  it('keeps unknown error codes in RST_STREAM and GOAWAY (§7)', () => {
    const got = readAll([encodeFrame(RST_STREAM, 0, 1, u32(0xdeadbeef)), encodeFrame(GOAWAY, 0, 0, cat(u32(0), u32(0xff)))]);
    expect(got).toMatchObject([{ type: 'RST_STREAM', errorCode: 0xdeadbeef }, { type: 'GOAWAY', errorCode: 0xff, debug: 'hex:' }]);
  });
});

describe('FrameReader frame-header details (§4.1)', () => {
  it('ignores the reserved bit of the stream identifier', () => {
    const got = readAll([
      encodeFrame(DATA, 0, 0x8000_0001, cat('x')),
      encodeFrame(PING, 0, 0x8000_0000, cat('12345678')),
      encodeFrame(GOAWAY, 0, 0, cat(u32(0x8000_0005), u32(0))),
      encodeFrame(PUSH_PROMISE, END_HEADERS, 1, u32(0x8000_0002)),
    ]);
    expect(got).toMatchObject([
      { type: 'DATA', streamId: 1 },
      { type: 'PING', streamId: 0 },
      { type: 'GOAWAY', lastStreamId: 5 },
      { type: 'PUSH_PROMISE', promisedStreamId: 2 },
    ]);
  });

  it('ignores undefined flags', () => {
    const got = readAll([
      // 0x20 means PRIORITY only on HEADERS; on DATA it is undefined and must not be read as one.
      encodeFrame(DATA, 0xff & ~PADDED & ~END_STREAM, 1, cat('abcdef')),
      encodeFrame(PING, 0xfe, 0, cat('12345678')),
      encodeFrame(SETTINGS, 0xfe, 0, setting(1, 0)),
      encodeFrame(CONTINUATION, 0xff & ~END_HEADERS, 1, cat('x')),
    ]);
    expect(got).toMatchObject([
      { type: 'DATA', endStream: false, data: 'hex:' + Buffer.from('abcdef').toString('hex'), flowLength: 6 },
      { type: 'PING', ack: false },
      { type: 'SETTINGS', ack: false, settings: [[1, 0]] },
      { type: 'CONTINUATION', endHeaders: false },
    ]);
  });

  it('reports an unknown frame type, skips its payload and reads on (§4.1, §5.5)', () => {
    const reader = new FrameReader({ maxFrameSize: 16_384 });
    const unknown = encodeFrame(0x10, 0x3, 5, Buffer.alloc(16_384, 0xaa));
    // Fed in small pieces: skipped bytes are dropped as they come, not held.
    for (let at = 0; at < unknown.length; at += 1000) {
      reader.push(unknown.subarray(at, at + 1000));
      const r = reader.next();
      if (at === 0) expect(r).toEqual({ kind: 'frame', type: 'UNKNOWN', typeCode: 0x10, streamId: 5, flags: 0x3, length: 16_384 });
      else expect(r).toBeNull();
      expect(reader.bufferedBytes).toBe(0);
    }
    reader.push(encodeFrame(DATA, END_STREAM, 5, cat('next')));
    expect(reader.next()).toMatchObject({ type: 'DATA', streamId: 5, endStream: true });
    expect(reader.idle).toBe(true);
  });
});

describe('FrameReader rejects oversize frames from the header alone (§4.2)', () => {
  const header1MB = encodeFrame(DATA, 0, 1);
  header1MB.writeUIntBE(1 << 20, 0, 3);

  it('errors on the 9-octet header and never buffers the payload', () => {
    const reader = new FrameReader({ maxFrameSize: 16_384 });
    reader.push(header1MB.subarray(0, 5));
    expect(reader.next()).toBeNull();
    expect(reader.bufferedBytes).toBe(5);
    reader.push(header1MB.subarray(5));
    expect(reader.next()).toMatchObject({ kind: 'error', scope: 'connection', code: FRAME_SIZE, streamId: 1 });
    for (let k = 0; k < 16; k++) {
      reader.push(Buffer.alloc(65_536));
      expect(reader.bufferedBytes).toBe(0);
      expect(reader.next()).toBeNull();
    }
  });

  it('drops payload octets that came in the same chunk as the header', () => {
    const reader = new FrameReader({ maxFrameSize: 16_384 });
    reader.push(Buffer.concat([header1MB, Buffer.alloc(100_000)]));
    expect(reader.next()).toMatchObject({ kind: 'error', code: FRAME_SIZE });
    expect(reader.bufferedBytes).toBe(0);
  });
});

describe('FrameReader payloads: padding and zero-copy', () => {
  /** Input in a fresh ArrayBuffer, never in Buffer's shared pool, so that `.buffer` identity means something. */
  const unpooled = (b: Buffer) => {
    const out = Buffer.from(new ArrayBuffer(b.length));
    b.copy(out);
    return out;
  };

  it('strips DATA padding; flowLength counts the Pad Length octet and the padding (§6.1)', () => {
    const [frame] = readRaw([encodeFrame(DATA, PADDED | END_STREAM, 1, cat([5], 'payload', Buffer.alloc(5)))]) as DataFrame[];
    expect(frame!.data.toString()).toBe('payload');
    expect(frame!.flowLength).toBe(1 + 7 + 5);
    expect(frame!.endStream).toBe(true);
  });

  it('strips HEADERS padding, with and without the PRIORITY flag (§6.2)', () => {
    const got = readRaw([
      encodeFrame(HEADERS, PADDED | END_HEADERS, 1, cat([4], 'block', Buffer.alloc(4))),
      encodeFrame(HEADERS, PADDED | PRIO | END_HEADERS, 3, cat([2], prio(true, 1, 200), 'block', Buffer.alloc(2))),
      encodeFrame(HEADERS, PRIO | END_HEADERS, 5, cat(prio(false, 3, 0), 'block')),
    ]) as HeadersFrame[];
    expect(got.map((f) => f.fragment.toString())).toEqual(['block', 'block', 'block']);
    expect(got.map((f) => f.priority)).toEqual([null, { exclusive: true, dependency: 1, weight: 201 }, { exclusive: false, dependency: 3, weight: 1 }]);
  });

  it('returns views of the input when a payload arrives whole in one chunk', () => {
    const input = unpooled(cat(
      encodeFrame(DATA, 0, 1, cat('plain')),
      encodeFrame(DATA, PADDED, 1, cat([1], 'padded', [0])),
      encodeFrame(HEADERS, PADDED | PRIO, 3, cat([1], prio(false, 0, 0), 'hdrs', [0])),
      encodeFrame(CONTINUATION, END_HEADERS, 3, cat('cont')),
      encodeFrame(PING, 0, 0, cat('12345678')),
      encodeFrame(GOAWAY, 0, 0, cat(u32(0), u32(0), 'debug')),
    ));
    const got = readRaw([input]) as Frame[];
    const views = got.map((f) => {
      switch (f.type) {
        case 'DATA': return f.data;
        case 'HEADERS': case 'CONTINUATION': return f.fragment;
        case 'PING': return f.opaque;
        case 'GOAWAY': return f.debug;
        default: throw new Error(`unexpected ${f.type}`);
      }
    });
    expect(views.map((v) => v.toString())).toEqual(['plain', 'padded', 'hdrs', 'cont', '12345678', 'debug']);
    for (const v of views) expect(v.buffer).toBe(input.buffer);
    expect(views[0]!.byteOffset).toBe(input.byteOffset + 9);
    expect(views[1]!.byteOffset).toBe(input.byteOffset + 9 + 5 + 9 + 1);
  });

  it('stays zero-copy when only the frame header was cut', () => {
    const input = unpooled(encodeFrame(DATA, 0, 1, cat('whole payload')));
    const [frame] = readRaw([input.subarray(0, 4), input.subarray(4)]) as DataFrame[];
    expect(frame!.data.buffer).toBe(input.buffer);
    expect(frame!.data.byteOffset).toBe(input.byteOffset + 9);
  });

  it('assembles a payload cut across chunks into one copy', () => {
    const input = unpooled(encodeFrame(DATA, 0, 1, cat('cut payload')));
    const [frame] = readRaw([input.subarray(0, 12), input.subarray(12, 15), input.subarray(15)]) as DataFrame[];
    expect(frame!.data.toString()).toBe('cut payload');
    expect(frame!.data.buffer).not.toBe(input.buffer);
  });

  it('holds no more than one frame of input while a payload is incomplete', () => {
    const reader = new FrameReader({ maxFrameSize: 16_384 });
    const frame = encodeFrame(DATA, 0, 1, Buffer.alloc(16_384, 1));
    reader.push(frame.subarray(0, 10_000));
    expect(reader.next()).toBeNull();
    expect(reader.bufferedBytes).toBe(10_000 - 9);
    expect(reader.idle).toBe(false);
    reader.push(frame.subarray(10_000));
    expect(reader.next()).toMatchObject({ type: 'DATA', flowLength: 16_384 });
    expect(reader.bufferedBytes).toBe(0);
    expect(reader.idle).toBe(true);
  });

  it('decodes the raw bytes of a captured client opening', () => {
    // SETTINGS(MAX_CONCURRENT_STREAMS=100, INITIAL_WINDOW_SIZE=65535), WINDOW_UPDATE(0, +15663105).
    const input = hex(`
      00000c 04 00 00000000  0003 00000064  0004 0000ffff
      000004 08 00 00000000  00ef0001
    `);
    expect(readAll([input])).toEqual([
      { kind: 'frame', type: 'SETTINGS', streamId: 0, ack: false, settings: [[3, 100], [4, 65_535]] },
      { kind: 'frame', type: 'WINDOW_UPDATE', streamId: 0, increment: 15_663_105 },
    ]);
  });
});

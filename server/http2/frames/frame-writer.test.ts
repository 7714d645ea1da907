import { describe, expect, it } from 'vitest';
import { ErrorCode, FrameFlag, FrameType, SettingId } from './constants.js';
import {
  encodeData,
  encodeFrame,
  encodeGoaway,
  encodeHeaders,
  encodePing,
  encodePriority,
  encodeRstStream,
  encodeSettings,
  encodeSettingsAck,
  encodeWindowUpdate,
  writeFrameHeader,
} from './frame-writer.js';
import type { ContinuationFrame, HeadersFrame } from './frame.js';
import { readAll, readRaw } from './test-support/read-all.js';

const h = (s: string) => 'hex:' + Buffer.from(s).toString('hex');

describe('frame encoders round-trip through FrameReader', () => {
  it('DATA', () => {
    expect(readAll([encodeData(1, Buffer.from('hello'), false), encodeData(0x7fff_ffff, Buffer.alloc(0), true)])).toEqual([
      { kind: 'frame', type: 'DATA', streamId: 1, endStream: false, data: h('hello'), flowLength: 5 },
      { kind: 'frame', type: 'DATA', streamId: 0x7fff_ffff, endStream: true, data: 'hex:', flowLength: 0 },
    ]);
  });

  it('HEADERS in one frame', () => {
    const frames = encodeHeaders(3, Buffer.from('block'), true, 16_384);
    expect(frames).toHaveLength(1);
    expect(readAll(frames)).toEqual([
      { kind: 'frame', type: 'HEADERS', streamId: 3, endStream: true, endHeaders: true, fragment: h('block'), priority: null },
    ]);
  });

  it('HEADERS with an empty block is one frame with END_HEADERS', () => {
    expect(readAll(encodeHeaders(3, Buffer.alloc(0), false, 16_384))).toEqual([
      { kind: 'frame', type: 'HEADERS', streamId: 3, endStream: false, endHeaders: true, fragment: 'hex:', priority: null },
    ]);
  });

  it('HEADERS of exactly maxFrameSize octets needs no CONTINUATION', () => {
    expect(encodeHeaders(3, Buffer.alloc(16_384), false, 16_384)).toHaveLength(1);
    expect(encodeHeaders(3, Buffer.alloc(16_385), false, 16_384)).toHaveLength(2);
  });

  it('HEADERS then CONTINUATIONs, END_STREAM on the first, END_HEADERS on the last, back to back (§4.3, §6.10)', () => {
    const block = Buffer.alloc(40_000);
    for (let i = 0; i < block.length; i++) block[i] = i % 251;
    const frames = encodeHeaders(5, block, true, 16_384);
    expect(frames.map((f) => f.length)).toEqual([9 + 16_384, 9 + 16_384, 9 + 7_232]);
    // One allocation: the frames are adjacent views of one buffer.
    expect(frames[1]!.buffer).toBe(frames[0]!.buffer);
    expect(frames[1]!.byteOffset).toBe(frames[0]!.byteOffset + frames[0]!.length);
    const got = readRaw(frames) as Array<HeadersFrame | ContinuationFrame>;
    expect(got.map((f) => [f.type, f.streamId, f.endHeaders, f.type === 'HEADERS' ? f.endStream : '-'])).toEqual([
      ['HEADERS', 5, false, true],
      ['CONTINUATION', 5, false, '-'],
      ['CONTINUATION', 5, true, '-'],
    ]);
    expect(Buffer.concat(got.map((f) => f.fragment)).equals(block)).toBe(true);
    // CONTINUATION has no END_STREAM flag: the raw flags octets say so.
    expect(frames.map((f) => f[4])).toEqual([FrameFlag.END_STREAM, 0, FrameFlag.END_HEADERS]);
  });

  it('PRIORITY', () => {
    expect(readAll([encodePriority(7, { exclusive: true, dependency: 3, weight: 256 }), encodePriority(9, { exclusive: false, dependency: 0, weight: 1 })])).toEqual([
      { kind: 'frame', type: 'PRIORITY', streamId: 7, exclusive: true, dependency: 3, weight: 256 },
      { kind: 'frame', type: 'PRIORITY', streamId: 9, exclusive: false, dependency: 0, weight: 1 },
    ]);
  });

  it('RST_STREAM', () => {
    expect(readAll([encodeRstStream(1, ErrorCode.REFUSED_STREAM)])).toEqual([
      { kind: 'frame', type: 'RST_STREAM', streamId: 1, errorCode: ErrorCode.REFUSED_STREAM },
    ]);
  });

  it('SETTINGS and its ACK', () => {
    const settings: Array<[number, number]> = [
      [SettingId.HEADER_TABLE_SIZE, 0],
      [SettingId.MAX_CONCURRENT_STREAMS, 0xffff_ffff],
      [SettingId.INITIAL_WINDOW_SIZE, 2 ** 31 - 1],
      [SettingId.ENABLE_CONNECT_PROTOCOL, 1],
    ];
    expect(readAll([encodeSettings(settings), encodeSettings([]), encodeSettingsAck()])).toEqual([
      { kind: 'frame', type: 'SETTINGS', streamId: 0, ack: false, settings },
      { kind: 'frame', type: 'SETTINGS', streamId: 0, ack: false, settings: [] },
      { kind: 'frame', type: 'SETTINGS', streamId: 0, ack: true, settings: [] },
    ]);
  });

  it('PING and PING ACK', () => {
    const opaque = Buffer.from('\x00\x01\x02\x03\xfc\xfd\xfe\xff', 'latin1');
    expect(readAll([encodePing(opaque, false), encodePing(opaque, true)])).toEqual([
      { kind: 'frame', type: 'PING', streamId: 0, ack: false, opaque: 'hex:00010203fcfdfeff' },
      { kind: 'frame', type: 'PING', streamId: 0, ack: true, opaque: 'hex:00010203fcfdfeff' },
    ]);
  });

  it('GOAWAY with and without debug data', () => {
    expect(readAll([encodeGoaway(0x7fff_ffff, ErrorCode.ENHANCE_YOUR_CALM, Buffer.from('slow down')), encodeGoaway(0, ErrorCode.NO_ERROR)])).toEqual([
      { kind: 'frame', type: 'GOAWAY', streamId: 0, lastStreamId: 0x7fff_ffff, errorCode: ErrorCode.ENHANCE_YOUR_CALM, debug: h('slow down') },
      { kind: 'frame', type: 'GOAWAY', streamId: 0, lastStreamId: 0, errorCode: 0, debug: 'hex:' },
    ]);
  });

  it('WINDOW_UPDATE on the connection and on a stream', () => {
    expect(readAll([encodeWindowUpdate(0, 2 ** 31 - 1), encodeWindowUpdate(3, 1)])).toEqual([
      { kind: 'frame', type: 'WINDOW_UPDATE', streamId: 0, increment: 2 ** 31 - 1 },
      { kind: 'frame', type: 'WINDOW_UPDATE', streamId: 3, increment: 1 },
    ]);
  });

  it('PUSH_PROMISE and CONTINUATION built with encodeFrame', () => {
    const promised = Buffer.from([0, 0, 0, 2]);
    expect(readAll([
      encodeFrame(FrameType.PUSH_PROMISE, FrameFlag.PADDED, 1, Buffer.concat([Buffer.from([2]), promised, Buffer.from('pp'), Buffer.alloc(2)])),
      encodeFrame(FrameType.CONTINUATION, FrameFlag.END_HEADERS, 1, Buffer.from('more')),
    ])).toEqual([
      { kind: 'frame', type: 'PUSH_PROMISE', streamId: 1, endHeaders: false, promisedStreamId: 2, fragment: h('pp') },
      { kind: 'frame', type: 'CONTINUATION', streamId: 1, endHeaders: true, fragment: h('more') },
    ]);
  });
});

describe('frame encoders write the wire format of §4.1', () => {
  it('a frame header: 24-bit length, type, flags, 31-bit stream id', () => {
    expect(encodeData(0x0102_0304, Buffer.from([0xaa]), true).toString('hex')).toBe('000001' + '00' + '01' + '01020304' + 'aa');
    expect(encodeSettingsAck().toString('hex')).toBe('000000' + '04' + '01' + '00000000');
    expect(encodeWindowUpdate(1, 0x10).toString('hex')).toBe('000004' + '08' + '00' + '00000001' + '00000010');
    expect(encodeRstStream(3, 0x8).toString('hex')).toBe('000004' + '03' + '00' + '00000003' + '00000008');
  });

  it('encodeFrame writes the stream id as given, reserved bit included, for tests', () => {
    expect(encodeFrame(0xff, 0xff, 0x8000_0001, Buffer.from([1])).toString('hex')).toBe('000001' + 'ff' + 'ff' + '80000001' + '01');
  });

  it('writeFrameHeader writes at an offset', () => {
    const out = Buffer.alloc(12, 0xee);
    writeFrameHeader(out, 2, 0xabcdef, 9, 4, 5);
    expect(out.toString('hex')).toBe('eeee' + 'abcdef' + '09' + '04' + '00000005' + 'ee');
  });
});

describe('frame encoders refuse what cannot go on the wire', () => {
  it('throws RangeError on impossible arguments', () => {
    expect(() => writeFrameHeader(Buffer.alloc(9), 0, 2 ** 24, 0, 0, 1)).toThrow(RangeError);
    expect(() => encodeData(0, Buffer.alloc(1), false)).toThrow(RangeError);
    expect(() => encodeData(2 ** 31, Buffer.alloc(1), false)).toThrow(RangeError);
    expect(() => encodeHeaders(0, Buffer.alloc(1), false, 16_384)).toThrow(RangeError);
    expect(() => encodeHeaders(1, Buffer.alloc(1), false, 100)).toThrow(RangeError);
    expect(() => encodeRstStream(0, 0)).toThrow(RangeError);
    expect(() => encodePing(Buffer.alloc(7), false)).toThrow(RangeError);
    expect(() => encodeWindowUpdate(1, 0)).toThrow(RangeError);
    expect(() => encodeWindowUpdate(1, 2 ** 31)).toThrow(RangeError);
    expect(() => encodeGoaway(-1, 0)).toThrow(RangeError);
    expect(() => encodePriority(1, { exclusive: false, dependency: 0, weight: 0 })).toThrow(RangeError);
    expect(() => encodePriority(1, { exclusive: false, dependency: 0, weight: 257 })).toThrow(RangeError);
  });
});

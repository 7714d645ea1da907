import { describe, expect, it } from 'vitest';
import { ErrorCode, FrameFlag, FrameType } from '../../../server/http2/frames/constants.js';
import { encodeData, encodeFrame, encodeGoaway, encodePing, encodeRstStream, encodeSettings } from '../../../server/http2/frames/frame-writer.js';
import { RawH2Client } from '../../h2/raw-h2-client.js';
import type { CaseContext } from './case.js';
import { commonHeaders, dummyHeaders, h2spec, pingData } from './h2spec-client.js';
import { goawayWithCode, rstStreamWithCode, verifyConnectionClose, verifyConnectionError, verifyHeadersFrame, verifyPingFrameOrConnectionClose, verifyPingFrameWithAck, verifySettingsFrameWithAck, verifyStreamError } from './h2spec-verify.js';
import type { H2Conn } from './target.js';
import { watch, type Expectation } from './verify.js';
import { Waiters } from './waiters.js';

/** A connection with no socket: what the client writes is kept, the server's bytes are fed in. */
function fakeConn(): H2Conn & { written: Buffer[]; feed(bytes: Buffer): void; end(how?: string): void } {
  const waiters = new Waiters((ms, fire) => {
    const t = setTimeout(fire, ms);
    return { cancel: () => clearTimeout(t) };
  });
  const written: Buffer[] = [];
  const conn = {
    written,
    client: new RawH2Client({ write: (b) => written.push(b) }),
    closed: false,
    closedHow: null as string | null,
    writeFailed: null,
    until: (pred: () => boolean, ms: number) => waiters.until(pred, ms),
    pauseReading() {},
    resumeReading() {},
    flushed: () => Promise.resolve(true),
    close() {},
    feed(bytes: Buffer) {
      conn.client.receive(bytes);
      waiters.notify();
    },
    end(how = 'FIN') {
      conn.closed = true;
      conn.closedHow = how;
      waiters.notify();
    },
  };
  return conn;
}

const ctx = { timeoutMs: 50, strict: false, path: '/', postPath: '/post', largePath: '/large', authority: 'www.example.com', scheme: 'http' } as unknown as CaseContext;

/** The verdict of `rule` on the server's `frames`, then a close if `close`. */
async function judge(rule: Expectation, frames: Buffer[], close?: 'FIN' | 'RST'): Promise<boolean> {
  const conn = fakeConn();
  const pending = watch(conn, ctx, 0, rule, 50);
  for (const f of frames) conn.feed(f);
  if (close !== undefined) conn.end(close);
  return (await pending).passed;
}

describe("h2spec's client (spec/connection.go)", () => {
  it('encodes field blocks as Go\'s hpack.Encoder: RFC 7541 C.4.1 and C.4.2, octet for octet', () => {
    const h = h2spec(fakeConn());
    // Everything indexed, strings Huffman-coded when shorter: exactly the RFC's examples.
    expect(h.encodeHeaders(commonHeaders(ctx)).toString('hex')).toBe('828684418cf1e3c2e5f23a6ba0ab90f4ff');
    expect(h.encodeHeaders([...commonHeaders(ctx), ['cache-control', 'no-cache']]).toString('hex')).toBe('828684be5886a8eb10649cbf');
    // POST goes to the post path; a size update opens the next block (0x3f 0x61 = 128).
    expect(commonHeaders(ctx, 'POST')).toEqual([[':method', 'POST'], [':scheme', 'http'], [':path', '/post'], [':authority', 'www.example.com']]);
    h.setMaxDynamicTableSize(128);
    expect(h.encodeHeaders([[':method', 'GET']]).toString('hex')).toBe('3f6182');
  });

  it('writes frames as Go\'s Framer: priority only when not zero, padding after the block', () => {
    const conn = fakeConn();
    const h = h2spec(conn);
    const block = Buffer.from([0x82]);
    h.writeHeaders({ streamId: 1, endStream: true, endHeaders: true, block, priority: { dependency: 0, exclusive: false, weight: 0 } });
    h.writeHeaders({ streamId: 3, endStream: false, endHeaders: false, block, priority: { dependency: 1, exclusive: true, weight: 255 }, padLength: 2 });
    h.writeDataPadded(1, true, 'test', Buffer.alloc(5));
    h.send('\x00\x00\x08\x06\x00\x00\x00\x00\x03').send(Buffer.alloc(8));
    expect(conn.written.map((b) => b.toString('hex'))).toEqual([
      encodeFrame(FrameType.HEADERS, FrameFlag.END_STREAM | FrameFlag.END_HEADERS, 1, block).toString('hex'),
      encodeFrame(FrameType.HEADERS, FrameFlag.PADDED | FrameFlag.PRIORITY, 3, Buffer.from([2, 0x80, 0, 0, 1, 255, 0x82, 0, 0])).toString('hex'),
      encodeFrame(FrameType.DATA, FrameFlag.END_STREAM | FrameFlag.PADDED, 1, Buffer.from('05746573740000000000', 'hex')).toString('hex'),
      '000008060000000003',
      '0000000000000000',
    ]);
    expect(pingData('h2spec').toString('latin1')).toBe('h2spec\0\0');
    expect(dummyHeaders(2)).toEqual([['x-dummy0', 'x'.repeat(4000)], ['x-dummy1', 'x'.repeat(4000)]]);
  });

  it('credits DATA back when a 65,535-octet window reaches 0, as Conn.updateWindowSize', () => {
    const conn = fakeConn();
    h2spec(conn);
    conn.feed(Buffer.concat([encodeData(1, Buffer.alloc(16_384), false), encodeData(1, Buffer.alloc(16_384), false), encodeData(1, Buffer.alloc(16_384), false)]));
    expect(conn.written).toEqual([]);
    conn.feed(encodeData(1, Buffer.alloc(16_383), false));
    // 65,535 octets: both windows at 0, each credited 65,535.
    expect(conn.written.map((b) => b.toString('hex'))).toEqual(['000004080000000001' + '0000ffff', '000004080000000000' + '0000ffff']);
    conn.feed(encodeData(3, Buffer.alloc(10), true));
    expect(conn.written).toHaveLength(2);
  });
});

describe("h2spec's verdicts (spec/verifier.go)", () => {
  const goaway = (code: number) => encodeGoaway(0, code);

  it('6.9.1/2: the first GOAWAY decides by its code; a close without one fails', async () => {
    expect(await judge(goawayWithCode(ErrorCode.FLOW_CONTROL_ERROR), [goaway(ErrorCode.FLOW_CONTROL_ERROR)])).toBe(true);
    // node:http2: GOAWAY(INTERNAL_ERROR), then the close. A connection error would pass that.
    expect(await judge(goawayWithCode(ErrorCode.FLOW_CONTROL_ERROR), [goaway(ErrorCode.INTERNAL_ERROR)], 'FIN')).toBe(false);
    expect(await judge(verifyConnectionError(ErrorCode.FLOW_CONTROL_ERROR), [goaway(ErrorCode.INTERNAL_ERROR)], 'FIN')).toBe(true);
    expect(await judge(goawayWithCode(ErrorCode.FLOW_CONTROL_ERROR), [], 'FIN')).toBe(false);
  });

  it('5.4.1/1: only the close counts; a GOAWAY that leaves the connection open fails', async () => {
    expect(await judge(verifyConnectionClose(), [goaway(ErrorCode.PROTOCOL_ERROR)], 'FIN')).toBe(true);
    expect(await judge(verifyConnectionClose(), [goaway(ErrorCode.FRAME_SIZE_ERROR)])).toBe(false);
    expect(await judge(verifyConnectionClose(), [], 'RST')).toBe(true);
    // A FIN inside a frame is Go's io.ErrUnexpectedEOF, a read error: not a close.
    expect(await judge(verifyConnectionClose(), [goaway(ErrorCode.PROTOCOL_ERROR).subarray(0, 5)], 'FIN')).toBe(false);
  });

  it('stream errors: an RST_STREAM with the code on any stream, a GOAWAY with it, or a close; other codes are passed over', async () => {
    expect(await judge(verifyStreamError(ErrorCode.STREAM_CLOSED), [encodeRstStream(3, ErrorCode.STREAM_CLOSED)])).toBe(true);
    expect(await judge(verifyStreamError(ErrorCode.STREAM_CLOSED), [encodeRstStream(1, ErrorCode.NO_ERROR)])).toBe(false);
    expect(await judge(verifyStreamError(ErrorCode.STREAM_CLOSED), [encodeRstStream(1, ErrorCode.NO_ERROR)], 'FIN')).toBe(true);
    // 6.9.1/3: the first RST_STREAM decides; a GOAWAY (even with the code) is passed over.
    expect(await judge(rstStreamWithCode(1, ErrorCode.FLOW_CONTROL_ERROR), [encodeRstStream(1, ErrorCode.NO_ERROR), encodeRstStream(1, ErrorCode.FLOW_CONTROL_ERROR)])).toBe(false);
    expect(await judge(rstStreamWithCode(1, ErrorCode.FLOW_CONTROL_ERROR), [goaway(ErrorCode.FLOW_CONTROL_ERROR)], 'FIN')).toBe(false);
    expect(await judge(rstStreamWithCode(1, ErrorCode.FLOW_CONTROL_ERROR), [encodeRstStream(1, ErrorCode.FLOW_CONTROL_ERROR)])).toBe(true);
  });

  it('WaitEventByType: the first frame of the type decides, others are passed over', async () => {
    const data = pingData('h2spec');
    expect(await judge(verifyPingFrameWithAck(data), [goaway(ErrorCode.NO_ERROR), encodePing(data, true)])).toBe(true);
    expect(await judge(verifyPingFrameWithAck(data), [encodePing(pingData('x'), false), encodePing(data, true)])).toBe(false);
    expect(await judge(verifySettingsFrameWithAck(), [encodeSettings([[3, 100]])])).toBe(false);
    expect(await judge(verifySettingsFrameWithAck(), [encodeFrame(FrameType.SETTINGS, FrameFlag.ACK, 0)])).toBe(true);
    const headers = (id: number) => encodeFrame(FrameType.HEADERS, FrameFlag.END_HEADERS, id, Buffer.from([0x88]));
    expect(await judge(verifyHeadersFrame(1), [encodeRstStream(1, ErrorCode.CANCEL), headers(1)])).toBe(true);
    expect(await judge(verifyHeadersFrame(1), [headers(3), headers(1)])).toBe(false);
    // A PING ACK or a close; a GOAWAY with an error on the way changes nothing.
    expect(await judge(verifyPingFrameOrConnectionClose(data), [goaway(ErrorCode.PROTOCOL_ERROR)], 'FIN')).toBe(true);
  });

  it('a frame the client cannot read ends the wait at once, and fails (Go\'s Framer returns an error)', async () => {
    const conn = fakeConn();
    const pending = watch(conn, ctx, 0, verifyConnectionError(ErrorCode.PROTOCOL_ERROR), 10_000);
    // A PING of 6 octets from the server: unreadable.
    conn.feed(encodeFrame(FrameType.PING, 0, 0, Buffer.alloc(6)));
    const v = await pending;
    expect(v.passed).toBe(false);
    expect(v.actual).toMatch(/unreadable frames from the server/);
    expect(v.actual).not.toMatch(/timeout/);
  });
});

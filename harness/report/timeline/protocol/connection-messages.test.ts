import { describe, expect, it } from 'vitest';
import { CONNECTION_PREFACE, ErrorCode } from '../../../../server/http2/frames/constants.js';
import { encodeData, encodeFrame, encodeGoaway, encodeRstStream, encodeSettings, encodeSettingsAck, encodeWindowUpdate } from '../../../../server/http2/frames/frame-writer.js';
import { HpackEncoder } from '../../../../server/http2/hpack/index.js';
import { connectionMessages } from './connection-messages.js';

const text = (ms: ReadonlyArray<{ text: string }>) => ms.map((m) => m.text);

/** A HEADERS frame with END_HEADERS (and END_STREAM when asked), its block from `encoder`. */
function headers(encoder: HpackEncoder, streamId: number, fields: Array<[string, string]>, endStream: boolean): Buffer {
  return encodeFrame(0x1, 0x4 | (endStream ? 0x1 : 0), streamId, encoder.encode(fields));
}

/** A TLS record (RFC 8446 §5.1) of one handshake message of `type` with `length` body bytes. */
function handshakeRecord(type: number, length: number): Buffer {
  const body = Buffer.alloc(4 + length);
  body[0] = type;
  body.writeUIntBE(length, 1, 3);
  return Buffer.concat([Buffer.from([22, 3, 1, body.length >> 8, body.length & 0xff]), body]);
}

describe('connectionMessages: protocol messages with their offsets', () => {
  it('HTTP/1.1: request lines from the first byte to the blank line, status lines with their body size', () => {
    const client = Buffer.from('GET /a HTTP/1.1\r\nHost: x\r\n\r\nHEAD /b HTTP/1.1\r\nHost: x\r\n\r\n', 'latin1');
    const server = Buffer.from('HTTP/1.1 200 OK\r\ncontent-length: 3\r\n\r\nabcHTTP/1.1 404 Not Found\r\ncontent-length: 9\r\n\r\n', 'latin1');
    const m = connectionMessages(client, server, true);
    expect(m.protocol).toBe('http/1.1');
    expect(m.fromClient).toEqual([
      { start: 0, end: 28, text: 'GET /a HTTP/1.1' },
      { start: 28, end: 57, text: 'HEAD /b HTTP/1.1' },
    ]);
    // The 404 answers a HEAD: no body although it says content-length 9.
    expect(text(m.fromServer)).toEqual(['HTTP/1.1 200 OK (3 B body)', 'HTTP/1.1 404 Not Found (0 B body)']);
    expect(m.fromServer[1]!.start).toBe(41);
    expect(m.notes).toEqual([]);
  });

  it('HTTP/1.1: a response cut short is labelled incomplete, and bytes that are not a request are noted', () => {
    const m = connectionMessages(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\nGET /\n\n', 'latin1'), Buffer.from('HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nabc', 'latin1'), true);
    expect(text(m.fromServer)).toEqual(['HTTP/1.1 200 OK (response incomplete)']);
    expect(m.fromClient[0]!.text).toBe('GET / HTTP/1.1');
    expect(m.fromClient[1]!.text).toMatch(/^unparseable request: /);
    expect(m.notes.some((n) => /stop parsing as HTTP\/1\.1 requests/.test(n))).toBe(true);
  });

  it('HTTP/2: the preface and every frame, HEADERS decoded with HPACK, error codes by name', () => {
    const enc = new HpackEncoder();
    const client = Buffer.concat([
      CONNECTION_PREFACE,
      encodeSettings([[4, 65535]]),
      headers(enc, 1, [[':method', 'GET'], [':scheme', 'http'], [':authority', 'x'], [':path', '/hello']], true),
      encodeWindowUpdate(0, 1000),
      encodeRstStream(1, ErrorCode.CANCEL),
    ]);
    const senc = new HpackEncoder();
    const server = Buffer.concat([
      encodeSettings([]),
      encodeSettingsAck(),
      headers(senc, 1, [[':status', '200']], false),
      encodeData(1, Buffer.alloc(1200), true),
      encodeGoaway(1, ErrorCode.PROTOCOL_ERROR, Buffer.from('bye')),
    ]);
    const m = connectionMessages(client, server, true);
    expect(m.protocol).toBe('h2c');
    expect(text(m.fromClient)).toEqual(['HTTP/2 preface', 'SETTINGS INITIAL_WINDOW_SIZE=65535', 'HEADERS s1 GET /hello END_STREAM', 'WINDOW_UPDATE s0 +1000', 'RST_STREAM s1 CANCEL']);
    expect(m.fromClient[1]).toMatchObject({ start: 24, end: 24 + 9 + 6 });
    expect(text(m.fromServer)).toEqual(['SETTINGS', 'SETTINGS ACK', 'HEADERS s1 :status 200', 'DATA s1 1200 B END_STREAM', 'GOAWAY last 1 PROTOCOL_ERROR "bye"']);
    expect(m.fromServer.at(-1)!.end).toBe(server.length);
  });

  it('HTTP/2: the HPACK context follows the field blocks in order (a repeated field from the dynamic table)', () => {
    const enc = new HpackEncoder();
    const fields = (path: string): Array<[string, string]> => [[':method', 'GET'], [':scheme', 'http'], [':authority', 'example.test'], [':path', path], ['x-long', 'a'.repeat(40)]];
    const client = Buffer.concat([CONNECTION_PREFACE, encodeSettings([]), headers(enc, 1, fields('/one'), true), headers(enc, 3, fields('/two'), true)]);
    const m = connectionMessages(client, Buffer.alloc(0), false);
    expect(text(m.fromClient).slice(2)).toEqual(['HEADERS s1 GET /one END_STREAM', 'HEADERS s3 GET /two END_STREAM']);
  });

  it('HTTP/2 after an h2c Upgrade: the request line, the 101, then frames on both sides', () => {
    const client = Buffer.concat([Buffer.from('GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\n', 'latin1'), CONNECTION_PREFACE, encodeSettings([])]);
    const server = Buffer.concat([Buffer.from('HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n', 'latin1'), encodeSettings([]), headers(new HpackEncoder(), 1, [[':status', '200']], true)]);
    const m = connectionMessages(client, server, true);
    expect(m.protocol).toBe('h2c-upgrade');
    expect(text(m.fromClient)).toEqual(['GET / HTTP/1.1', 'HTTP/2 preface', 'SETTINGS']);
    expect(text(m.fromServer)).toEqual(['HTTP/1.1 101 Switching Protocols', 'SETTINGS', 'HEADERS s1 :status 200 END_STREAM']);
  });

  it('TLS: records without decryption, handshake names while in the clear, a message over two records', () => {
    const certificate = handshakeRecord(11, 3000);
    // Cut the Certificate message over two records, as a server with a long chain does.
    const body = certificate.subarray(5);
    const split = Buffer.concat([Buffer.from([22, 3, 3, 0x03, 0xe8]), body.subarray(0, 1000), Buffer.from([22, 3, 3, (body.length - 1000) >> 8, (body.length - 1000) & 0xff]), body.subarray(1000)]);
    const client = Buffer.concat([handshakeRecord(1, 200), Buffer.from([20, 3, 3, 0, 1, 1]), Buffer.from([23, 3, 3, 0, 40]), Buffer.alloc(40)]);
    const server = Buffer.concat([handshakeRecord(2, 80), split, Buffer.from([21, 3, 3, 0, 2, 2, 40])]);
    const m = connectionMessages(client, server, true);
    expect(m.protocol).toBe('tls');
    expect(text(m.fromClient)).toEqual(['TLS ClientHello', 'TLS ChangeCipherSpec', 'TLS app data 40 B']);
    // A ServerHello alone in its record reads as TLS 1.3: what follows is taken as encrypted.
    expect(text(m.fromServer)).toEqual(['TLS ServerHello', 'TLS handshake (encrypted)', 'TLS handshake (encrypted)', 'TLS alert (encrypted)']);
  });

  it('TLS 1.2: ServerHello, Certificate over two records and ServerHelloDone in the clear, alerts by name', () => {
    const hello = handshakeRecord(2, 80);
    const cert = handshakeRecord(11, 1500).subarray(5);
    const done = Buffer.from([14, 0, 0, 0]);
    const first = Buffer.concat([hello.subarray(5), cert.subarray(0, 600)]);
    const second = Buffer.concat([cert.subarray(600), done]);
    const rec = (b: Buffer) => Buffer.concat([Buffer.from([22, 3, 3, b.length >> 8, b.length & 0xff]), b]);
    const server = Buffer.concat([rec(first), rec(second), Buffer.from([21, 3, 3, 0, 2, 2, 40])]);
    const m = connectionMessages(Buffer.concat([handshakeRecord(1, 100)]), server, true);
    expect(text(m.fromServer)).toEqual(['TLS ServerHello, Certificate', 'TLS handshake (continued), ServerHelloDone', 'TLS alert fatal handshake_failure']);
  });
});

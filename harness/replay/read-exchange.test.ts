import { describe, expect, it } from 'vitest';
import { CONNECTION_PREFACE, ErrorCode } from '../../server/http2/frames/constants.js';
import { encodeData, encodeGoaway, encodeHeaders, encodeRstStream, encodeSettings } from '../../server/http2/frames/frame-writer.js';
import { HpackEncoder } from '../../server/http2/hpack/index.js';
import { readExchange, wireProtocol } from './read-exchange.js';

const b = (s: string) => Buffer.from(s, 'latin1');
const OPEN = { ended: true, reset: false };

describe('wireProtocol: what the client\'s first bytes say', () => {
  it('TLS, the HTTP/2 preface (whole or begun), HTTP/1.1, nothing', () => {
    expect(wireProtocol(Buffer.from([0x16, 0x03, 0x01]))).toBe('tls');
    expect(wireProtocol(CONNECTION_PREFACE)).toBe('h2c');
    expect(wireProtocol(CONNECTION_PREFACE.subarray(0, 5))).toBe('h2c');
    expect(wireProtocol(b('PRX'))).toBe('http/1.1');
    expect(wireProtocol(b('GET / HTTP/1.1\r\n'))).toBe('http/1.1');
    expect(wireProtocol(Buffer.alloc(0))).toBe('none');
  });
});

describe('readExchange: HTTP/1.1', () => {
  it('requests with the server\'s parser (HEAD answered without a body), responses with the strict parser', () => {
    const r = readExchange(
      b('HEAD /a HTTP/1.1\r\nHost: h\r\n\r\nPOST /b HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nxyz'),
      b('HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nHTTP/1.1 201 Created\r\ncontent-length: 2\r\n\r\nok'),
      OPEN,
    );
    expect(r.requests).toEqual([{ method: 'HEAD', target: '/a' }, { method: 'POST', target: '/b' }]);
    expect(r.responses.map((x) => [x.status, x.bodyBytes, x.complete])).toEqual([[200, 0, true], [201, 2, true]]);
    expect(r.malformed).toEqual([]);
    expect(r.requestError).toBeNull();
  });

  it('a request that breaks a rule is reported where it breaks', () => {
    const r = readExchange(b('GET /ok HTTP/1.1\r\nHost: h\r\n\r\nGET /x HTTP/1.1\r\nHost : h\r\n\r\n'), b(''), OPEN);
    expect(r.requests).toEqual([{ method: 'GET', target: '/ok' }]);
    expect(r.requestError).toMatch(/^400 whitespace-before-colon at byte \d+/);
  });

  it('malformed answers, and bytes left after the last complete one on a clean close, are what a misbehaving server looks like', () => {
    expect(readExchange(b('GET / HTTP/1.1\r\n\r\n'), b('HTTP/1.1 200 OK\r\nbroken\r\n\r\n'), OPEN).malformed[0]).toMatch(/not well-formed HTTP\/1\.1 responses: bad field line/);
    const cut = readExchange(b('GET / HTTP/1.1\r\n\r\n'), b('HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nshort'), OPEN);
    expect(cut.malformed[0]).toMatch(/^\d+ byte\(s\) after the last complete response: /);
    // After a reset a response cut short is the reset's doing.
    expect(readExchange(b('GET / HTTP/1.1\r\n\r\n'), b('HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nshort'), { ended: true, reset: true }).malformed).toEqual([]);
  });

  it('TLS bytes are refused, not guessed at', () => {
    expect(() => readExchange(Buffer.from([0x16, 3, 1, 0, 5]), Buffer.alloc(0), OPEN)).toThrow(/TLS/);
  });
});

describe('readExchange: HTTP/2', () => {
  const request = new HpackEncoder({ huffman: 'never' });
  const response = new HpackEncoder({ huffman: 'always' });
  const client = Buffer.concat([
    CONNECTION_PREFACE,
    encodeSettings([]),
    ...encodeHeaders(1, request.encode([[':method', 'GET'], [':scheme', 'http'], [':path', '/hello'], [':authority', 'h']]), true, 16384),
    ...encodeHeaders(3, request.encode([[':method', 'POST'], [':scheme', 'http'], [':path', '/echo'], [':authority', 'h']]), false, 16384),
    encodeData(3, b('abc'), true),
  ]);
  const server = Buffer.concat([
    encodeSettings([]),
    ...encodeHeaders(3, response.encode([[':status', '200']]), false, 16384),
    ...encodeHeaders(1, response.encode([[':status', '404']]), false, 16384),
    encodeData(1, b('nope'), true),
    encodeData(3, b('ab'), false),
    encodeRstStream(3, ErrorCode.CANCEL),
    encodeGoaway(3, ErrorCode.NO_ERROR, b('bye')),
  ]);

  it('requests from the client\'s HEADERS, answers per stream with bodies, resets and GOAWAY', () => {
    const r = readExchange(client, server, OPEN);
    expect(r.protocol).toBe('h2c');
    expect(r.requests).toEqual([{ method: 'GET', target: '/hello', stream: 1 }, { method: 'POST', target: '/echo', stream: 3 }]);
    expect(r.responses.map((x) => [x.stream, x.status, x.bodyBytes, x.complete])).toEqual([[3, 200, 2, false], [1, 404, 4, true]]);
    expect(r.resets).toEqual([{ stream: 3, code: 'CANCEL' }]);
    expect(r.goaways).toEqual([{ lastStreamId: 3, code: 'NO_ERROR', debug: 'bye' }]);
    expect(r.malformed).toEqual([]);
    expect(r.requestError).toBeNull();
  });

  it('the server\'s bytes ending inside a frame, or an undecodable frame, are malformed', () => {
    expect(readExchange(client, server.subarray(0, server.length - 3), OPEN).malformed).toEqual(['the server\'s bytes end inside an HTTP/2 frame']);
    const bad = Buffer.concat([encodeSettings([]), Buffer.from([0, 0, 4, 0x3, 0, 0, 0, 0, 0, 0, 0, 0, 0])]); // RST_STREAM on stream 0
    expect(readExchange(client, bad, OPEN).malformed[0]).toMatch(/undecodable HTTP\/2 frame: RST_STREAM frame on stream 0/);
  });
});

import { describe, expect, it } from 'vitest';
import { BAD, GOOD } from './test-support/corpus.js';
import { parseAll, splits } from './test-support/parse-all.js';
import { RequestParser } from './request-parser.js';
import { DEFAULT_HTTP1_LIMITS } from './limits.js';

const bytes = (s: string) => Buffer.from(s, 'latin1');

describe('RequestParser on the well-formed corpus', () => {
  for (const c of GOOD) {
    it(`${c.name}: same result split at every byte offset`, () => {
      const input = bytes(c.raw);
      const whole = parseAll([input]);
      expect(whole.error).toBeNull();
      expect(whole.messages).toHaveLength(c.expect.length);
      c.expect.forEach((want, k) => {
        const got = whole.messages[k]!;
        expect(got.head.method).toBe(want.method);
        expect(got.head.target).toBe(want.target);
        if (want.body !== undefined) expect(got.body).toBe(want.body);
        if (want.versionMinor !== undefined) expect(got.head.versionMinor).toBe(want.versionMinor);
        if (want.keepAlive !== undefined) expect(got.head.keepAlive).toBe(want.keepAlive);
        if (want.authority !== undefined) expect(got.head.authority).toBe(want.authority);
        if (want.trailers !== undefined) expect(got.trailers).toEqual(want.trailers);
        if (want.expectContinue !== undefined) expect(got.head.expectContinue).toBe(want.expectContinue);
        if (want.upgrade !== undefined) expect(got.head.upgrade).toBe(want.upgrade);
      });
      for (const pieces of splits(input)) expect(parseAll(pieces)).toEqual(whole);
    });
  }
});

describe('RequestParser on the malformed corpus', () => {
  for (const c of BAD) {
    it(`${c.name}: ${c.status} ${c.code} at the same offset, however split`, () => {
      const input = bytes(c.raw);
      const whole = parseAll([input]);
      expect(whole.error).toMatchObject({ status: c.status, code: c.code });
      expect(whole.messages).toHaveLength(c.before ?? 0);
      expect(whole.error!.offset).toBeGreaterThanOrEqual(0);
      expect(whole.error!.offset).toBeLessThanOrEqual(input.length);
      // Limits are checked while a line is still arriving, and reported at the first octet past
      // the limit, so even the offset is the same however the input is cut (the h1-request fuzz
      // target found it was not: it used to be the end of the piece that crossed the limit).
      for (const pieces of splits(input)) expect(parseAll(pieces)).toEqual(whole);
    });
  }
});

describe('RequestParser diagnostics', () => {
  it('reports a line over its limit at the first octet past the limit', () => {
    const limits = { maxRequestLineBytes: 20 };
    const raw = `GET /${'a'.repeat(40)} HTTP/1.1\r\n\r\n`;
    // The request line may take 20 octets plus its CRLF; octet 22 is the first one too many.
    const expected = { status: 414, code: 'request-line-too-long', offset: 22 };
    expect(parseAll([bytes(raw)], limits).error).toEqual(expected);
    expect(parseAll([bytes(raw.slice(0, 30)), bytes(raw.slice(30))], limits).error).toEqual(expected);
    expect(parseAll([...bytes(raw)].map((b) => Buffer.from([b])), limits).error).toEqual(expected);
  });

  it('points at the offending octet', () => {
    const raw = 'GET / HTTP/1.1\r\nHost: a\r\nX-A: a\x00b\r\n\r\n';
    const got = parseAll([bytes(raw)]);
    expect(got.error).toEqual({ status: 400, code: 'nul-octet', offset: raw.indexOf('\x00') });
  });

  it('counts offsets across pipelined requests on one connection', () => {
    const first = 'GET /a HTTP/1.1\r\nHost: a\r\n\r\n';
    const second = 'GET /b HTTP/1.1\r\nHost: a\r\nBad Name: 1\r\n\r\n';
    const got = parseAll([bytes(first + second)]);
    expect(got.messages).toHaveLength(1);
    expect(got.error).toEqual({ status: 400, code: 'whitespace-before-colon', offset: first.length + second.indexOf(' Name') });
  });

  it('reports an over-long request line before its end arrives', () => {
    const events: string[] = [];
    const parser = new RequestParser(
      { onHead: () => events.push('head'), onBody: () => {}, onTrailers: () => {}, onMessageEnd: () => {} },
      { ...DEFAULT_HTTP1_LIMITS, maxRequestLineBytes: 100 },
    );
    // 200 bytes and no LF yet: the parser must not keep buffering.
    expect(() => parser.execute(bytes('GET /' + 'a'.repeat(195)))).toThrow(/414/);
    expect(events).toEqual([]);
  });

  it('stops at each message end so the caller controls pipelining', () => {
    const input = bytes('GET /a HTTP/1.1\r\nHost: a\r\n\r\nGET /b HTTP/1.1\r\nHost: a\r\n\r\n');
    const heads: string[] = [];
    const parser = new RequestParser(
      { onHead: (h) => heads.push(h.target), onBody: () => {}, onTrailers: () => {}, onMessageEnd: () => {} },
      DEFAULT_HTTP1_LIMITS,
    );
    const first = parser.execute(input);
    expect(heads).toEqual(['/a']);
    expect(first).toBe(input.indexOf('GET /b'));
    expect(parser.idle).toBe(true);
    expect(parser.execute(input, first)).toBe(input.length);
    expect(heads).toEqual(['/a', '/b']);
  });

  it('delivers body slices as views without copying the input', () => {
    const input = bytes('POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\nbody');
    const slices: Buffer[] = [];
    const parser = new RequestParser({ onHead: () => {}, onBody: (b) => slices.push(b), onTrailers: () => {}, onMessageEnd: () => {} }, DEFAULT_HTTP1_LIMITS);
    parser.execute(input);
    expect(slices).toHaveLength(1);
    expect(slices[0]!.buffer).toBe(input.buffer);
  });
});

describe('RequestParser cost stays linear', () => {
  // Not a timing assertion: we count the bytes the parser copies while joining partial lines.
  // A quadratic implementation re-copies the accumulated prefix on every piece.
  it('1-byte reads of a large header section copy each byte a bounded number of times', () => {
    const raw = bytes(`GET / HTTP/1.1\r\nHost: a\r\n${'X-Long: ' + 'v'.repeat(12000)}\r\n\r\n`);
    const concat = Buffer.concat;
    let copied = 0;
    Buffer.concat = ((list: readonly Uint8Array[], total?: number) => {
      const out = concat(list, total);
      copied += out.length;
      return out;
    }) as typeof Buffer.concat;
    try {
      const got = parseAll([...raw].map((b) => Buffer.from([b])));
      expect(got.error).toBeNull();
      expect(got.messages).toHaveLength(1);
    } finally {
      Buffer.concat = concat;
    }
    expect(copied).toBeLessThanOrEqual(raw.length * 2);
  });

  it('many tiny chunked-body pieces are handled one pass each', () => {
    const chunks = Array.from({ length: 5000 }, () => '1\r\nx\r\n').join('');
    const raw = bytes(`POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n${chunks}0\r\n\r\n`);
    const got = parseAll([...raw].map((b) => Buffer.from([b])));
    expect(got.error).toBeNull();
    expect(got.messages[0]!.body).toBe('x'.repeat(5000));
  });
});

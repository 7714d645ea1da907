import { describe, expect, it } from 'vitest';
import { patternBytes } from '../../server/demo/demo-routes.js';
import { DEMO_PATTERN_PERIOD, DownloadError, ResponseReader, firstDifference, mbPerSec, parseResponseHead, periodicExpected, planRequests } from './download.js';

const HEAD = 'HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\nContent-Length: 1000\r\ndate: x\r\n\r\n';

/** A response as the demo server sends it: head + `size` pattern bytes. */
function response(size: number, head = HEAD.replace('1000', String(size))): Buffer {
  return Buffer.concat([Buffer.from(head, 'latin1'), patternBytes(0, size)]);
}

/** Feeds `buf` in pieces of `step` bytes; returns the reader and the feed() results. */
function feedAll(reader: ResponseReader, buf: Buffer, step: number): boolean[] {
  const results: boolean[] = [];
  for (let o = 0; o < buf.length; o += step) results.push(reader.feed(buf.subarray(o, o + step)));
  return results;
}

describe('planRequests', () => {
  it('uses one request when the size is within the limit', () => {
    expect(planRequests(1024 ** 3, 1024 ** 3)).toEqual([1024 ** 3]);
    expect(planRequests(5, 100)).toEqual([5]);
  });

  it('splits into as few, near-equal requests as needed, summing to the total', () => {
    expect(planRequests(10, 4)).toEqual([4, 3, 3]);
    expect(planRequests(1024 ** 3, 300 * 1024 ** 2)).toEqual([268435456, 268435456, 268435456, 268435456]);
    const parts = planRequests(1024 ** 3 + 7, 100_000_000);
    expect(parts.length).toBe(11);
    expect(parts.reduce((a, b) => a + b, 0)).toBe(1024 ** 3 + 7);
    expect(Math.max(...parts)).toBeLessThanOrEqual(100_000_000);
    expect(Math.max(...parts) - Math.min(...parts)).toBeLessThanOrEqual(1);
  });

  it('refuses sizes that are not positive integers', () => {
    expect(() => planRequests(0, 10)).toThrow(RangeError);
    expect(() => planRequests(1.5, 10)).toThrow(RangeError);
    expect(() => planRequests(10, 0)).toThrow(RangeError);
  });
});

describe('mbPerSec', () => {
  it('is 10^6 bytes per second', () => {
    expect(mbPerSec(2e6, 1000)).toBe(2);
    expect(mbPerSec(1024 ** 3, 2000)).toBeCloseTo(536.87, 2);
    expect(mbPerSec(1, 0)).toBe(0);
  });
});

describe('the demo pattern', () => {
  it(`repeats every ${DEMO_PATTERN_PERIOD} bytes (what periodicExpected and the blast server rely on)`, () => {
    const a = patternBytes(0, 10_000);
    expect(patternBytes(DEMO_PATTERN_PERIOD, 10_000).equals(a)).toBe(true);
    expect(patternBytes(DEMO_PATTERN_PERIOD * 12_345, 10_000).equals(a)).toBe(true);
    // ...and not more often, so a shifted stream is caught.
    for (let p = 1; p < DEMO_PATTERN_PERIOD; p++) expect(patternBytes(p, 200).equals(a.subarray(0, 200))).toBe(false);
  });

  it('periodicExpected gives the same bytes as patternBytes at any offset', () => {
    const fast = periodicExpected(patternBytes, DEMO_PATTERN_PERIOD, 4096);
    for (const [start, len] of [[0, 1], [0, 4096], [51, 100], [52, 4096], [1_000_003, 777], [2 ** 30 - 5, 5]] as const) {
      expect(fast(start, len).equals(patternBytes(start, len))).toBe(true);
    }
    // Longer than the precomputed window: falls back to the pattern itself.
    expect(fast(10, 5000).equals(patternBytes(10, 5000))).toBe(true);
  });
});

describe('firstDifference', () => {
  it('is -1 for equal buffers, else the first differing index', () => {
    expect(firstDifference(Buffer.from('abc'), Buffer.from('abc'))).toBe(-1);
    expect(firstDifference(Buffer.from('abc'), Buffer.from('abd'))).toBe(2);
    expect(firstDifference(Buffer.from('abc'), Buffer.from('ab'))).toBe(2);
  });
});

describe('parseResponseHead', () => {
  it('waits for the blank line, then reads status, headers (lower-cased) and the head length', () => {
    const full = Buffer.from(HEAD + 'BODY', 'latin1');
    expect(parseResponseHead(full.subarray(0, HEAD.length - 1))).toBeNull();
    const head = parseResponseHead(full)!;
    expect(head.status).toBe(200);
    expect(head.headers).toEqual({ 'content-type': 'application/octet-stream', 'content-length': '1000', date: 'x' });
    expect(head.length).toBe(HEAD.length);
    expect(parseResponseHead(Buffer.from('HTTP/1.0 404\r\n\r\n'))).toEqual({ status: 404, headers: {}, length: 16 });
  });

  it('rejects a malformed status line or header, and a head that never ends', () => {
    expect(() => parseResponseHead(Buffer.from('HTTP/2 200 OK\r\n\r\n'))).toThrow(DownloadError);
    expect(() => parseResponseHead(Buffer.from('HTTP/1.1 200 OK\r\nno colon\r\n\r\n'))).toThrow(/bad header line/);
    expect(() => parseResponseHead(Buffer.alloc(70 * 1024, 0x61))).toThrow(/longer than/);
  });
});

describe('ResponseReader', () => {
  it('counts the body however the reads split it, head included', () => {
    for (const step of [1, 7, 80, 333, 100_000]) {
      const size = 5000;
      const r = new ResponseReader(size, patternBytes, 'ends');
      const results = feedAll(r, response(size), step);
      expect(results.at(-1)).toBe(true);
      expect(results.slice(0, -1).every((x) => !x)).toBe(true);
      expect(r.bodyBytes).toBe(size);
      expect(r.complete).toBe(true);
      expect(() => r.finish()).not.toThrow();
    }
  });

  it("checks the first and last piece in 'ends' mode, every piece in 'all' mode", () => {
    const buf = response(10_000);
    const ends = new ResponseReader(10_000, patternBytes, 'ends');
    feedAll(ends, buf, 1000);
    expect(ends.checkedPieces).toBe(2);
    const all = new ResponseReader(10_000, periodicExpected(patternBytes, DEMO_PATTERN_PERIOD, 2048), 'all');
    feedAll(all, buf, 1000);
    expect(all.checkedBytes).toBe(10_000);
  });

  it('finds a wrong byte in the first or last piece (ends) or anywhere (all)', () => {
    const size = 10_000;
    const headLen = HEAD.replace('1000', String(size)).length;
    const corrupt = (bodyOffset: number): Buffer => {
      const b = Buffer.from(response(size));
      b[headLen + bodyOffset] = 0x30;
      return b;
    };
    expect(() => feedAll(new ResponseReader(size, patternBytes, 'ends'), corrupt(3), 1000)).toThrow(/body byte 3 is 0x30/);
    expect(() => feedAll(new ResponseReader(size, patternBytes, 'ends'), corrupt(size - 1), 1000)).toThrow(/body byte 9999/);
    // The middle is only looked at in 'all' mode.
    expect(() => feedAll(new ResponseReader(size, patternBytes, 'ends'), corrupt(5000), 1000)).not.toThrow();
    expect(() => feedAll(new ResponseReader(size, patternBytes, 'all'), corrupt(5000), 1000)).toThrow(/body byte 5000/);
  });

  it('does not keep the caller buffer: a head split across reads survives the buffer being overwritten', () => {
    const buf = response(100);
    const r = new ResponseReader(100, patternBytes, 'all');
    const scratch = Buffer.alloc(buf.length);
    for (const [from, to] of [[0, 20], [20, 60], [60, buf.length]] as const) {
      buf.copy(scratch, 0, from, to);
      r.feed(scratch.subarray(0, to - from));
      scratch.fill(0);
    }
    expect(r.complete).toBe(true);
  });

  it('refuses a wrong status, length or encoding, extra bytes, and a short body', () => {
    const reject = (buf: Buffer, size: number) => () => feedAll(new ResponseReader(size, patternBytes, 'ends'), buf, 64);
    expect(reject(response(10, 'HTTP/1.1 404 Not Found\r\ncontent-length: 10\r\n\r\n'), 10)).toThrow(/status 404/);
    expect(reject(Buffer.from('HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\n'), 11)).toThrow(/content-length "10", expected 11/);
    expect(reject(response(10, 'HTTP/1.1 200 OK\r\n\r\n'), 10)).toThrow(/content-length missing/);
    expect(reject(response(10, 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n'), 10)).toThrow(/transfer-encoding/);
    expect(reject(response(10, 'HTTP/1.1 200 OK\r\ncontent-length: 10\r\ncontent-encoding: gzip\r\n\r\n'), 10)).toThrow(/content-encoding gzip/);
    expect(reject(Buffer.concat([response(10), Buffer.from('X')]), 10)).toThrow(/more body than content-length/);

    const short = new ResponseReader(10, patternBytes, 'ends');
    short.feed(response(10).subarray(0, -3));
    expect(() => short.finish()).toThrow(/short body: 7 of 10/);
    expect(() => new ResponseReader(10, patternBytes, 'ends').finish()).toThrow(/before the response head/);
  });
});

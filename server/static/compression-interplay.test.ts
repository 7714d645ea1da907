import { describe, expect, it } from 'vitest';
import { CompressionPolicy } from '../core/compression-policy.js';

/**
 * What the server's on-the-fly compression does with the answers of server/static/
 * (CompressionPolicy.eligible, server/core/compression-policy.ts): it must never compress a
 * precompressed sibling again, a 206 (the octets are a range of the selected representation,
 * RFC 9110 §14), a multipart/byteranges body, or a 304. It needed no change for this; the test
 * pins the rules the static handler relies on. (A whole 200 of a compressible file is compressed,
 * and sendRanged weakens its ETag for that: see send-ranged.ts.)
 */
describe('on-the-fly compression leaves ranged and precompressed answers alone', () => {
  const policy = new CompressionPolicy();
  const LARGE = 100_000;

  it('a whole 200 of a compressible identity file is eligible', () => {
    expect(policy.eligible(200, 'text/html; charset=utf-8', undefined, LARGE)).toBe(true);
  });

  it('a precompressed sibling (Content-Encoding set) is not', () => {
    expect(policy.eligible(200, 'text/javascript; charset=utf-8', 'br', LARGE)).toBe(false);
    expect(policy.eligible(200, 'text/javascript; charset=utf-8', 'gzip', LARGE)).toBe(false);
  });

  it('a 206, single part or multipart/byteranges, is not', () => {
    expect(policy.eligible(206, 'text/html; charset=utf-8', undefined, LARGE)).toBe(false);
    expect(policy.eligible(206, 'multipart/byteranges; boundary=aeronet-0123', undefined, LARGE)).toBe(false);
    // Even if a multipart body were ever sent as a 200, its type is not a compressible one.
    expect(policy.eligible(200, 'multipart/byteranges; boundary=aeronet-0123', undefined, LARGE)).toBe(false);
  });

  it('a 304 and a small 412 or 416 are not', () => {
    expect(policy.eligible(304, undefined, undefined, -1)).toBe(false);
    expect(policy.eligible(412, 'text/plain; charset=utf-8', undefined, 40)).toBe(false);
    expect(policy.eligible(416, 'text/plain; charset=utf-8', undefined, 22)).toBe(false);
  });
});

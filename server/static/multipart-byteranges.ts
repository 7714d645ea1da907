import { createHash } from 'node:crypto';
import type { ByteRange } from './ranges.js';

/**
 * The framing of a multipart/byteranges body (RFC 9110 §14.6, RFC 2046 §5.1.1), planned in full
 * before anything is sent, so the response's Content-Length is exact and each part's bytes are
 * streamed from the source between a precomputed head and the final delimiter.
 *
 *   --BOUNDARY CRLF
 *   Content-Type: text/plain CRLF
 *   Content-Range: bytes 0-50/1270 CRLF
 *   CRLF
 *   <51 octets> CRLF
 *   --BOUNDARY CRLF
 *   ...
 *   <octets> CRLF
 *   --BOUNDARY-- CRLF
 */
export interface MultipartPlan {
  readonly boundary: string;
  /** The response's Content-Type. */
  readonly contentType: string;
  readonly parts: ReadonlyArray<{ readonly range: ByteRange; readonly head: Buffer }>;
  /** The close-delimiter, after the last part's octets. */
  readonly tail: Buffer;
  /** Every octet of the body: heads, ranges and tail. */
  readonly contentLength: number;
}

/**
 * A boundary that is the same for the same request on the same representation (no Math.random:
 * the simulation must replay exactly, and a response should not change between two identical
 * requests), yet not guessable from the ranges alone: a hash of the representation's validators
 * and the ranges. A boundary is at most 70 characters of bchars (RFC 2046 §5.1.1); ours is 40.
 *
 * The boundary is not checked against the content: a part that happened to contain
 * "\r\n--<boundary>" would confuse a client's parser. With 128 bits of hash over validators the
 * content's author does not see until the file exists, that needs a second-preimage on SHA-256.
 */
export function multipartBoundary(seed: string, ranges: readonly ByteRange[]): string {
  const h = createHash('sha256');
  h.update(seed);
  for (const r of ranges) h.update(`|${r.start}-${r.end}`);
  return `aeronet-${h.digest('hex').slice(0, 32)}`;
}

/**
 * Plan the body for `ranges` of a representation of `size` octets. `partType` is the
 * representation's Content-Type, repeated in each part (§14.6: each part carries the Content-Type
 * a 200 would have had, when there is one, and its Content-Range).
 */
export function planMultipart(ranges: readonly ByteRange[], size: number, partType: string | undefined, boundary: string): MultipartPlan {
  const parts = ranges.map((range, i) => {
    let head = `${i === 0 ? '' : '\r\n'}--${boundary}\r\n`;
    if (partType !== undefined) head += `Content-Type: ${partType}\r\n`;
    head += `Content-Range: bytes ${range.start}-${range.end}/${size}\r\n\r\n`;
    return { range, head: Buffer.from(head, 'latin1') };
  });
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`, 'latin1');
  let contentLength = tail.length;
  for (const p of parts) contentLength += p.head.length + (p.range.end - p.range.start + 1);
  return { boundary, contentType: `multipart/byteranges; boundary=${boundary}`, parts, tail, contentLength };
}

/**
 * What a part costs on top of its octets, at most, for a representation whose length has
 * `sizeDigits` digits and a part type of `typeLength` characters: the bound the amplification test
 * holds the server to.
 */
export function maxPartOverhead(boundaryLength: number, typeLength: number, sizeDigits: number): number {
  // CRLF "--" boundary CRLF, "Content-Type: " type CRLF, "Content-Range: bytes " a "-" b "/" size CRLF, CRLF.
  return 2 + 2 + boundaryLength + 2 + (14 + typeLength + 2) + (21 + 3 * sizeDigits + 2 + 2) + 2;
}

import { CODINGS, negotiateEncoding } from '../core/accept-encoding.js';
import { isCompressible } from '../core/content-coding.js';
import type { Request, Response } from '../core/types.js';
import { evaluatePreconditions } from './conditional.js';
import { parseEntityTag, weaken } from './entity-tag.js';
import { multipartBoundary, planMultipart } from './multipart-byteranges.js';
import { formatHttpDate } from './parse-http-date.js';
import { bufferSource, type RangeSource } from './range-source.js';
import { checkRangeOptions, planRanges, type ByteRange, type RangeOptions } from './ranges.js';
import { appendVary } from './vary.js';

export interface SendRangedOptions extends RangeOptions {
  /**
   * Whether the server may compress this response on the fly (createServer's `compression`, on
   * by default). It then keeps the ETag but changes the octets, so a strong ETag would name two
   * representations, and If-Range could splice identity octets onto a gzip prefix (RFC 9110
   * §8.8.3: a strong validator names one sequence of octets). So while this is true, a strong
   * ETag of a compressible, not yet encoded representation goes out weak to clients that accept
   * a coding (with `Vary: accept-encoding`, since the tag now depends on that field): 304s still
   * work (weak comparison), If-Match and If-Range with it do not (strong comparison). Set false
   * when the server runs with `compression: false`. Default true.
   */
  onTheFlyCompression?: boolean;
}

const TEXT_PLAIN = 'text/plain; charset=utf-8';
const EMPTY = new Uint8Array(0);

/**
 * Answer a GET or HEAD with a representation that supports range requests (RFC 9110 §14) and
 * conditional requests (§13): 200, 206 (one range, or multipart/byteranges), 304, 412 or 416, with
 * Accept-Ranges, ETag and Last-Modified, streamed with backpressure. A Buffer is a representation
 * without validators. Options are checked on every call; a bad source throws a TypeError (a 500,
 * since it is the handler's bug).
 */
export async function sendRanged(req: Request, res: Response, source: RangeSource | Uint8Array, options: SendRangedOptions = {}): Promise<void> {
  checkRangeOptions(options, 'sendRanged');
  const src = source instanceof Uint8Array ? bufferSource(source) : source;
  checkSource(src);
  await sendRepresentation(req, res, src, options);
}

/** sendRanged without the option and source checks (serveStatic checks once, at construction). */
export async function sendRepresentation(req: Request, res: Response, src: RangeSource, options: SendRangedOptions): Promise<void> {
  if (res.headersSent) throw new Error('sendRanged: the response has already started');
  const now = req.clock.now();
  const contentType = src.contentType ?? res.getHeader('content-type');
  const contentEncoding = res.getHeader('content-encoding');
  // RFC 9110 §8.8.2.1: a Last-Modified later than the response's Date is replaced by that Date.
  const modified = src.lastModified === undefined ? undefined : Math.min(src.lastModified instanceof Date ? src.lastModified.getTime() : src.lastModified, now);
  let etag = src.etag;
  if (etag !== undefined && !etag.startsWith('W/') && options.onTheFlyCompression !== false && contentEncoding === undefined && isCompressible(contentType)) {
    appendVary(res, 'accept-encoding');
    const coding = negotiateEncoding(req.header('accept-encoding'), CODINGS);
    if (coding !== null && coding !== 'identity') etag = weaken(etag);
  }

  res.setHeader('accept-ranges', 'bytes');
  if (etag !== undefined) res.setHeader('etag', etag);
  if (modified !== undefined) res.setHeader('last-modified', formatHttpDate(modified));
  if (contentType !== undefined) res.setHeader('content-type', contentType);

  const pre = evaluatePreconditions(req.method, (name) => req.header(name), { etag, lastModified: modified }, now);
  if (pre.kind === 'precondition-failed') {
    res.removeHeader('content-encoding').removeHeader('accept-ranges');
    await res.status(412).setHeader('content-type', TEXT_PLAIN).send(`precondition failed: ${pre.field}\n`);
    return;
  }
  if (pre.kind === 'not-modified') {
    // RFC 9110 §15.4.5: a 304 carries the validators, Cache-Control, Vary and Date a 200 would
    // have, and no other representation metadata.
    res.removeHeader('content-type').removeHeader('content-encoding').removeHeader('accept-ranges');
    await res.status(304).send();
    return;
  }

  if (pre.useRange) {
    const plan = planRanges(req.header('range'), src.size, options);
    if (plan.kind === 'unsatisfiable') {
      // RFC 9110 §15.5.17: a 416 to a byte-range request SHOULD carry Content-Range with the length.
      res.removeHeader('content-encoding').setHeader('content-range', `bytes */${src.size}`);
      await res.status(416).setHeader('content-type', TEXT_PLAIN).send('range not satisfiable\n');
      return;
    }
    if (plan.kind === 'ranges' && plan.ranges.length === 1) {
      await sendSingleRange(req, res, src, plan.ranges[0]!);
      return;
    }
    // Several ranges of a content-coded representation: the coding would have to be declared per
    // part, which clients do not expect. Serving the whole is always allowed (§14.2: MAY ignore).
    if (plan.kind === 'ranges' && contentEncoding === undefined) {
      await sendMultipart(req, res, src, plan.ranges, contentType, etag, modified);
      return;
    }
  }
  await sendWhole(req, res, src);
}

async function sendWhole(req: Request, res: Response, src: RangeSource): Promise<void> {
  res.status(200).setHeader('content-length', src.size);
  if (req.method === 'HEAD') return headBody(req, res, src.size);
  if (src.size === 0) return res.end();
  if (await pipe(req, res, src, 0, src.size - 1)) await res.end();
}

/** RFC 9110 §14.3, §15.3.7: one range is a plain 206 with Content-Range, never multipart (§14.6). */
async function sendSingleRange(req: Request, res: Response, src: RangeSource, range: ByteRange): Promise<void> {
  res.status(206).setHeader('content-range', `bytes ${range.start}-${range.end}/${src.size}`);
  res.setHeader('content-length', range.end - range.start + 1);
  if (await pipe(req, res, src, range.start, range.end)) await res.end();
}

/** RFC 9110 §14.6: several ranges as multipart/byteranges, Content-Length computed exactly. */
async function sendMultipart(
  req: Request,
  res: Response,
  src: RangeSource,
  ranges: readonly ByteRange[],
  contentType: string | undefined,
  etag: string | undefined,
  modified: number | undefined,
): Promise<void> {
  const seed = `${etag ?? ''}|${modified ?? ''}|${src.size}|${contentType ?? ''}`;
  const plan = planMultipart(ranges, src.size, contentType, multipartBoundary(seed, ranges));
  res.status(206).setHeader('content-type', plan.contentType).setHeader('content-length', plan.contentLength);
  for (const part of plan.parts) {
    if (req.signal.aborted) return;
    await res.write(part.head);
    if (!(await pipe(req, res, src, part.range.start, part.range.end))) return;
  }
  await res.end(plan.tail);
}

/**
 * Copy start..end from the source to the response with backpressure: the next chunk is read only
 * once write() says the peer caught up. False when the peer went away (the exchange is already
 * torn down; the caller stops quietly and whoever opened the source closes it).
 */
async function pipe(req: Request, res: Response, src: RangeSource, start: number, end: number): Promise<boolean> {
  let left = end - start + 1;
  for await (const chunk of src.read(start, end, req.signal)) {
    if (req.signal.aborted) return false;
    if (chunk.length > left) throw new Error(`range source gave more than the ${end - start + 1} octets of ${start}-${end}`);
    left -= chunk.length;
    await res.write(chunk);
  }
  if (req.signal.aborted) return false;
  if (left !== 0) throw new Error(`range source ended ${left} octets short of ${start}-${end}`);
  return true;
}

let zeros: Buffer | null = null;

/**
 * HEAD (RFC 9110 §9.3.2): the fields GET would send, Content-Length included, and no content.
 * The protocol layer drops a HEAD response's body (ResponseSink.suppressBody) but the Response
 * still checks that a declared Content-Length was written in full, so we "write" shared zero
 * octets, never read from the source, and none reach the wire. When the server chose to
 * compress (it added Content-Encoding and dropped the length, as it does for GET), there is
 * nothing to account for.
 */
async function headBody(req: Request, res: Response, length: number): Promise<void> {
  const before = res.getHeader('content-encoding');
  await res.write(EMPTY); // starts the response with exactly the fields a GET would get
  if (res.getHeader('content-encoding') !== before || length === 0) return res.end();
  zeros ??= Buffer.alloc(1 << 20);
  for (let left = length; left > 0; ) {
    if (req.signal.aborted) return;
    const n = Math.min(left, zeros.length);
    await res.write(zeros.subarray(0, n));
    left -= n;
  }
  await res.end();
}

function checkSource(src: RangeSource): void {
  if (typeof src !== 'object' || src === null) throw new TypeError('sendRanged: source must be a RangeSource or a Uint8Array');
  if (!Number.isSafeInteger(src.size) || src.size < 0) throw new TypeError(`sendRanged: source.size must be a non-negative safe integer, got ${String(src.size)}`);
  if (typeof src.read !== 'function') throw new TypeError('sendRanged: source.read must be a function');
  if (src.etag !== undefined && (typeof src.etag !== 'string' || parseEntityTag(src.etag) === undefined)) {
    throw new TypeError(`sendRanged: source.etag must be an entity-tag such as "\\"v1\\"" or "W/\\"v1\\"" (RFC 9110 §8.8.3), got ${JSON.stringify(src.etag)}`);
  }
  const lm = src.lastModified;
  if (lm !== undefined && !(lm instanceof Date ? Number.isFinite(lm.getTime()) : typeof lm === 'number' && Number.isFinite(lm))) {
    throw new TypeError(`sendRanged: source.lastModified must be a Date or ms since the epoch, got ${String(lm)}`);
  }
  if (src.contentType !== undefined && typeof src.contentType !== 'string') throw new TypeError('sendRanged: source.contentType must be a string');
}

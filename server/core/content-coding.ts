/**
 * Content codings (RFC 9110 §8.4): which responses to compress, encoders for responses, and
 * size-limited decoders for request content. Everything runs on node:zlib's threadpool-backed
 * streams and async functions; the *Sync variants would block the event loop for every client.
 */
import { Duplex, PassThrough, type Transform } from 'node:stream';
import * as zlib from 'node:zlib';
import { CODINGS, type Coding } from './accept-encoding.js';
import { HttpError } from './types.js';

export { CODINGS, MAX_ACCEPT_ENCODING_MEMBERS, negotiateEncoding, parseQvalue } from './accept-encoding.js';
export type { Coding } from './accept-encoding.js';

// ---------------------------------------------------------------------------------------------
// Which media types are worth compressing
// ---------------------------------------------------------------------------------------------

/**
 * Types outside text/* and the +json / +xml suffixes (RFC 6839) that compress well. Anything not
 * listed is assumed to be already compressed (PNG, JPEG, WebP, AVIF, video, audio, zip, gzip,
 * woff/woff2, PDF, ...) or unknown: compressing those again burns CPU for no gain.
 */
const COMPRESSIBLE_TYPES: ReadonlySet<string> = new Set([
  'application/json',
  'application/javascript',
  'application/x-javascript',
  'application/ecmascript',
  'application/xml',
  'application/x-www-form-urlencoded',
  'application/wasm',
  'application/yaml',
  'application/x-yaml',
  'application/toml',
  'application/graphql',
  'application/vnd.ms-fontobject',
  'font/ttf',
  'font/otf',
  'image/bmp',
  'image/x-icon',
  'image/vnd.microsoft.icon',
]);

/**
 * True when a response with this Content-Type is worth compressing. Parameters (charset, ...)
 * and case are ignored (media types are case-insensitive, RFC 9110 §8.3.1).
 *
 * text/event-stream is deliberately excluded although it is text: a compressor holds bytes back
 * until it has a block's worth, which delays Server-Sent Events indefinitely unless every event is
 * flushed, and the per-flush overhead eats most of the gain.
 */
export function isCompressible(contentType: string | undefined): boolean {
  if (typeof contentType !== 'string') return false;
  const semi = contentType.indexOf(';');
  const essence = (semi < 0 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
  const slash = essence.indexOf('/');
  if (slash <= 0 || slash === essence.length - 1) return false;
  const type = essence.slice(0, slash);
  const subtype = essence.slice(slash + 1);
  if (type === 'text') return subtype !== 'event-stream';
  // Structured syntax suffixes (RFC 6839): application/ld+json, image/svg+xml, application/atom+xml.
  if (subtype.endsWith('+json') || subtype.endsWith('+xml')) return true;
  return COMPRESSIBLE_TYPES.has(essence);
}

// ---------------------------------------------------------------------------------------------
// Encoding responses
// ---------------------------------------------------------------------------------------------

export interface EncoderOptions {
  /**
   * gzip / deflate level 0-9. Default 6, zlib's own default: the knee of the size/CPU curve;
   * 9 costs roughly twice the CPU for about 1% smaller output on typical text.
   */
  level?: number;
  /**
   * Brotli quality 0-11. Default 4: about gzip-6 speed with output a few percent smaller. 11 is
   * for precompressed static assets (tens of times slower) and is wrong for per-request work.
   */
  quality?: number;
  /** Total uncompressed size if known (e.g. the body of send()); lets brotli tune its blocks. */
  sizeHint?: number;
  /** The input is UTF-8 text; a hint for brotli's context modelling. */
  text?: boolean;
}

export const DEFAULT_ZLIB_LEVEL = 6;
export const DEFAULT_BROTLI_QUALITY = 4;

/** A compressing stream; `flush()` forces out buffered output (e.g. after each streamed chunk). */
export type Encoder = Transform & zlib.Zlib;

function brotliOptions(options: EncoderOptions | undefined): zlib.BrotliOptions {
  const params: Record<number, number> = {
    [zlib.constants.BROTLI_PARAM_QUALITY]: options?.quality ?? DEFAULT_BROTLI_QUALITY,
    [zlib.constants.BROTLI_PARAM_MODE]: options?.text
      ? zlib.constants.BROTLI_MODE_TEXT
      : zlib.constants.BROTLI_MODE_GENERIC,
  };
  const hint = options?.sizeHint;
  // The parameter is a uint32; a bad or oversized hint is dropped or clamped, not an error.
  if (typeof hint === 'number' && Number.isFinite(hint) && hint > 0) {
    params[zlib.constants.BROTLI_PARAM_SIZE_HINT] = Math.min(Math.floor(hint), 0xffff_ffff);
  }
  return { params };
}

function zlibOptions(options: EncoderOptions | undefined): zlib.ZlibOptions {
  return { level: options?.level ?? DEFAULT_ZLIB_LEVEL };
}

/**
 * A Transform that applies `coding`. 'deflate' is the zlib format (RFC 1950 wrapping RFC 1951) as
 * RFC 9110 §8.4.1.2 specifies, not raw deflate. The gzip header's MTIME is 0, so output is
 * deterministic. Throws RangeError for out-of-range levels/qualities (a programming error).
 */
export function createEncoder(coding: Coding, options?: EncoderOptions): Encoder {
  switch (coding) {
    case 'br':
      return zlib.createBrotliCompress(brotliOptions(options));
    case 'gzip':
      return zlib.createGzip(zlibOptions(options));
    case 'deflate':
      return zlib.createDeflate(zlibOptions(options));
    default:
      throw new TypeError(`unsupported content coding: ${String(coding)}`);
  }
}

function settle(resolve: (b: Buffer) => void, reject: (e: Error) => void) {
  return (err: Error | null, out: Buffer): void => (err ? reject(err) : resolve(out));
}

/** Compress a whole buffer on the zlib threadpool (never the *Sync functions). */
export function encodeBuffer(coding: Coding, buf: Uint8Array, options?: EncoderOptions): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const done = settle(resolve, reject);
    switch (coding) {
      case 'br':
        zlib.brotliCompress(buf, brotliOptions(options), done);
        return;
      case 'gzip':
        zlib.gzip(buf, zlibOptions(options), done);
        return;
      case 'deflate':
        zlib.deflate(buf, zlibOptions(options), done);
        return;
      default:
        reject(new TypeError(`unsupported content coding: ${String(coding)}`));
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Decoding request content
// ---------------------------------------------------------------------------------------------

/** Decoded content went past the limit: answer 413 (RFC 9110 §15.5.14). */
export class DecompressedTooLargeError extends HttpError {
  constructor(readonly limit: number) {
    super(413, `decoded content exceeds ${limit} bytes`);
    this.name = 'DecompressedTooLargeError';
  }
}

/** The content does not decode under its declared coding (corrupt, truncated, wrong format): 400. */
export class ContentDecodingError extends HttpError {
  constructor(
    readonly coding: Coding,
    cause: unknown,
  ) {
    super(400, `invalid ${coding} content: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'ContentDecodingError';
    this.cause = cause;
  }
}

/**
 * The request used a content coding we cannot decode: 415, with Accept-Encoding listing what we
 * do accept (RFC 9110 §15.5.16 and §12.5.3).
 */
export class UnsupportedContentEncodingError extends HttpError {
  constructor(readonly coding: string) {
    super(415, `unsupported content coding: ${coding}`, [['accept-encoding', CODINGS.join(', ')]]);
    this.name = 'UnsupportedContentEncodingError';
  }
}

/**
 * Stacked codings accepted on request content. Each layer costs a decompressor and real clients
 * use one; a long stack ("gzip, gzip, gzip, ...") exists only to multiply work.
 */
export const MAX_STACKED_CODINGS = 4;

/** Strip OWS (SP / HTAB, RFC 9110 §5.6.3) by scanning: a /[ \t]+$/ regex is quadratic on long runs. */
function trimOws(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && (s.charCodeAt(start) === 0x20 || s.charCodeAt(start) === 0x09)) start++;
  while (end > start && (s.charCodeAt(end - 1) === 0x20 || s.charCodeAt(end - 1) === 0x09)) end--;
  return s.slice(start, end);
}

/**
 * Parse a Content-Encoding field value (RFC 9110 §8.4). The list is in the order the codings were
 * applied, so decoding goes in reverse; createDecoder does that reversal itself, pass the result
 * unchanged. Names are case-insensitive, `x-gzip` is gzip (§8.4.1.3), `identity` members are
 * ignored (it means "no coding"). Undefined or empty gives [] (nothing to decode).
 *
 * Returns `{ unsupported }` naming the first member we cannot decode (answer 415, see
 * UnsupportedContentEncodingError), or the whole value when more than MAX_STACKED_CODINGS
 * codings are stacked.
 */
export function parseContentEncoding(headerValue: string | undefined): Coding[] | { unsupported: string } {
  if (typeof headerValue !== 'string') return [];
  const codings: Coding[] = [];
  for (const raw of headerValue.split(',')) {
    const member = trimOws(raw);
    if (member === '') continue; // empty list elements are legal (RFC 9110 §5.6.1)
    const name = member.toLowerCase();
    if (name === 'identity') continue;
    const coding = name === 'x-gzip' ? 'gzip' : name;
    if (coding !== 'br' && coding !== 'gzip' && coding !== 'deflate') return { unsupported: member };
    if (codings.length === MAX_STACKED_CODINGS) return { unsupported: headerValue.trim() };
    codings.push(coding);
  }
  return codings;
}

type Stage = Transform;

function createStage(coding: Coding): Stage {
  switch (coding) {
    // Gunzip also decodes concatenated gzip members (RFC 1952 §2.2), as a gzip file may hold several.
    case 'gzip':
      return zlib.createGunzip();
    // The zlib format, per RFC 9110 §8.4.1.2; raw deflate (sent by some non-conformant clients)
    // fails as corrupt content rather than being guessed at.
    case 'deflate':
      return zlib.createInflate();
    case 'br':
      return zlib.createBrotliDecompress();
    default:
      throw new TypeError(`unsupported content coding: ${String(coding)}`);
  }
}

/**
 * Output allowed from an intermediate stage of a stacked decode. Its output is still compressed
 * data, which real compressors never make much larger than what it decodes to (stored blocks add
 * a few bytes per 64 KiB), so a generous margin over the final limit never rejects honest content.
 * Without this cap, "gzip, gzip" content whose inner layer is millions of empty gzip members would
 * decode to nothing while costing unbounded CPU.
 */
function intermediateLimit(maxOutputBytes: number): number {
  return maxOutputBytes + Math.ceil(maxOutputBytes / 64) + 64 * 1024;
}

/**
 * A Duplex that decodes request content and fails as soon as the decoded size passes a limit.
 * Write the received (encoded) bytes; read the decoded bytes. Errors:
 * - DecompressedTooLargeError (413) once decoded output exceeds maxOutputBytes. Checked on every
 *   chunk zlib produces (at most 16 KiB), and the decompressor is destroyed right there, so a zip
 *   bomb is abandoned after about maxOutputBytes + 16 KiB of work; nothing past the limit is
 *   ever pushed to the reader.
 * - ContentDecodingError (400) when the content is corrupt or truncated.
 * Backpressure is preserved end to end: a reader that stops reading stops the decompressors,
 * which stops accepting writes.
 */
export class ContentDecoder extends Duplex {
  /** Codings in the order they were applied (as in Content-Encoding). */
  readonly codings: readonly Coding[];
  readonly maxOutputBytes: number;
  private readonly stages: Stage[];
  private readonly last: Stage;
  private produced = 0;
  private failed = false;
  private pendingWrite: ((err?: Error | null) => void) | null = null;
  private pendingFinal: ((err?: Error | null) => void) | null = null;

  constructor(codings: readonly Coding[], maxOutputBytes: number) {
    super();
    if (typeof maxOutputBytes !== 'number' || !(maxOutputBytes >= 0)) {
      throw new RangeError(`maxOutputBytes must be a non-negative number, got ${String(maxOutputBytes)}`);
    }
    this.codings = [...codings];
    this.maxOutputBytes = maxOutputBytes;
    // Decode the last-applied coding first (RFC 9110 §8.4: codings are listed in order applied).
    const order = [...codings].reverse();
    this.stages = order.length === 0 ? [new PassThrough()] : order.map(createStage);
    this.last = this.stages[this.stages.length - 1] as Stage;

    const cap = intermediateLimit(maxOutputBytes);
    this.stages.forEach((stage, i) => {
      const coding = order[i];
      stage.on('error', (err: Error) => {
        this.fail(err instanceof HttpError || coding === undefined ? err : new ContentDecodingError(coding, err));
      });
      if (stage === this.last) return;
      let out = 0;
      // Registered before pipe() so an over-limit chunk is caught before it reaches the next stage.
      stage.on('data', (chunk: Buffer) => {
        out += chunk.length;
        if (out > cap) this.fail(new DecompressedTooLargeError(maxOutputBytes));
      });
      stage.pipe(this.stages[i + 1] as Stage);
    });

    this.last.on('data', (chunk: Buffer) => {
      this.produced += chunk.length;
      if (this.produced > this.maxOutputBytes) {
        // Destroying here, inside zlib's output callback, stops it before the next chunk.
        this.fail(new DecompressedTooLargeError(this.maxOutputBytes));
        return;
      }
      if (!this.push(chunk)) this.last.pause();
    });
    this.last.on('end', () => {
      if (this.failed) return;
      this.push(null);
      const cb = this.pendingFinal;
      this.pendingFinal = null;
      cb?.();
    });
  }

  /** Decoded bytes produced so far, including a chunk rejected for crossing the limit. */
  get decodedBytes(): number {
    return this.produced;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (err?: Error | null) => void): void {
    const first = this.stages[0] as Stage;
    if (first.write(chunk)) {
      callback();
      return;
    }
    this.pendingWrite = callback;
    first.once('drain', () => {
      const cb = this.pendingWrite;
      this.pendingWrite = null;
      cb?.();
    });
  }

  override _final(callback: (err?: Error | null) => void): void {
    this.pendingFinal = callback;
    (this.stages[0] as Stage).end();
  }

  override _read(): void {
    if (this.last.isPaused()) this.last.resume();
  }

  override _destroy(err: Error | null, callback: (err?: Error | null) => void): void {
    for (const stage of this.stages) stage.destroy();
    // Release a writer parked on backpressure or end(); the stream is already errored/destroyed.
    const pending = [this.pendingWrite, this.pendingFinal];
    this.pendingWrite = this.pendingFinal = null;
    const reason = err ?? new Error('content decoder destroyed');
    for (const cb of pending) cb?.(reason);
    callback(err);
  }

  private fail(err: Error): void {
    if (this.failed) return;
    this.failed = true;
    this.destroy(err);
  }
}

/**
 * Decoder for request content with the given Content-Encoding codings (as returned by
 * parseContentEncoding, in applied order) that errors with DecompressedTooLargeError (413) once
 * the decoded content exceeds `maxOutputBytes`, and ContentDecodingError (400) on corrupt input.
 * With no codings it is a pass-through that still enforces the limit.
 */
export function createDecoder(codings: readonly Coding[], maxOutputBytes: number): ContentDecoder {
  return new ContentDecoder(codings, maxOutputBytes);
}

/**
 * The download half of bench:proxy: a lean HTTP/1.1 GET client that counts and discards the body
 * (ResponseReader, run in its own process by download-child.ts so it never shares an event loop
 * with the server or the proxy), and the parent-side helper that runs that child and reads its
 * report (runDownloadChild).
 *
 * The body is checked against the demo server's /bytes pattern (server/demo/demo-routes.ts
 * patternBytes): always its first and last piece, every piece with verify 'all' (a memcmp against
 * a precomputed period of the pattern, cheap enough not to slow the client down).
 */
import { spawn } from 'node:child_process';
import { stopChild, track } from './children.js';

/**
 * The demo /bytes pattern repeats every 52 bytes (A-Z, then a-z): patternByte(i) depends on i % 26
 * and floor(i / 26) % 2. download.test.ts checks this against the server's patternBytes.
 */
export const DEMO_PATTERN_PERIOD = 52;

/** Bytes/second in MB/s, MB = 10^6 bytes. */
export function mbPerSec(bytes: number, ms: number): number {
  return ms > 0 ? bytes / 1e6 / (ms / 1000) : 0;
}

/**
 * Splits `total` bytes into request sizes of at most `maxPerRequest` (the demo's /bytes limit):
 * as few requests as possible, sizes as equal as possible (larger ones first), summing to `total`.
 */
export function planRequests(total: number, maxPerRequest: number): number[] {
  if (!Number.isSafeInteger(total) || total < 1) throw new RangeError(`download size must be a positive integer, got ${total}`);
  if (!Number.isSafeInteger(maxPerRequest) || maxPerRequest < 1) throw new RangeError(`per-request limit must be a positive integer, got ${maxPerRequest}`);
  const n = Math.ceil(total / maxPerRequest);
  const base = Math.floor(total / n);
  const extra = total - base * n;
  return Array.from({ length: n }, (_, i) => base + (i < extra ? 1 : 0));
}

export class DownloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DownloadError';
  }
}

export interface ResponseHead {
  status: number;
  /** Header names lower-cased; a repeated header keeps its last value. */
  headers: Record<string, string>;
  /** Bytes of the head including the blank line: where the body starts in the buffer given. */
  length: number;
}

const MAX_HEAD = 64 * 1024;
const CRLFCRLF = Buffer.from('\r\n\r\n');

/**
 * Parses an HTTP/1.x response head at the start of `buf`; null while the blank line that ends it
 * has not arrived yet. Throws DownloadError on a malformed status line or header, or a head over
 * 64 KiB.
 */
export function parseResponseHead(buf: Buffer): ResponseHead | null {
  const end = buf.indexOf(CRLFCRLF);
  if (end < 0) {
    if (buf.length > MAX_HEAD) throw new DownloadError(`response head longer than ${MAX_HEAD} bytes`);
    return null;
  }
  const lines = buf.subarray(0, end).toString('latin1').split('\r\n');
  const statusLine = /^HTTP\/1\.[01] (\d{3})(?: .*)?$/.exec(lines[0]!);
  if (!statusLine) throw new DownloadError(`bad status line ${JSON.stringify(lines[0]!.slice(0, 100))}`);
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new DownloadError(`bad header line ${JSON.stringify(line.slice(0, 100))}`);
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status: Number(statusLine[1]), headers, length: end + CRLFCRLF.length };
}

/** `length` bytes of the expected body starting at body offset `start`. */
export type ExpectedBytes = (start: number, length: number) => Buffer;

/**
 * A fast ExpectedBytes for a periodic pattern: slices of one precomputed buffer (no allocation, no
 * per-byte work) for pieces up to `maxLength`; longer ones fall back to `pattern` itself.
 */
export function periodicExpected(pattern: ExpectedBytes, period: number, maxLength: number): ExpectedBytes {
  const base = pattern(0, period + maxLength);
  return (start, length) => {
    if (length > maxLength) return pattern(start, length);
    const o = start % period;
    return base.subarray(o, o + length);
  };
}

/** Index of the first byte where `a` and `b` differ, or -1 when they are equal (b as long as a). */
export function firstDifference(a: Buffer, b: Buffer): number {
  if (a.equals(b)) return -1;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return n;
}

export type VerifyMode = 'ends' | 'all';

/**
 * Consumes one response's bytes as they come off the socket (the caller may reuse the buffer after
 * feed() returns: nothing is kept). Checks the head (200, the expected content-length, no transfer
 * or content encoding, so the byte count is the body), counts the body, and checks its pieces
 * against `expected`. feed() returns true once the whole body has arrived.
 */
export class ResponseReader {
  head: ResponseHead | null = null;
  bodyBytes = 0;
  /** Body bytes compared with the pattern. */
  checkedBytes = 0;
  /** Body pieces compared with the pattern (the first and last, or all). */
  checkedPieces = 0;
  private pending: Buffer | null = null;

  constructor(
    private readonly expectedLength: number,
    private readonly expected: ExpectedBytes,
    private readonly verify: VerifyMode,
  ) {}

  get complete(): boolean {
    return this.head !== null && this.bodyBytes === this.expectedLength;
  }

  feed(chunk: Buffer): boolean {
    if (this.head === null) {
      const buf = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
      const head = parseResponseHead(buf);
      if (head === null) {
        // Copy: the caller's buffer may be reused for the next read.
        this.pending = Buffer.from(buf);
        return false;
      }
      this.pending = null;
      this.checkHead(head);
      this.head = head;
      chunk = buf.subarray(head.length);
      if (chunk.length === 0) return this.complete;
    }
    const start = this.bodyBytes;
    const end = start + chunk.length;
    if (end > this.expectedLength) throw new DownloadError(`more body than content-length ${this.expectedLength}: ${end} bytes so far`);
    this.bodyBytes = end;
    if (this.verify === 'all' || start === 0 || end === this.expectedLength) this.check(start, chunk);
    return this.complete;
  }

  /** The connection ended: complain unless the whole body arrived. */
  finish(): void {
    if (this.head === null) throw new DownloadError('connection closed before the response head');
    if (!this.complete) throw new DownloadError(`short body: ${this.bodyBytes} of ${this.expectedLength} bytes`);
  }

  private checkHead(head: ResponseHead): void {
    if (head.status !== 200) throw new DownloadError(`status ${head.status}, expected 200`);
    const te = head.headers['transfer-encoding'];
    if (te !== undefined) throw new DownloadError(`transfer-encoding ${te}: the byte count would include framing`);
    const ce = head.headers['content-encoding'];
    if (ce !== undefined && ce !== 'identity') throw new DownloadError(`content-encoding ${ce}: expected the raw pattern`);
    const cl = head.headers['content-length'];
    if (cl === undefined || !/^\d+$/.test(cl) || Number(cl) !== this.expectedLength) {
      throw new DownloadError(`content-length ${cl === undefined ? 'missing' : JSON.stringify(cl)}, expected ${this.expectedLength}`);
    }
  }

  private check(start: number, piece: Buffer): void {
    const at = firstDifference(piece, this.expected(start, piece.length));
    if (at >= 0) throw new DownloadError(`body byte ${start + at} is 0x${(piece[at] ?? 0).toString(16)}, expected 0x${this.expected(start + at, 1)[0]!.toString(16)} (pattern mismatch)`);
    this.checkedBytes += piece.length;
    this.checkedPieces++;
  }
}

/** What download-child.ts prints (one JSON line) and runDownloadChild returns. */
export interface DownloadReport {
  /** Body bytes received over all requests (each request checked against its own size). */
  bytes: number;
  requests: number;
  /** From the first request's connect to the last body byte. */
  ms: number;
  /** The client's own CPU time (user + system) over the same interval. */
  cpuMs: number;
  mbPerSec: number;
  /** Body bytes / pieces compared with the pattern. */
  checkedBytes: number;
  checkedPieces: number;
  verify: VerifyMode;
}

export interface DownloadChildOptions {
  /** node executable and the compiled download-child.js. */
  node: string;
  script: string;
  /** Base URL, e.g. http://127.0.0.1:41234 (requests go to <url>/bytes/<size>). */
  url: string;
  sizes: readonly number[];
  verify: VerifyMode;
  timeoutMs: number;
}

/**
 * Runs download-child.js once and returns its report; rejects with its stderr when it fails, or
 * when it runs past timeoutMs (then it is killed).
 */
export async function runDownloadChild(opts: DownloadChildOptions): Promise<DownloadReport> {
  const args = [opts.script, '--url', opts.url, '--sizes', opts.sizes.join(','), '--verify', opts.verify];
  const child = spawn(opts.node, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  track(child, { group: false });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  let overran = false;
  const guard = setTimeout(() => {
    overran = true;
    void stopChild(child, 1000);
  }, opts.timeoutMs);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', (err) => {
      clearTimeout(guard);
      reject(new DownloadError(`could not run the download client: ${err.message}`));
    });
    child.once('close', (c) => {
      clearTimeout(guard);
      resolve(c);
    });
  });
  const what = `download client (${opts.url}, ${opts.sizes.join('+')} bytes)`;
  if (overran) throw new DownloadError(`${what} did not finish within ${opts.timeoutMs / 1000}s`);
  if (code !== 0) throw new DownloadError(`${what} failed (exit code ${code}): ${(stderr || stdout).trim()}`);
  const last = stdout.trim().split('\n').at(-1) ?? '';
  try {
    return JSON.parse(last) as DownloadReport;
  } catch {
    throw new DownloadError(`${what} printed no report: ${JSON.stringify(stdout.slice(-200))}`);
  }
}

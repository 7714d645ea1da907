import { Router } from '../core/router.js';
import { sleep } from '../core/sleep.js';
import { HttpError, type Request } from '../core/types.js';

/**
 * The demo server's routes. They are a contract: the harness layers, the conformance suite and
 * the benchmarks all rely on exactly these answers, so change them only together with those.
 */
export const DEMO_LIMITS = Object.freeze({
  /** Largest /bytes/:n. */
  maxBytes: 1024 * 1024 * 1024,
  /** Largest /stream chunks and size, and longest delays. */
  maxChunks: 100_000,
  maxChunkSize: 1024 * 1024,
  maxDelayMs: 60_000,
});

const HELLO = 'hello, world\n';
/**
 * Chunk size for /bytes: a view of the shared pattern run, so no copy of its own; and no larger
 * than a stream's output high-water mark (64 KiB), so that what a response has queued at any time
 * — all the work meter can see — stays a chunk's worth whatever the response's length.
 */
export const BYTES_CHUNK = 16 * 1024;

/** Byte i of the /bytes pattern: printable, position-dependent, so truncation or reordering shows. */
export function patternByte(i: number): number {
  return 0x41 + (i % 26) + (Math.floor(i / 26) % 2) * 0x20;
}

/** The pattern repeats every 52 octets (26 letters, upper then lower case). */
const PATTERN_PERIOD = 52;
/** One period plus a window: any slice up to PATTERN_WINDOW octets is one view or copy from here. */
const PATTERN_WINDOW = 1024 * 1024;
const PATTERN = buildPattern(PATTERN_PERIOD + PATTERN_WINDOW);

function buildPattern(length: number): Buffer {
  const out = Buffer.allocUnsafe(length);
  for (let i = 0; i < PATTERN_PERIOD; i++) out[i] = patternByte(i);
  // Doubling copies: the run is periodic, so what is filled is the start of what follows.
  for (let filled = PATTERN_PERIOD; filled < length; filled *= 2) out.copy(out, filled, 0, Math.min(filled, length - filled));
  return out;
}

/**
 * `length` bytes of the pattern starting at absolute offset `start`: copied from a precomputed
 * run (an octet at a time, a 1 MiB /bytes response cost more than the server sending it).
 */
export function patternBytes(start: number, length: number): Buffer {
  const out = Buffer.allocUnsafe(length);
  for (let done = 0; done < length; ) {
    const n = Math.min(PATTERN_WINDOW, length - done);
    const from = (start + done) % PATTERN_PERIOD;
    PATTERN.copy(out, done, from, from + n);
    done += n;
  }
  return out;
}

/**
 * The same octets as patternBytes, as a view of the shared precomputed run when it is short
 * enough (no copy per response): for senders that never change what they send, as /bytes.
 */
export function patternView(start: number, length: number): Buffer {
  if (length > PATTERN_WINDOW) return patternBytes(start, length);
  const from = start % PATTERN_PERIOD;
  return PATTERN.subarray(from, from + length);
}

/**
 * The full-size /bytes chunks, one per phase of the pattern they start at: a chunk starting at
 * offset k·BYTES_CHUNK is the same view for every response, so a streamed response makes no
 * Buffer of its own per chunk (profiling a 1 MiB response: a view per chunk was 5% of the CPU).
 */
const CHUNK_VIEWS: Buffer[] = [];

export function bytesChunk(start: number, length: number): Buffer {
  if (length !== BYTES_CHUNK) return patternView(start, length);
  const phase = start % PATTERN_PERIOD;
  return (CHUNK_VIEWS[phase] ??= patternView(phase, BYTES_CHUNK));
}

export function createDemoRouter(): Router {
  const router = new Router();

  router.get('/hello', (_req, res) => res.send(HELLO));

  router.post('/echo', async (req, res) => {
    const body = await req.body.buffer();
    const type = req.header('content-type');
    res.setHeader('content-type', type ?? 'application/octet-stream');
    await res.send(body);
  });

  router.get('/bytes/:n', async (req, res) => {
    const n = intParam(req.params['n'], 'n', 0, DEMO_LIMITS.maxBytes);
    res.setHeader('content-type', 'application/octet-stream');
    // The octets are views of one shared run of the pattern (patternView), never copied per
    // response, as a cache would serve them: up to a chunk, one send.
    if (n <= BYTES_CHUNK) return res.send(patternView(0, n));
    res.setHeader('content-length', n);
    // Longer: streamed chunk by chunk; write() resolves only when the peer keeps up, so a client
    // that reads slowly holds at most a chunk or two of this response in the server's memory.
    for (let sent = 0; sent < n && !req.signal.aborted; sent += BYTES_CHUNK) {
      await res.write(bytesChunk(sent, Math.min(BYTES_CHUNK, n - sent)));
    }
    await res.end();
  });

  router.get('/stream', async (req, res) => {
    const chunks = intQuery(req, 'chunks', 10, 0, DEMO_LIMITS.maxChunks);
    const size = intQuery(req, 'size', 16, 1, DEMO_LIMITS.maxChunkSize);
    const delay = intQuery(req, 'delay', 0, 0, DEMO_LIMITS.maxDelayMs);
    res.setHeader('content-type', 'application/octet-stream');
    let offset = 0;
    for (let k = 0; k < chunks; k++) {
      if (k > 0 && delay > 0) await sleep(req.clock, delay, req.signal);
      await res.write(patternBytes(offset, size));
      offset += size;
    }
    await res.end();
  });

  router.get('/slow', async (req, res) => {
    const ms = intQuery(req, 'ms', 1000, 0, DEMO_LIMITS.maxDelayMs);
    await sleep(req.clock, ms, req.signal);
    await res.send(`slept ${ms} ms\n`);
  });

  router.get('/headers', (req, res) => res.json(req.headers));

  return router;
}

function intParam(raw: string | undefined, name: string, min: number, max: number): number {
  if (raw === undefined || !/^[0-9]{1,10}$/.test(raw)) throw new HttpError(400, `${name} must be a non-negative integer`);
  const n = Number(raw);
  if (n < min || n > max) throw new HttpError(400, `${name} must be between ${min} and ${max}`);
  return n;
}

function intQuery(req: Request, name: string, fallback: number, min: number, max: number): number {
  const raw = req.query.get(name);
  return raw === null ? fallback : intParam(raw, name, min, max);
}

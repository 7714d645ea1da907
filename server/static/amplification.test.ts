/**
 * Range requests must not amplify: whatever the Range field, the server sends at most the
 * representation once, plus a bounded multipart overhead per part (and parts are capped). Driven
 * over the simulated network with sendRanged on an in-memory source, so every run is exact and
 * replayable; bytes out are read off the connection's WorkMeter, as in
 * server/http1/amplification.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { Sim } from '../../harness/sim/sim.js';
import { parseResponses } from '../../harness/http/response-parser.js';
import { createServer } from '../server.js';
import { MemoryLogger } from '../core/logger.js';
import type { WorkMeter } from '../core/work-meter.js';
import { DEFAULT_HTTP1_LIMITS } from '../http1/limits.js';
import { maxPartOverhead } from './multipart-byteranges.js';
import { bufferSource, type RangeSource } from './range-source.js';
import { DEFAULT_MAX_RANGES } from './ranges.js';
import { sendRanged } from './send-ranged.js';
import { parseMultipartByteranges } from './test-support/parse-multipart.js';

const SIZE = 100_000;
const BODY = Buffer.from(Array.from({ length: SIZE }, (_, i) => (i * 31) & 0xff));
const TYPE = 'application/octet-stream';
/** The response head: status line, date, content-type (a multipart boundary at most), length, range, validators. */
const HEAD_MAX_BYTES = 512;
/** The boundary sendRanged makes: "aeronet-" and 32 hex digits. */
const BOUNDARY_LENGTH = 40;
const PART_OVERHEAD = maxPartOverhead(BOUNDARY_LENGTH, TYPE.length, String(SIZE).length);
const TAIL = 2 + 2 + BOUNDARY_LENGTH + 2 + 2;

interface Outcome {
  status: number;
  body: Buffer;
  contentType: string | undefined;
  bytesIn: number;
  bytesOut: number;
  /** The most octets the source had handed out ahead of what the client had received. */
  readAhead: number;
}

/** The sim link's default window (harness/sim/faults.ts): what a non-reading peer lets us have in flight. */
const LINK_WINDOW = 65_536;
const READ_CHUNK = 4096;

async function rangeRequest(seed: number, range: string, options: { slowReader?: boolean; body?: Buffer } = {}): Promise<Outcome> {
  const sim = new Sim({ seed });
  let handedOut = 0;
  let readAhead = 0;
  const inner = bufferSource(options.body ?? BODY, { etag: '"amp"' }, READ_CHUNK);
  const source: RangeSource = {
    ...inner,
    contentType: TYPE,
    async *read(start, end, signal) {
      for await (const chunk of inner.read(start, end, signal)) {
        handedOut += chunk.length;
        readAhead = Math.max(readAhead, handedOut - conn.client.receivedBytes);
        yield chunk;
      }
    },
  };
  const server = createServer({
    handler: (req, res) => sendRanged(req, res, source),
    compression: false,
    http2: false,
    clock: sim.clock,
    logger: new MemoryLogger(),
  });
  let meter: WorkMeter | null = null;
  const conn = sim.connect((t) => {
    meter = server.accept(t);
  });
  const request = `GET /file HTTP/1.1\r\nhost: a\r\nrange: ${range}\r\nconnection: close\r\n\r\n`;
  await sim.run(
    (async () => {
      if (options.slowReader) conn.client.pause();
      void conn.client.write(request).catch(() => {});
      if (options.slowReader) {
        // Read in small sips: the server must wait for the window, not read the source ahead.
        while (!conn.client.ended && !conn.client.closed) {
          await sim.sleep(50);
          conn.client.resume();
          await sim.sleep(1);
          conn.client.pause();
        }
      }
      // Our FIN follows the response (connection: close, a staged close); the client closes too.
      await conn.client.until(() => conn.client.ended || conn.client.closed);
      conn.client.resume();
      conn.client.end();
    })(),
  );
  await sim.runUntilIdle();
  expect(server.connectionCount).toBe(0);
  const parsed = parseResponses(conn.client.received).responses[0]!;
  return { status: parsed.status, body: parsed.body, contentType: parsed.header('content-type'), bytesIn: request.length, bytesOut: meter!.bytesOut, readAhead };
}

/** At most the representation once, plus per-part overhead for each part served and one tail. */
function bodyBound(parts: number): number {
  return SIZE + (parts > 1 ? parts * PART_OVERHEAD + TAIL : 0);
}

/** Fill a Range field up to (not past) the server's header limit with `spec(i)` for i = 0, 1, ... */
function hostileRange(spec: (i: number) => string): { value: string; count: number } {
  const budget = DEFAULT_HTTP1_LIMITS.maxHeaderBytes - 200;
  let value = 'bytes=';
  let count = 0;
  for (let i = 0; ; i++) {
    const next = `${count === 0 ? '' : ','}${spec(i)}`;
    if (value.length + next.length > budget) break;
    value += next;
    count++;
  }
  return { value, count };
}

describe('range requests do not amplify', () => {
  it.each<[string, (i: number) => string, number]>([
    // Thousands of tiny ranges over the same few octets: one range once coalesced.
    ['the same 2 octets thousands of times', () => '0-1', 206],
    ['thousands of overlapping tiny ranges', (i) => `${i % 97}-${(i % 97) + 3}`, 206],
    ['thousands of whole-file ranges', () => '0-', 206],
    ['thousands of overlapping suffix ranges', (i) => `-${(i % 500) + 1}`, 206],
    // Tiny ranges closer than the coalescing gap: one range, at most the file.
    ['thousands of tiny ranges 79 octets apart', (i) => `${(i * 80) % SIZE}-${(i * 80) % SIZE}`, 206],
    // Tiny ranges too far apart to coalesce: past maxRanges, the whole file once (200).
    ['thousands of tiny ranges far apart', (i) => `${(i * 1000) % SIZE}-${(i * 1000) % SIZE}`, 200],
    ['thousands of tiny ranges far apart, descending', (i) => `${SIZE - 1 - ((i * 1000) % SIZE)}-${SIZE - 1 - ((i * 1000) % SIZE)}`, 200],
  ])('%s', async (_name, spec, status) => {
    const { value, count } = hostileRange(spec);
    expect(count).toBeGreaterThan(1000);
    const out = await rangeRequest(301, value);
    expect(out.status).toBe(status);
    expect(out.body.length).toBeLessThanOrEqual(bodyBound(1));
    expect(out.bytesOut).toBeLessThanOrEqual(bodyBound(1) + HEAD_MAX_BYTES);
    console.log(`[amplification ranges] ${_name}: ${count} range-specs, ${out.bytesIn} B in, ${out.bytesOut} B out, status ${out.status}`);
  });

  it('maxRanges parts far apart: multipart, each part costs at most the bounded overhead', async () => {
    const spec = Array.from({ length: DEFAULT_MAX_RANGES }, (_, i) => `${i * 6000}-${i * 6000 + 9}`).join(',');
    const out = await rangeRequest(302, `bytes=${spec}`);
    expect(out.status).toBe(206);
    const parts = parseMultipartByteranges(out.body, out.contentType);
    expect(parts).toHaveLength(DEFAULT_MAX_RANGES);
    for (const p of parts) expect(p.body.equals(BODY.subarray(p.start, p.end + 1))).toBe(true);
    const requested = DEFAULT_MAX_RANGES * 10;
    expect(out.body.length).toBeLessThanOrEqual(requested + DEFAULT_MAX_RANGES * PART_OVERHEAD + TAIL);
    expect(out.bytesOut).toBeLessThanOrEqual(bodyBound(DEFAULT_MAX_RANGES) + HEAD_MAX_BYTES);
  });

  it('one more part than maxRanges: the whole file once, never more', async () => {
    const spec = Array.from({ length: DEFAULT_MAX_RANGES + 1 }, (_, i) => `${i * 5000}-${i * 5000 + 9}`).join(',');
    const out = await rangeRequest(303, `bytes=${spec}`);
    expect(out.status).toBe(200);
    expect(out.body.equals(BODY)).toBe(true);
  });

  it('a slow reader: the source is read only as far as the peer has caught up (backpressure)', async () => {
    const big = Buffer.from(Array.from({ length: 1024 * 1024 }, (_, i) => (i * 13) & 0xff));
    const out = await rangeRequest(304, 'bytes=0-', { slowReader: true, body: big });
    expect(out.status).toBe(206);
    expect(out.body.equals(big)).toBe(true);
    // Ahead of the client at most: what the link holds in flight (its window), what the
    // transport queues before write() reports backpressure, and the chunk being written.
    // Reading ahead without backpressure would be most of the megabyte.
    expect(out.readAhead).toBeLessThanOrEqual(LINK_WINDOW + 16 * 1024 + READ_CHUNK);
    console.log(`[amplification ranges] slow reader: read ahead of the client at most ${out.readAhead} B of ${big.length}`);
  });
});

import { describe, expect, it } from 'vitest';
import { FakeClock, fakeExchange, type FakeExchange } from '../core/test-support/fake-exchange.js';
import { maxPartOverhead, multipartBoundary, planMultipart } from './multipart-byteranges.js';
import { bufferSource, type RangeSource } from './range-source.js';
import { sendRanged, type SendRangedOptions } from './send-ranged.js';
import { boundaryOf, parseMultipartByteranges } from './test-support/parse-multipart.js';

const NOW = Date.UTC(2025, 5, 1, 12, 0, 0);
const MODIFIED = NOW - 86_400_000;
const BODY = Buffer.from(Array.from({ length: 10_000 }, (_, i) => 0x41 + (i % 26)));
const SOURCE: RangeSource = { ...bufferSource(BODY), etag: '"v1"', lastModified: MODIFIED, contentType: 'application/octet-stream' };

async function send(headers: Record<string, string>, source: RangeSource | Uint8Array = SOURCE, options: SendRangedOptions = {}, method = 'GET'): Promise<FakeExchange> {
  const ex = fakeExchange({ method, target: '/r', headers, clock: new FakeClock(NOW) });
  await sendRanged(ex.req, ex.res, source, options);
  return ex;
}

describe('sendRanged: 200, 206, 416', () => {
  it('without Range: 200, the whole representation, with Accept-Ranges and validators', async () => {
    const ex = await send({});
    expect(ex.res.statusCode).toBe(200);
    expect(ex.res.body.equals(BODY)).toBe(true);
    expect(ex.res.headers).toMatchObject({
      'accept-ranges': 'bytes',
      etag: '"v1"',
      'last-modified': new Date(MODIFIED).toUTCString(),
      'content-length': '10000',
      'content-type': 'application/octet-stream',
    });
  });

  it.each([
    ['bytes=0-99', 0, 99],
    ['bytes=-500', 9500, 9999],
    ['bytes=9500-', 9500, 9999],
    ['bytes=9990-20000', 9990, 9999],
    ['bytes=0-0', 0, 0],
  ])('%s: 206 with Content-Range and the exact octets', async (range, start, end) => {
    const ex = await send({ range });
    expect(ex.res.statusCode).toBe(206);
    expect(ex.res.headers['content-range']).toBe(`bytes ${start}-${end}/10000`);
    expect(ex.res.headers['content-length']).toBe(String(end - start + 1));
    expect(ex.res.body.equals(BODY.subarray(start, end + 1))).toBe(true);
  });

  it('several ranges: multipart/byteranges that parses back to the same octets, in request order', async () => {
    const ex = await send({ range: 'bytes=9000-9099, 0-9, 5000-5000' });
    expect(ex.res.statusCode).toBe(206);
    const type = ex.res.headers['content-type'];
    expect(type).toMatch(/^multipart\/byteranges; boundary=aeronet-[0-9a-f]{32}$/);
    expect(Number(ex.res.headers['content-length'])).toBe(ex.res.body.length);
    expect(ex.res.headers['content-range']).toBeUndefined();
    const parts = parseMultipartByteranges(ex.res.body, type);
    expect(parts.map((p) => [p.start, p.end, p.size])).toEqual([[9000, 9099, 10_000], [0, 9, 10_000], [5000, 5000, 10_000]]);
    for (const p of parts) {
      expect(p.body.equals(BODY.subarray(p.start, p.end + 1))).toBe(true);
      expect(p.headers['content-type']).toBe('application/octet-stream');
    }
  });

  it('the boundary is deterministic: the same request gives the same bytes', async () => {
    const a = await send({ range: 'bytes=0-9,100-199' });
    const b = await send({ range: 'bytes=0-9,100-199' });
    expect(a.res.body.equals(b.res.body)).toBe(true);
    const other = await send({ range: 'bytes=0-9,100-199' }, { ...SOURCE, etag: '"v2"' });
    expect(boundaryOf(other.res.headers['content-type'])).not.toBe(boundaryOf(a.res.headers['content-type']));
  });

  it('parts have no Content-Type when the representation has none', async () => {
    const ex = await send({ range: 'bytes=0-9,1000-1009' }, BODY);
    const parts = parseMultipartByteranges(ex.res.body, ex.res.headers['content-type']);
    expect(parts).toHaveLength(2);
    expect(parts[0]!.headers['content-type']).toBeUndefined();
  });

  it('unsatisfiable: 416 with Content-Range bytes */length', async () => {
    for (const range of ['bytes=10000-', 'bytes=-0', 'bytes=20000-30000,10000-10001']) {
      const ex = await send({ range });
      expect(ex.res.statusCode).toBe(416);
      expect(ex.res.headers['content-range']).toBe('bytes */10000');
      expect(ex.res.text).toBe('range not satisfiable\n');
    }
  });

  it.each(['bytes=5-4', 'bytes=abc', 'items=0-1', 'bytes', 'bytes=0-1;x', '=', 'bytes=--5', `bytes=${'0-0,'.repeat(3000)}x`])(
    'an invalid or foreign Range %j is ignored: 200 in full',
    async (range) => {
      const ex = await send({ range });
      expect(ex.res.statusCode).toBe(200);
      expect(ex.res.body.length).toBe(10_000);
    },
  );

  it('more ranges than maxRanges after coalescing: 200 in full', async () => {
    const spread = Array.from({ length: 5 }, (_, i) => `${i * 1000}-${i * 1000 + 1}`).join(',');
    expect((await send({ range: `bytes=${spread}` }, SOURCE, { maxRanges: 4 })).res.statusCode).toBe(200);
    expect((await send({ range: `bytes=${spread}` }, SOURCE, { maxRanges: 5 })).res.statusCode).toBe(206);
  });

  it('Range is for GET only: HEAD answers as a 200 with the full length and no octets read', async () => {
    let reads = 0;
    const counting: RangeSource = { ...SOURCE, read: (s, e, sig) => (reads++, SOURCE.read(s, e, sig)) };
    const ex = await send({ range: 'bytes=0-1' }, counting, {}, 'HEAD');
    expect(ex.res.statusCode).toBe(200);
    expect(ex.res.headers['content-length']).toBe('10000');
    expect(ex.res.headers['content-range']).toBeUndefined();
    expect(reads).toBe(0);
  });
});

describe('sendRanged: conditionals', () => {
  it('304 keeps the validators and drops the representation metadata (RFC 9110 §15.4.5)', async () => {
    const ex = await send({ 'if-none-match': 'W/"v1"' });
    expect(ex.res.statusCode).toBe(304);
    expect(ex.res.body.length).toBe(0);
    expect(ex.res.headers['etag']).toBe('"v1"');
    expect(ex.res.headers['content-type']).toBeUndefined();
    expect(ex.res.headers['content-length']).toBeUndefined();
  });

  it('412 for a failed If-Match or If-Unmodified-Since', async () => {
    expect((await send({ 'if-match': '"v0"' })).res.statusCode).toBe(412);
    expect((await send({ 'if-unmodified-since': new Date(MODIFIED - 1000).toUTCString() })).res.statusCode).toBe(412);
  });

  it('If-Range: a strong match or the exact date honours the Range; anything else sends it all', async () => {
    expect((await send({ range: 'bytes=0-1', 'if-range': '"v1"' })).res.statusCode).toBe(206);
    expect((await send({ range: 'bytes=0-1', 'if-range': new Date(MODIFIED).toUTCString() })).res.statusCode).toBe(206);
    expect((await send({ range: 'bytes=0-1', 'if-range': '"v0"' })).res.statusCode).toBe(200);
    expect((await send({ range: 'bytes=0-1', 'if-range': 'W/"v1"' })).res.statusCode).toBe(200);
    expect((await send({ range: 'bytes=0-1', 'if-range': 'garbage' })).res.statusCode).toBe(200);
  });

  it('a Last-Modified in the future is sent as now (RFC 9110 §8.8.2.1)', async () => {
    const ex = await send({}, { ...SOURCE, lastModified: new Date(NOW + 3_600_000) });
    expect(ex.res.headers['last-modified']).toBe(new Date(NOW).toUTCString());
  });

  it('a compressible representation gets a weak ETag for clients that accept a coding (the server may compress a 200)', async () => {
    const text: RangeSource = { ...SOURCE, contentType: 'text/plain; charset=utf-8' };
    expect((await send({ 'accept-encoding': 'gzip' }, text)).res.headers['etag']).toBe('W/"v1"');
    expect((await send({ 'accept-encoding': 'identity' }, text)).res.headers['etag']).toBe('"v1"');
    expect((await send({ 'accept-encoding': 'gzip' }, text, { onTheFlyCompression: false })).res.headers['etag']).toBe('"v1"');
    expect((await send({ 'accept-encoding': 'gzip' }, text)).res.headers['vary']).toBe('accept-encoding');
  });
});

describe('sendRanged: sources', () => {
  it.each<[unknown, RegExp]>([
    [{ size: -1, read() {} }, /size must be a non-negative safe integer/],
    [{ size: 1.5, read() {} }, /size must be a non-negative safe integer/],
    [{ size: 1 }, /read must be a function/],
    [{ size: 1, read() {}, etag: 'v1' }, /etag must be an entity-tag/],
    [{ size: 1, read() {}, lastModified: Number.NaN }, /lastModified must be a Date/],
    [{ size: 1, read() {}, lastModified: new Date('nope') }, /lastModified must be a Date/],
    [null, /source must be a RangeSource/],
  ])('rejects %j', async (source, message) => {
    await expect(send({}, source as RangeSource)).rejects.toThrow(message);
  });

  it('rejects bad options', async () => {
    await expect(send({}, SOURCE, { maxRanges: 0 })).rejects.toThrow(/maxRanges/);
  });

  it('a source that yields the wrong number of octets fails the response instead of framing it wrongly', async () => {
    const short: RangeSource = { size: 10, async *read() { yield Buffer.alloc(5); } };
    await expect(send({}, short)).rejects.toThrow(/5 octets short/);
    const long: RangeSource = { size: 10, async *read() { yield Buffer.alloc(11); } };
    await expect(send({ range: 'bytes=0-9' }, long)).rejects.toThrow(/more than the 10 octets/);
  });

  it('stops reading when the peer goes away, and releases the source (return())', async () => {
    let yielded = 0;
    let released = false;
    const source: RangeSource = {
      size: 1_000_000,
      async *read() {
        try {
          for (;;) {
            yielded++;
            yield Buffer.alloc(1000);
          }
        } finally {
          released = true;
        }
      },
    };
    const ex = fakeExchange({ target: '/r', clock: new FakeClock(NOW) });
    const sink = ex.res.recorded;
    const write = sink.writeBody.bind(sink);
    sink.writeBody = (chunk) => {
      if (sink.chunks.length === 4) ex.abort(new Error('gone'));
      return write(chunk);
    };
    await sendRanged(ex.req, ex.res, source);
    expect(yielded).toBe(6);
    expect(released).toBe(true);
  });
});

describe('multipart-byteranges framing', () => {
  it('plans the exact Content-Length, and each head stays within the overhead bound', () => {
    const ranges = [{ start: 0, end: 0 }, { start: 500, end: 999 }, { start: 9999, end: 9999 }];
    const boundary = multipartBoundary('seed', ranges);
    const plan = planMultipart(ranges, 10_000, 'text/plain; charset=utf-8', boundary);
    const body = Buffer.concat([...plan.parts.flatMap((p) => [p.head, BODY.subarray(p.range.start, p.range.end + 1)]), plan.tail]);
    expect(body.length).toBe(plan.contentLength);
    const parsed = parseMultipartByteranges(body, plan.contentType);
    expect(parsed.map((p) => p.body.equals(BODY.subarray(p.start, p.end + 1)))).toEqual([true, true, true]);
    const bound = maxPartOverhead(boundary.length, 'text/plain; charset=utf-8'.length, 5);
    for (const p of plan.parts) expect(p.head.length).toBeLessThanOrEqual(bound);
  });

  it('opens with the boundary and closes with the close-delimiter (RFC 9110 §14.6 example)', () => {
    const plan = planMultipart([{ start: 500, end: 999 }, { start: 7000, end: 7999 }], 8000, 'application/pdf', 'THIS_STRING_SEPARATES');
    const heads = plan.parts.map((p) => p.head.toString('latin1'));
    expect(heads[0]).toBe('--THIS_STRING_SEPARATES\r\nContent-Type: application/pdf\r\nContent-Range: bytes 500-999/8000\r\n\r\n');
    expect(heads[1]).toBe('\r\n--THIS_STRING_SEPARATES\r\nContent-Type: application/pdf\r\nContent-Range: bytes 7000-7999/8000\r\n\r\n');
    expect(plan.tail.toString('latin1')).toBe('\r\n--THIS_STRING_SEPARATES--\r\n');
  });
});

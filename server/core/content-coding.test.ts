import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  ContentDecoder,
  ContentDecodingError,
  createDecoder,
  createEncoder,
  DecompressedTooLargeError,
  encodeBuffer,
  isCompressible,
  MAX_STACKED_CODINGS,
  negotiateEncoding,
  parseContentEncoding,
  UnsupportedContentEncodingError,
  type Coding,
} from './content-coding.js';
import { HttpError } from './types.js';

const gunzip = promisify(zlib.gunzip);
const inflate = promisify(zlib.inflate);
const brotliDecompress = promisify(zlib.brotliDecompress);
const gzip = promisify(zlib.gzip);
const brotliCompress = promisify(zlib.brotliCompress);

const MiB = 1024 * 1024;
const ALL: readonly Coding[] = ['br', 'gzip', 'deflate'];

/** Reference decoders, independent of the module under test. */
function referenceDecode(coding: Coding, buf: Buffer): Promise<Buffer> {
  switch (coding) {
    case 'br':
      return brotliDecompress(buf);
    case 'gzip':
      return gunzip(buf);
    case 'deflate':
      return inflate(buf);
  }
}

/** Deterministic, compressible but not trivial text (~`lines` * 60 bytes). */
function sampleText(lines: number): Buffer {
  const parts: string[] = [];
  for (let i = 0; i < lines; i++) {
    parts.push(`{"id":${i},"name":"item-${(i * 7919) % 1000}","ok":${i % 3 === 0}}\n`);
  }
  return Buffer.from(parts.join(''), 'utf8');
}

/** Deterministic incompressible bytes (xorshift32), for inputs that must not shrink. */
function noise(n: number, seed = 0x9e3779b9): Buffer {
  const out = Buffer.alloc(n);
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

function chunks(buf: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) out.push(buf.subarray(i, i + size));
  return out;
}

async function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}

interface DecodeResult {
  output: Buffer;
  received: number;
  error: unknown;
  decoder: ContentDecoder;
  /** Bytes of input the source handed over before the pipeline ended. */
  consumed: number;
}

/** Pipe `input` (in `chunkSize` pieces) through a decoder, capturing the outcome instead of throwing. */
async function decode(
  codings: readonly Coding[],
  input: Buffer,
  limit: number,
  chunkSize = 16 * 1024,
): Promise<DecodeResult> {
  const decoder = createDecoder(codings, limit);
  let consumed = 0;
  async function* source(): AsyncGenerator<Buffer> {
    for (const c of chunks(input, chunkSize)) {
      consumed += c.length;
      yield c;
    }
  }
  const parts: Buffer[] = [];
  let received = 0;
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      parts.push(chunk);
      received += chunk.length;
      cb();
    },
  });
  let error: unknown = null;
  try {
    await pipeline(source, decoder, sink);
  } catch (err) {
    error = err;
  }
  return { output: Buffer.concat(parts), received, error, decoder, consumed };
}

/** Apply codings in order, as a client would before listing them in Content-Encoding. */
async function applyCodings(codings: readonly Coding[], data: Buffer): Promise<Buffer> {
  let out = data;
  for (const c of codings) out = await encodeBuffer(c, out);
  return out;
}

describe('isCompressible', () => {
  it.each([
    'text/html',
    'text/plain; charset=utf-8',
    'TEXT/CSS',
    'text/csv',
    'application/json',
    'application/json; charset=UTF-8',
    'Application/JSON',
    'application/javascript',
    'application/xml',
    'application/ld+json',
    'application/problem+json',
    'application/vnd.api+json; charset=utf-8',
    'application/atom+xml',
    'image/svg+xml',
    'application/wasm',
    ' text/html ',
  ])('%j is compressible', (type) => {
    expect(isCompressible(type)).toBe(true);
  });

  it.each([
    undefined,
    '',
    'image/png',
    'image/jpeg',
    'image/webp',
    'image/avif',
    'application/zip',
    'application/gzip',
    'application/x-gzip',
    'application/octet-stream',
    'application/pdf',
    'video/mp4',
    'video/webm',
    'audio/mpeg',
    'font/woff2',
    'text/event-stream',
    'multipart/form-data; boundary=x',
    'json',
    'text/',
    '/json',
    'application/jsonx',
  ])('%j is not compressible', (type) => {
    expect(isCompressible(type)).toBe(false);
  });
});

describe('createEncoder', () => {
  const input = sampleText(5000); // ~270 KB

  it.each(ALL)('%s round-trips through a stream written in pieces', async (coding) => {
    const encoder = createEncoder(coding);
    const done = collect(encoder);
    for (const c of chunks(input, 1000)) encoder.write(c);
    encoder.end();
    const encoded = await done;
    expect(encoded.length).toBeLessThan(input.length / 4);
    expect((await referenceDecode(coding, encoded)).equals(input)).toBe(true);
  });

  it('produces the wire formats RFC 9110 §8.4.1 names', async () => {
    const gz = await collect(createEncoder('gzip').end(input));
    expect([gz[0], gz[1]]).toEqual([0x1f, 0x8b]); // RFC 1952 magic
    const df = await collect(createEncoder('deflate').end(input));
    // zlib format (RFC 1950), not raw deflate: CM=8 and the header check bits.
    expect((df[0] as number) & 0x0f).toBe(8);
    expect(((df[0] as number) * 256 + (df[1] as number)) % 31).toBe(0);
    const br = await collect(createEncoder('br').end(input));
    await expect(gunzip(br)).rejects.toThrow();
    expect((await brotliDecompress(br)).equals(input)).toBe(true);
  });

  it('flush() makes everything written so far decodable (for streamed responses)', async () => {
    for (const coding of ALL) {
      const encoder = createEncoder(coding);
      const parts: Buffer[] = [];
      encoder.on('data', (c: Buffer) => parts.push(c));
      encoder.write('event: one\n\n');
      await new Promise<void>((resolve) => encoder.flush(() => resolve()));
      const soFar = Buffer.concat(parts);
      const partial =
        coding === 'br'
          ? zlib.brotliDecompressSync(soFar, { finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH })
          : coding === 'gzip'
            ? zlib.gunzipSync(soFar, { finishFlush: zlib.constants.Z_SYNC_FLUSH })
            : zlib.inflateSync(soFar, { finishFlush: zlib.constants.Z_SYNC_FLUSH });
      expect(partial.toString()).toBe('event: one\n\n');
      encoder.destroy();
    }
  });

  it('accepts options and tolerates silly size hints', async () => {
    const fast = await collect(createEncoder('gzip', { level: 1 }).end(input));
    const best = await collect(createEncoder('gzip', { level: 9 }).end(input));
    expect(best.length).toBeLessThan(fast.length);
    for (const sizeHint of [Number.NaN, -1, 2 ** 40, input.length]) {
      const br = await collect(createEncoder('br', { sizeHint, text: true, quality: 5 }).end(input));
      expect((await brotliDecompress(br)).equals(input)).toBe(true);
    }
    expect(() => createEncoder('gzip', { level: 42 })).toThrow(RangeError);
  });

  it('rejects a coding it does not know', () => {
    expect(() => createEncoder('zstd' as Coding)).toThrow(TypeError);
  });
});

describe('encodeBuffer', () => {
  const input = sampleText(3000);

  it.each(ALL)('%s round-trips', async (coding) => {
    const encoded = await encodeBuffer(coding, input);
    expect(encoded.length).toBeLessThan(input.length / 4);
    expect((await referenceDecode(coding, encoded)).equals(input)).toBe(true);
  });

  it.each(ALL)('%s round-trips empty and incompressible input', async (coding) => {
    const empty = await encodeBuffer(coding, Buffer.alloc(0));
    expect((await referenceDecode(coding, empty)).length).toBe(0);
    const random = noise(100_000);
    expect((await referenceDecode(coding, await encodeBuffer(coding, random))).equals(random)).toBe(true);
  });

  it('is deterministic (gzip MTIME is 0) and matches the streaming encoder', async () => {
    for (const coding of ALL) {
      const a = await encodeBuffer(coding, input, { sizeHint: input.length });
      const b = await encodeBuffer(coding, input, { sizeHint: input.length });
      expect(a.equals(b)).toBe(true);
    }
    const gz = await encodeBuffer('gzip', input);
    expect(gz.readUInt32LE(4)).toBe(0);
    expect(gz.equals(await collect(createEncoder('gzip').end(input)))).toBe(true);
  });

  it('honours the brotli quality option', async () => {
    const q0 = await encodeBuffer('br', input, { quality: 0 });
    const q11 = await encodeBuffer('br', input, { quality: 11 });
    expect(q11.length).toBeLessThan(q0.length);
  });

  it('rejects a coding it does not know', async () => {
    await expect(encodeBuffer('zstd' as Coding, input)).rejects.toThrow(TypeError);
  });
});

describe('parseContentEncoding', () => {
  it.each([
    [undefined, []],
    ['', []],
    [' , ', []],
    ['gzip', ['gzip']],
    ['GZip', ['gzip']],
    ['x-gzip', ['gzip']],
    ['br', ['br']],
    ['deflate', ['deflate']],
    ['gzip, br', ['gzip', 'br']],
    ['deflate,gzip ,\tbr', ['deflate', 'gzip', 'br']],
    ['identity', []],
    ['identity, gzip, IDENTITY', ['gzip']],
    [',,gzip,,', ['gzip']],
    ['gzip, gzip, gzip, gzip', ['gzip', 'gzip', 'gzip', 'gzip']],
  ] as const)('%j is %j', (value, expected) => {
    expect(parseContentEncoding(value)).toEqual(expected);
  });

  it.each([
    ['compress', 'compress'],
    ['gzip, zstd', 'zstd'],
    ['Zstd, gzip', 'Zstd'],
    ['gzip;q=1', 'gzip;q=1'],
    ['g zip', 'g zip'],
    ['*', '*'],
    ['gzip, gzip, gzip, gzip, gzip', 'gzip, gzip, gzip, gzip, gzip'],
  ])('%j is unsupported (%j)', (value, name) => {
    expect(parseContentEncoding(value)).toEqual({ unsupported: name });
  });

  it('handles long whitespace runs in linear time', () => {
    // A trimming regex like /[ \t]+$/ backtracks quadratically here (minutes at this size).
    const pad = ' \t'.repeat(100_000);
    expect(parseContentEncoding(`${pad}gzip${pad},${pad}br${pad}`)).toEqual(['gzip', 'br']);
    expect(parseContentEncoding(`${pad}x${pad}gzip`)).toEqual({ unsupported: `x${pad}gzip` });
  });

  it('caps stacked codings at MAX_STACKED_CODINGS', () => {
    expect(MAX_STACKED_CODINGS).toBe(4);
    expect(parseContentEncoding(Array(MAX_STACKED_CODINGS).fill('br').join(','))).toHaveLength(4);
    expect(parseContentEncoding(Array(MAX_STACKED_CODINGS + 1).fill('br').join(','))).toHaveProperty('unsupported');
  });
});

describe('createDecoder', () => {
  const input = sampleText(4000);

  it.each(ALL)('decodes %s', async (coding) => {
    const encoded = await encodeBuffer(coding, input);
    const r = await decode([coding], encoded, 10 * MiB, 1000);
    expect(r.error).toBeNull();
    expect(r.output.equals(input)).toBe(true);
    expect(r.decoder.decodedBytes).toBe(input.length);
  });

  it.each([
    ['gzip, br'],
    ['br, gzip'],
    ['deflate, gzip, br'],
    ['x-gzip, identity, deflate'],
    ['br, br, gzip, deflate'],
  ])('decodes stacked codings %j in reverse order', async (header) => {
    const codings = parseContentEncoding(header);
    if (!Array.isArray(codings)) throw new Error('expected codings');
    const encoded = await applyCodings(codings, input);
    const r = await decode(codings, encoded, 10 * MiB, 777);
    expect(r.error).toBeNull();
    expect(r.output.equals(input)).toBe(true);
  });

  it('fails with 400 when stacked codings are decoded in the wrong order', async () => {
    const encoded = await applyCodings(['gzip', 'br'], input);
    const r = await decode(['br', 'gzip'], encoded, 10 * MiB);
    expect(r.error).toBeInstanceOf(ContentDecodingError);
    expect((r.error as ContentDecodingError).status).toBe(400);
  });

  it('passes content through unchanged with no codings, still enforcing the limit', async () => {
    const ok = await decode([], input, input.length, 1000);
    expect(ok.error).toBeNull();
    expect(ok.output.equals(input)).toBe(true);
    const over = await decode([], input, input.length - 1, 1000);
    expect(over.error).toBeInstanceOf(DecompressedTooLargeError);
    expect(over.received).toBeLessThanOrEqual(input.length - 1);
  });

  it('accepts content of exactly the limit and rejects one byte more', async () => {
    const encoded = await encodeBuffer('gzip', input);
    const exact = await decode(['gzip'], encoded, input.length);
    expect(exact.error).toBeNull();
    expect(exact.output.length).toBe(input.length);
    const short = await decode(['gzip'], encoded, input.length - 1);
    expect(short.error).toBeInstanceOf(DecompressedTooLargeError);
    expect((short.error as DecompressedTooLargeError).limit).toBe(input.length - 1);
    expect(short.received).toBeLessThanOrEqual(input.length - 1);
  });

  describe('zip bombs', () => {
    const limit = 1 * MiB;
    // Upper bound on decompressed bytes produced before the decoder gives up: the limit plus
    // one zlib output chunk (16 KiB), with room to spare; unbounded decoding would be 64 MiB.
    const bound = limit + 64 * 1024;

    it('stops a gzip bomb (64 MiB of zeros) at a 1 MiB limit with a 413', async () => {
      const bomb = await gzip(Buffer.alloc(64 * MiB), { level: 9 });
      expect(bomb.length).toBeLessThan(128 * 1024); // sanity: it is a bomb (> 500:1)
      const r = await decode(['gzip'], bomb, limit);
      expect(r.error).toBeInstanceOf(DecompressedTooLargeError);
      expect(r.error).toBeInstanceOf(HttpError);
      expect((r.error as HttpError).status).toBe(413);
      expect(r.received).toBeLessThanOrEqual(limit);
      expect(r.decoder.decodedBytes).toBeGreaterThan(limit);
      expect(r.decoder.decodedBytes).toBeLessThanOrEqual(bound);
      // The decompressor was torn down, not left inflating its buffered input in the background.
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(r.decoder.decodedBytes).toBeLessThanOrEqual(bound);
    });

    it('stops reading input early: a 1 GiB multi-member gzip bomb is barely consumed', async () => {
      // 16 concatenated gzip members (RFC 1952 §2.2) of 64 MiB each: 1 GiB decoded.
      const member = await gzip(Buffer.alloc(64 * MiB), { level: 9 });
      const bomb = Buffer.concat(Array(16).fill(member) as Buffer[]);
      const r = await decode(['gzip'], bomb, limit, 4096);
      expect(r.error).toBeInstanceOf(DecompressedTooLargeError);
      expect(r.received).toBeLessThanOrEqual(limit);
      expect(r.decoder.decodedBytes).toBeLessThanOrEqual(bound);
      // 1 MiB of output needs ~1 KB of input; allow for stream buffering, but nowhere near all of it.
      expect(r.consumed).toBeLessThan(bomb.length / 8);
    });

    it('stops a brotli bomb', async () => {
      // Quality 5: the default (11) takes seconds on 64 MiB and the bomb is tiny either way.
      const bomb = await brotliCompress(Buffer.alloc(64 * MiB), {
        params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5 },
      });
      expect(bomb.length).toBeLessThan(4096);
      const r = await decode(['br'], bomb, limit);
      expect(r.error).toBeInstanceOf(DecompressedTooLargeError);
      expect(r.received).toBeLessThanOrEqual(limit);
      expect(r.decoder.decodedBytes).toBeLessThanOrEqual(bound);
    });

    it('stops a nested gzip(gzip(zeros)) bomb', async () => {
      const bomb = await applyCodings(['gzip', 'gzip'], Buffer.alloc(64 * MiB));
      const r = await decode(['gzip', 'gzip'], bomb, limit);
      expect(r.error).toBeInstanceOf(DecompressedTooLargeError);
      expect(r.received).toBeLessThanOrEqual(limit);
      expect(r.decoder.decodedBytes).toBeLessThanOrEqual(bound);
    });

    it('caps intermediate stages: an inner layer of empty gzip members decoding to nothing', async () => {
      const emptyMember = await gzip(Buffer.alloc(0));
      const inner = Buffer.concat(Array(20_000).fill(emptyMember) as Buffer[]); // ~400 KB -> 0 bytes
      const small = 64 * 1024;
      // Decoded alone, the inner layer is legitimately empty: no final-output limit would trip ...
      const alone = await decode(['gzip'], inner, small);
      expect(alone.error).toBeNull();
      expect(alone.output.length).toBe(0);
      // ... so it is the intermediate cap that stops the stacked form.
      const outer = await gzip(inner);
      const r = await decode(['gzip', 'gzip'], outer, small);
      expect(r.error).toBeInstanceOf(DecompressedTooLargeError);
      expect((r.error as HttpError).status).toBe(413);
    });
  });

  describe('corrupt content', () => {
    const good = sampleText(500);

    it.each(ALL)('%s: garbage gives a 400 ContentDecodingError', async (coding) => {
      const r = await decode([coding], noise(5000, 7), MiB);
      expect(r.error).toBeInstanceOf(ContentDecodingError);
      expect(r.error).toBeInstanceOf(HttpError);
      expect((r.error as ContentDecodingError).status).toBe(400);
      expect((r.error as ContentDecodingError).coding).toBe(coding);
      expect((r.error as Error).cause).toBeInstanceOf(Error);
    });

    it.each(ALL)('%s: truncated content gives a 400', async (coding) => {
      const encoded = await encodeBuffer(coding, good);
      const r = await decode([coding], encoded.subarray(0, encoded.length - 10), MiB);
      expect(r.error).toBeInstanceOf(ContentDecodingError);
      expect((r.error as ContentDecodingError).status).toBe(400);
    });

    it('gzip with a bad CRC gives a 400', async () => {
      const encoded = Buffer.from(await encodeBuffer('gzip', good));
      const crcAt = encoded.length - 8;
      encoded[crcAt] = (encoded[crcAt] as number) ^ 0xff;
      const r = await decode(['gzip'], encoded, MiB);
      expect(r.error).toBeInstanceOf(ContentDecodingError);
      expect((r.error as ContentDecodingError).status).toBe(400);
    });

    it('raw deflate (no zlib wrapper) labelled deflate gives a 400', async () => {
      const raw = await promisify(zlib.deflateRaw)(good);
      const r = await decode(['deflate'], raw, MiB);
      expect(r.error).toBeInstanceOf(ContentDecodingError);
    });

    it('names the layer that failed in a stack', async () => {
      // Valid gzip outside, garbage inside where br is expected.
      const encoded = await encodeBuffer('gzip', noise(3000, 3));
      const r = await decode(['br', 'gzip'], encoded, MiB);
      expect(r.error).toBeInstanceOf(ContentDecodingError);
      expect((r.error as ContentDecodingError).coding).toBe('br');
    });
  });

  it('keeps backpressure: an unread decoder stops decompressing', async () => {
    const decoder = createDecoder(['gzip'], 128 * MiB);
    const bomb = await gzip(Buffer.alloc(32 * MiB));
    decoder.write(bomb);
    decoder.end();
    // Give the threadpool ample time; with nobody reading, decoding must stall near the buffers' size.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(decoder.decodedBytes).toBeLessThan(MiB);
    const output = await collect(decoder);
    expect(output.length).toBe(32 * MiB);
    expect(decoder.decodedBytes).toBe(32 * MiB);
  });

  it('can be destroyed mid-stream without stray errors, releasing a parked writer', async () => {
    const decoder = createDecoder(['gzip'], 128 * MiB);
    const bomb = await gzip(Buffer.alloc(32 * MiB));
    const errors: Error[] = [];
    decoder.on('error', (e) => errors.push(e));
    const written = new Promise<Error | null | undefined>((resolve) => decoder.write(bomb, resolve));
    await new Promise((resolve) => setTimeout(resolve, 50));
    decoder.destroy();
    const writeResult = await written;
    await new Promise((resolve) => setImmediate(resolve));
    expect(decoder.destroyed).toBe(true);
    expect(errors).toEqual([]);
    // Nobody reads, so the write stayed parked on backpressure; destroy must release it, not leave it hanging.
    expect(writeResult).toBeInstanceOf(Error);
  });

  it('validates its arguments', () => {
    expect(() => createDecoder(['gzip'], -1)).toThrow(RangeError);
    expect(() => createDecoder(['gzip'], Number.NaN)).toThrow(RangeError);
    expect(() => createDecoder(['zstd' as Coding], 1)).toThrow(TypeError);
  });
});

describe('errors', () => {
  it('UnsupportedContentEncodingError is a 415 advertising what we accept', () => {
    const err = new UnsupportedContentEncodingError('zstd');
    expect(err).toBeInstanceOf(HttpError);
    expect(err.status).toBe(415);
    expect(err.headers).toEqual([['accept-encoding', 'br, gzip, deflate']]);
    expect(err.message).toContain('zstd');
  });

  it('re-exports negotiation for one-stop imports', () => {
    expect(negotiateEncoding('gzip', ALL)).toBe('gzip');
  });
});

import { describe, expect, it } from 'vitest';
import { fakeExchange } from '../core/test-support/fake-exchange.js';
import { BYTES_CHUNK, bytesChunk, createDemoRouter, patternByte, patternBytes, patternView } from './demo-routes.js';

describe('the /bytes pattern', () => {
  it('patternBytes is patternByte octet by octet, for any offset and length (also past one copy window)', () => {
    for (const [start, length] of [[0, 0], [0, 1], [51, 2], [52, 53], [12_345, 16_384], [7, 64 * 1024 + 3], [1_000_003, 200_000]] as const) {
      const got = patternBytes(start, length);
      expect(got.length).toBe(length);
      let firstDiff = -1;
      for (let k = 0; k < length && firstDiff < 0; k++) if (got[k] !== patternByte(start + k)) firstDiff = k;
      expect(firstDiff, `start ${start} length ${length}`).toBe(-1);
    }
  });

  it('returns a fresh buffer each time: a caller may keep or change it', () => {
    const a = patternBytes(0, 8);
    a[0] = 0;
    expect(patternBytes(0, 8)[0]).toBe(0x41);
  });
});

describe('patternView', () => {
  it('has the octets of patternBytes, short or long', () => {
    for (const [start, length] of [[0, 13], [99, 16_384], [5, 64 * 1024], [1, 64 * 1024 + 1]] as const) {
      expect(patternView(start, length).equals(patternBytes(start, length)), `start ${start} length ${length}`).toBe(true);
    }
  });
});

describe('bytesChunk (the chunks /bytes streams)', () => {
  it('has the octets of the pattern at every chunk offset, full-size or the short last one', () => {
    for (let k = 0; k < 60; k++) {
      const start = k * BYTES_CHUNK;
      expect(bytesChunk(start, BYTES_CHUNK).equals(patternBytes(start, BYTES_CHUNK)), `chunk ${k}`).toBe(true);
      expect(bytesChunk(start, 1000 + k).equals(patternBytes(start, 1000 + k)), `short chunk ${k}`).toBe(true);
    }
  });

  it('returns the same view for chunks that start at the same phase of the pattern: none is made per response', () => {
    // 16 KiB is 4 more than a multiple of the 52-octet period: the phases repeat every 13 chunks.
    expect(bytesChunk(13 * BYTES_CHUNK, BYTES_CHUNK)).toBe(bytesChunk(0, BYTES_CHUNK));
    expect(bytesChunk(BYTES_CHUNK, BYTES_CHUNK)).not.toBe(bytesChunk(0, BYTES_CHUNK));
  });
});

describe('GET /bytes/:n', () => {
  it('streams n octets of the pattern in chunks and ends', async () => {
    const n = 5 * BYTES_CHUNK + 123;
    const ex = fakeExchange({ target: `/bytes/${n}` });
    await createDemoRouter().handle(ex.req, ex.res);
    expect(ex.res.recorded.chunks.length).toBe(6);
    expect(ex.res.body.equals(patternBytes(0, n))).toBe(true);
    expect(ex.res.headers['content-length']).toBe(String(n));
    expect(ex.res.finished).toBe(true);
  });

  it('stops writing once the exchange is torn down, even when every write was taken at once', async () => {
    const ex = fakeExchange({ target: '/bytes/1073741824' });
    const sink = ex.res.recorded;
    const take = sink.writeBody.bind(sink);
    sink.writeBody = (chunk) => {
      take(chunk);
      // The peer resets the stream after the third chunk: the protocol aborts the request's
      // signal and fails the response, as Http2Stream.cancel does.
      if (sink.chunks.length === 3) {
        ex.abort(new Error('stream reset by the peer'));
        ex.res.fail(new Error('stream reset by the peer'));
      }
      return true;
    };
    await createDemoRouter().handle(ex.req, ex.res);
    expect(sink.chunks.length).toBe(3);
    expect(sink.aborted?.message).toBe('stream reset by the peer');
  });
});

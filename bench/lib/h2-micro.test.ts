import { describe, expect, it } from 'vitest';
import { HpackDecoder } from '../../server/http2/hpack/index.js';
import { BenchError } from './bench-support.js';
import { BROWSER_REQUEST, encodeBlocks, frameMix, frameWorkloads, hpackWorkloads, requestLists, verifyDecoded, type Workload } from './h2-micro-workloads.js';
import { CaptureTransport, streamWorkloads } from './h2-micro-streams.js';

/** The check, then one timed pass, as bench:h2-micro runs it. */
async function once(w: Workload) {
  await w.check();
  const runner = await w.open();
  try {
    return await runner.pass();
  } finally {
    runner.close();
  }
}

describe('bench:h2-micro measures working paths', () => {
  it('HPACK: blocks of every variant decode to the input, and a pass counts every field and octet', async () => {
    const workloads = hpackWorkloads({ blocks: 6 });
    expect(workloads.map((w) => `${w.group}: ${w.variant}`)).toHaveLength(8);
    for (const hits of [true, false]) {
      const lists = requestLists(6, hits);
      for (const huffman of ['shorter', 'never'] as const) {
        const decoder = new HpackDecoder();
        expect(encodeBlocks(lists, huffman).map((b) => decoder.decode(b))).toEqual(lists);
      }
    }
    for (const w of workloads) {
      const r = await once(w);
      expect(r.items, w.variant).toBe(6 * BROWSER_REQUEST.length);
      expect(r.bytes, w.variant).toBeGreaterThan(0);
    }
  });

  it('HPACK: table hits make later blocks small, cold blocks stay large', () => {
    const hot = encodeBlocks(requestLists(3, true), 'never');
    const cold = encodeBlocks(requestLists(3, false), 'never');
    expect(hot[2]!.length * 4).toBeLessThan(hot[0]!.length);
    expect(cold[2]!.length * 10).toBeGreaterThan(cold[0]!.length * 6);
  });

  it('HPACK: the check refuses output that differs from the input', () => {
    const lists = requestLists(2, true);
    const blocks = encodeBlocks(lists, 'never');
    expect(() => verifyDecoded('swapped', [lists[1]!, lists[0]!], blocks)).toThrow(BenchError);
  });

  it('frame reader: both read sizes deliver every frame of the mix', async () => {
    const mix = frameMix(2);
    expect(mix.types).toHaveLength(24);
    for (const w of frameWorkloads({ units: 2 })) {
      const r = await once(w);
      expect(r.items, w.variant).toBe(24);
      expect(r.bytes).toBe(mix.buffer.length);
    }
  });

  it('streams: one connection answers every request of a batch, one response each', async () => {
    for (const w of streamWorkloads({ batch: 10 })) {
      const r = await once(w);
      expect(r.items, w.variant).toBe(10);
      // HEADERS and DATA per response: at least the two frame headers and "hello, world\n".
      expect(r.bytes / r.items, w.variant).toBeGreaterThan(2 * 9 + 13);
    }
  });

  it('the capturing transport counts frames whatever the write boundaries', () => {
    const t = new CaptureTransport();
    const bytes = frameMix(1).buffer;
    for (let at = 0; at < bytes.length; at += 7) t.write(bytes.subarray(at, at + 7));
    expect(t.frames).toBe(12);
    expect(t.headers).toBe(4);
    expect(t.data).toBe(4);
    expect(t.endStreams).toBe(4);
    expect(t.dataBytes).toBe(frameMix(1).dataBytes);
  });
});

import { describe, expect, it } from 'vitest';
import { OutputBatch } from './output-batch.js';
import type { Transport } from '../transport/transport.js';

/** A transport that records each call: write(chunk) or writev(chunks), and can report itself full. */
function recorder(options: { writev: boolean; fullAfter?: number }) {
  const calls: Array<{ kind: 'write' | 'writev'; chunks: Buffer[] }> = [];
  let octets = 0;
  const below = (): boolean => options.fullAfter === undefined || octets <= options.fullAfter;
  const t = {
    // What the kernel did not take: the octets past `fullAfter`.
    get writableLength() {
      return options.fullAfter !== undefined && octets > options.fullAfter ? octets - options.fullAfter : 0;
    },
    write(chunk: Uint8Array) {
      calls.push({ kind: 'write', chunks: [Buffer.from(chunk)] });
      octets += chunk.length;
      return below();
    },
    ...(options.writev ? {
      writev(chunks: readonly Uint8Array[]) {
        calls.push({ kind: 'writev', chunks: chunks.map((c) => Buffer.from(c)) });
        for (const c of chunks) octets += c.length;
        return below();
      },
    } : {}),
  } as unknown as Transport;
  const wire = (): Buffer => Buffer.concat(calls.flatMap((c) => c.chunks));
  return { t, calls, wire };
}

const small = (n: number, fill: number) => Buffer.alloc(n, fill);

describe('OutputBatch', () => {
  it('a turn\'s frames reach the transport once, at the end of the turn, in order', () => {
    const r = recorder({ writev: true });
    const b = new OutputBatch(r.t, () => {});
    b.begin();
    b.add(small(9, 1));
    b.add(small(13, 2));
    b.begin(); // nested turn
    b.add(small(5, 3));
    b.end();
    expect(r.calls).toEqual([]);
    b.end();
    expect(r.calls.length).toBe(1);
    expect(r.wire()).toEqual(Buffer.concat([small(9, 1), small(13, 2), small(5, 3)]));
  });

  it('outside a turn, frames written together go out once, on the next tick', async () => {
    const r = recorder({ writev: true });
    const b = new OutputBatch(r.t, () => {});
    b.add(small(9, 1));
    await Promise.resolve(); // a promise job in between (an await in a handler) still joins the batch
    b.add(small(9, 2));
    expect(r.calls).toEqual([]);
    await new Promise((resolve) => process.nextTick(resolve));
    expect(r.calls.length).toBe(1);
    expect(r.wire()).toEqual(Buffer.concat([small(9, 1), small(9, 2)]));
  });

  it('large frames go by writev beside the joined small ones, not copied; without writev, one write each', () => {
    for (const writev of [true, false]) {
      const r = recorder({ writev });
      const b = new OutputBatch(r.t, () => {});
      const payload = small(16_384, 7);
      b.begin();
      b.add(small(9, 1));
      b.add(small(9, 2));
      b.add(payload);
      b.add(small(9, 3));
      b.end();
      expect(r.wire()).toEqual(Buffer.concat([small(9, 1), small(9, 2), payload, small(9, 3)]));
      if (writev) {
        expect(r.calls.map((c) => [c.kind, c.chunks.map((x) => x.length)])).toEqual([['writev', [18, 16_384, 9]]]);
      } else expect(r.calls.map((c) => c.chunks[0]!.length)).toEqual([18, 16_384, 9]);
    }
  });

  it('past maxBatchBytes it flushes at once, so a full transport is seen (onBlocked) within a batch', () => {
    const r = recorder({ writev: true, fullAfter: 20_000 });
    let blocked = 0;
    const b = new OutputBatch(r.t, () => blocked++, 32 * 1024);
    b.begin();
    for (let i = 0; i < 3; i++) b.add(small(16_384, i));
    expect(r.calls.length).toBe(1); // 2 x 16 KiB reached the bound
    expect(blocked).toBe(1);
    b.end();
    expect(r.calls.length).toBe(2);
    expect(b.bytes).toBe(0);
  });

  it('write() saying false with nothing left queued (the kernel took it all) is not a full transport', () => {
    const calls: number[] = [];
    const t = { writableLength: 0, write: (c: Uint8Array) => (calls.push(c.length), false) } as unknown as Transport;
    let blocked = 0;
    const b = new OutputBatch(t, () => blocked++);
    b.begin();
    b.add(small(40_000, 1));
    b.end();
    expect(calls).toEqual([40_000]);
    expect(blocked).toBe(0);
  });

  it('discard drops what is collected (a reset connection writes nothing more)', () => {
    const r = recorder({ writev: true });
    const b = new OutputBatch(r.t, () => {});
    b.begin();
    b.add(small(9, 1));
    expect(b.bytes).toBe(9);
    b.discard();
    b.end();
    expect(r.calls).toEqual([]);
  });
});

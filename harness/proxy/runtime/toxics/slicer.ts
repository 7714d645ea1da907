import type { Rng } from '../../../sim/rng.js';
import { EOF, INTERRUPTED, TIMEOUT } from '../channel.js';
import { attr, type ToxicBehaviour } from './toxic.js';

/**
 * The piece sizes slicer cuts a chunk of `length` bytes into (reference §7): a piece is kept when
 * len - average <= variation, else split at len/2 + U, U uniform in [-variation, variation), left
 * half first. Guards against the inputs that crash upstream: average <= 0 counts as 1 (Go recurses
 * forever), a negative variation as 0, and U is clamped so both halves keep at least one byte
 * (Go slices out of range when variation > len/2).
 */
export function slicePieces(length: number, averageSize: number, sizeVariation: number, rng: Rng): number[] {
  const average = Math.max(1, Math.trunc(averageSize));
  const variation = Math.max(0, Math.trunc(sizeVariation));
  const pieces: number[] = [];
  const cut = (len: number): void => {
    if (len - average <= variation) {
      pieces.push(len);
      return;
    }
    const half = Math.floor(len / 2);
    const v = Math.min(variation, half - 1);
    const mid = v > 0 ? half + rng.int(-v, v - 1) : half;
    cut(mid);
    cut(len - mid);
  };
  if (length > 0) cut(length);
  return pieces;
}

/**
 * slicer {average_size, size_variation, delay} (reference §7): each chunk goes out as the pieces
 * above, in order, `delay` MICROseconds after each piece. Timers have 1 ms granularity, so the
 * pieces run on a timeline (due += delay) and we sleep only once at least 1 ms is owed: the average
 * pace is right even for sub-ms delays. Interrupted, the rest of the chunk goes on at once.
 */
export const slicer: ToxicBehaviour = {
  bufferSize: 1,
  async pipe(ctx, attrs) {
    const delayMs = attr(attrs, 'delay') / 1000;
    for (;;) {
      const item = await ctx.receive();
      if (item === INTERRUPTED || item === TIMEOUT) return;
      if (item === EOF) return ctx.close();
      const pieces = slicePieces(item.data.length, attr(attrs, 'average_size'), attr(attrs, 'size_variation'), ctx.rng);
      let due = performance.now();
      let offset = 0;
      for (const size of pieces) {
        ctx.decide('slice', size);
        await ctx.send({ data: item.data.subarray(offset, offset + size), at: item.at });
        offset += size;
        if (delayMs <= 0) continue;
        due += delayMs;
        const wait = due - performance.now();
        if (wait >= 1 && !(await ctx.sleep(wait))) {
          if (offset < item.data.length) await ctx.send({ data: item.data.subarray(offset), at: item.at });
          return;
        }
      }
    }
  },
};

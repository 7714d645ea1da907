import { EOF, INTERRUPTED, TIMEOUT } from '../channel.js';
import { attr, type ToxicBehaviour } from './toxic.js';

/**
 * limit_data {bytes} (reference §7): forwards until `bytes` have passed on this link (the chunk
 * that crosses the limit is cut), then closes. The counter is per connection and direction and
 * kept across updates (stage state). Like Go it acts on arriving chunks: bytes 0 closes on the
 * first chunk, not before.
 */
export const limitData: ToxicBehaviour = {
  bufferSize: 1,
  newState: () => ({ transmitted: 0 }),
  async pipe(ctx, attrs, state) {
    const limit = attr(attrs, 'bytes');
    for (;;) {
      const item = await ctx.receive();
      if (item === INTERRUPTED || item === TIMEOUT) return;
      if (item === EOF) return ctx.close();
      const remaining = Math.max(0, limit - state.transmitted!);
      const data = remaining < item.data.length ? item.data.subarray(0, remaining) : item.data;
      if (data.length > 0) {
        await ctx.send(data === item.data ? item : { data, at: item.at });
        state.transmitted! += data.length;
      }
      if (limit - state.transmitted! <= 0) return ctx.close();
    }
  },
};

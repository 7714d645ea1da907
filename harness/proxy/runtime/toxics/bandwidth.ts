import { EOF, INTERRUPTED, TIMEOUT } from '../channel.js';
import { attr, type ToxicBehaviour } from './toxic.js';

/**
 * bandwidth {rate} in KB/s, KB = 1000 bytes, i.e. bytes per ms (reference §7). Each chunk adds
 * len/rate ms to a sleep budget; chunks longer than rate*100 bytes go out in rate*100-byte pieces
 * every 100 ms, then the rest after what is left of the budget. The budget is reduced by the time
 * actually slept, so timer overshoot is paid back on the next chunk (Go does the same).
 *
 * rate 0: nothing ever passes (Go emits empty chunks every 100 ms forever); we hold the chunk until
 * the toxic is interrupted. A negative rate panics upstream; here it behaves as 0.
 */
export const bandwidth: ToxicBehaviour = {
  bufferSize: 1,
  async pipe(ctx, attrs) {
    const rate = attr(attrs, 'rate');
    const piece = Math.floor(rate * 100);
    let budget = 0;
    for (;;) {
      const item = await ctx.receive();
      if (item === INTERRUPTED || item === TIMEOUT) return;
      if (item === EOF) return ctx.close();
      if (rate <= 0 || piece <= 0) {
        await ctx.sleep(Infinity);
        await ctx.send(item);
        return;
      }
      budget += item.data.length / rate;
      let data = item.data;
      while (data.length > piece) {
        if (!(await ctx.sleep(100))) {
          await ctx.send({ data, at: item.at });
          return;
        }
        await ctx.send({ data: data.subarray(0, piece), at: item.at });
        data = data.subarray(piece);
        budget -= 100;
      }
      const start = performance.now();
      if (!(await ctx.sleep(budget))) {
        await ctx.send({ data, at: item.at });
        return;
      }
      budget -= performance.now() - start;
      await ctx.send({ data, at: item.at });
    }
  },
};

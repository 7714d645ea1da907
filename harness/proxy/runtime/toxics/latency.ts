import { EOF, INTERRUPTED, TIMEOUT } from '../channel.js';
import { attr, type ToxicBehaviour } from './toxic.js';

/**
 * latency {latency, jitter} (reference §7): chunk released at receive_time + d, d = latency + U,
 * U uniform integer in [-jitter, jitter) when jitter > 0 (Go: Int63n(2*jitter) - jitter). Waiting
 * from the receive stamp, not from when the chunk reached us, keeps back-to-back chunks from
 * accumulating delay. On interrupt the held chunk goes on at once (no data loss).
 *
 * Stacking: the chunk's stamp is advanced by d, so the next latency toxic waits from there and n
 * toxics add up. Deviation: Go advances the stamp by the sleep it actually did (d minus the time
 * the chunk sat in the 1024-chunk buffer), so a queued chunk loses that wait at the next latency
 * toxic; we advance by d (never by a negative d) so stacked latencies always add up as intended.
 */
export const latency: ToxicBehaviour = {
  bufferSize: 1024,
  async pipe(ctx, attrs) {
    const base = attr(attrs, 'latency');
    const jitter = Math.trunc(attr(attrs, 'jitter'));
    for (;;) {
      const item = await ctx.receive();
      if (item === INTERRUPTED || item === TIMEOUT) return;
      if (item === EOF) return ctx.close();
      let delay = base;
      if (jitter > 0) {
        const u = ctx.rng.int(-jitter, jitter - 1);
        ctx.decide('jitter', u);
        delay += u;
      }
      const wait = item.at + delay - performance.now();
      if (wait > 0 && !(await ctx.sleep(wait))) {
        await ctx.send(item);
        return;
      }
      item.at += Math.max(0, delay);
      await ctx.send(item);
    }
  },
};

import { EOF, INTERRUPTED, TIMEOUT } from '../channel.js';
import { attr, type ToxicBehaviour } from './toxic.js';

/**
 * slow_close {delay} (reference §7): data passes unchanged; when EOF reaches it, wait `delay` ms,
 * then close. Interrupted during the wait it just returns: EOF is sticky on the channel (a closed Go
 * channel), so a restarted toxic (PATCH) starts a new delay and a removal's flush closes at once.
 */
export const slowClose: ToxicBehaviour = {
  bufferSize: 1,
  async pipe(ctx, attrs) {
    for (;;) {
      const item = await ctx.receive();
      if (item === INTERRUPTED || item === TIMEOUT) return;
      if (item === EOF) {
        if (await ctx.sleep(attr(attrs, 'delay'))) ctx.close();
        return;
      }
      await ctx.send(item);
    }
  },
};

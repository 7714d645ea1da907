import { EOF, INTERRUPTED, TIMEOUT } from '../channel.js';
import { attr, type ToxicBehaviour } from './toxic.js';

/**
 * timeout {timeout} (reference §7): drops every chunk. With timeout > 0 the link closes when no
 * chunk has arrived for `timeout` ms; the clock starts when the toxic starts on the link and
 * restarts on every (dropped) chunk. 0 never closes. Removing it closes the link (its cleanup),
 * on every connection, also where toxicity made it inactive (§4 DELETE).
 */
export const timeout: ToxicBehaviour = {
  bufferSize: 1,
  async pipe(ctx, attrs) {
    const ms = attr(attrs, 'timeout');
    for (;;) {
      const item = await ctx.receive(ms > 0 ? ms : Infinity);
      if (item === INTERRUPTED) return;
      if (item === TIMEOUT || item === EOF) return ctx.close();
    }
  },
  cleanup(ctx) {
    ctx.close();
  },
};

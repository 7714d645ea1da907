import { INTERRUPTED } from '../channel.js';
import { attr, type ToxicBehaviour } from './toxic.js';

/**
 * reset_peer {timeout} (reference §7): the first chunk (data or EOF) to arrive is discarded, then
 * after `timeout` ms (an interrupt does not cut the wait short) the link closes. Whether the close
 * is a TCP RST is the connection's business: it is when a reset_peer toxic existed when the
 * connection was set up (Toxiproxy set SO_LINGER=0 on both sockets then); see connection.ts.
 * Without traffic nothing happens.
 */
export const resetPeer: ToxicBehaviour = {
  bufferSize: 1,
  async pipe(ctx, attrs) {
    const item = await ctx.receive();
    if (item === INTERRUPTED) return;
    await ctx.sleepThrough(attr(attrs, 'timeout'));
    ctx.close();
  },
};

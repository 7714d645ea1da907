import { EOF, INTERRUPTED, TIMEOUT } from '../channel.js';
import type { StageContext } from '../stage.js';
import type { ToxicBehaviour } from './toxic.js';

/**
 * Pass-through (reference §7 noop, and what runs in place of a toxic whose toxicity draw said
 * "inactive", §6).
 */
export async function noopPipe(ctx: StageContext): Promise<void> {
  for (;;) {
    const item = await ctx.receive();
    if (item === INTERRUPTED || item === TIMEOUT) return;
    if (item === EOF) return ctx.close();
    await ctx.send(item);
  }
}

export const noop: ToxicBehaviour = { bufferSize: 1, pipe: (ctx) => noopPipe(ctx) };

import { defineProxyScenario, mustFailCleanly, streamBody } from './support.js';

export default defineProxyScenario({
  name: 'proxy/h1-reset-peer-mid-stream',
  description: 'HTTP/1.1: a reset_peer toxic added while a slow chunked response streams; a second connection opened after it gets an RST at its first byte',
  protocol: 'h1',
  expect: 'the streaming response ends in an error with a true prefix; the connection that existed when reset_peer was set up sees ECONNRESET; the server cleans up both',
  async run(ctx) {
    const streaming = ctx.h1().request({ path: '/stream?chunks=40&size=500&delay=50' });
    await ctx.sleep(400);
    await ctx.addToxic({ name: 'rst', type: 'reset_peer', stream: 'downstream', attributes: { timeout: 0 } });
    const r = await streaming;
    mustFailCleanly(ctx, 'GET /stream (toxic added live)', r, streamBody(40, 500));
    ctx.check(r.body.length > 0, 'the stream should have delivered something before the toxic');
    const fresh = await ctx.h1().request({ path: '/bytes/1000' });
    mustFailCleanly(ctx, 'GET /bytes/1000 (toxic at setup)', fresh, Buffer.alloc(0));
    ctx.check(fresh.error === 'ECONNRESET', `a connection set up with reset_peer should see ECONNRESET, got ${fresh.error}`);
  },
});

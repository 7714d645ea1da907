import { defineProxyScenario, HELLO, mustComplete, mustFailCleanly, streamBody } from './support.js';

export default defineProxyScenario({
  name: 'proxy/h2c-disable-mid-stream',
  description: 'h2c: the proxy is disabled while a slow stream is half-way through, then enabled again; the client opens a new session',
  protocol: 'h2c',
  expect: 'the cut stream fails with a true prefix; the new session after re-enable works; the server releases the cut session',
  async run(ctx) {
    const client = ctx.h2();
    const slow = client.request({ path: '/stream?chunks=30&size=1000&delay=40' });
    await ctx.sleep(400);
    await ctx.proxy.update({ enabled: false, listen: ctx.proxy.listen, upstream: ctx.proxy.upstream });
    mustFailCleanly(ctx, 'slow stream', await slow, streamBody(30, 1000));
    await ctx.proxy.update({ enabled: true, listen: ctx.proxy.listen, upstream: ctx.proxy.upstream });
    mustComplete(ctx, 'GET /hello on a new session', await ctx.h2().request({ path: '/hello' }), HELLO);
  },
});

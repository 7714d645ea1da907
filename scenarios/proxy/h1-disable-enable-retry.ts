import { defineProxyScenario, HELLO, mustComplete } from './support.js';

export default defineProxyScenario({
  name: 'proxy/h1-disable-enable-retry',
  description: 'HTTP/1.1: the proxy is disabled under a keep-alive client (down), then re-enabled 500 ms later while the client retries every 100 ms',
  protocol: 'h1',
  expect: 'while down the client gets refused or closed connections, never a wrong answer; after re-enable a retry succeeds on the same address, and the server lets go of the connections the disable cut',
  async run(ctx) {
    const client = ctx.h1();
    mustComplete(ctx, 'before', await client.request({ path: '/hello' }), HELLO);
    await ctx.proxy.update({ enabled: false, listen: ctx.proxy.listen, upstream: ctx.proxy.upstream });
    ctx.note('proxy disabled');
    const reenable = ctx.sleep(500).then(async () => {
      await ctx.proxy.update({ enabled: true, listen: ctx.proxy.listen, upstream: ctx.proxy.upstream });
      ctx.note('proxy enabled');
    });
    let refused = 0;
    for (let attempt = 1; attempt <= 40; attempt++) {
      const r = await client.request({ path: '/hello', timeoutMs: 2000 });
      if (r.complete) {
        mustComplete(ctx, `attempt ${attempt}`, r, HELLO);
        break;
      }
      refused++;
      ctx.check(r.body.length === 0, `a failed attempt delivered ${r.body.length} body bytes`);
      if (attempt === 40) ctx.check(false, 'no retry succeeded after re-enable');
      await ctx.sleep(100);
    }
    await reenable;
    ctx.note(`${refused} attempt(s) failed while down`);
    ctx.check(refused >= 2, `only ${refused} attempt(s) failed: the proxy was not down for 500 ms`);
  },
});

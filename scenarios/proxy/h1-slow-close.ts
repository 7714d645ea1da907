import { defineProxyScenario, HELLO, mustComplete } from './support.js';

export default defineProxyScenario({
  name: 'proxy/h1-slow-close',
  description: 'HTTP/1.1: slow_close holds the server\'s close 800 ms on its way to the client after a Connection: close response',
  protocol: 'h1',
  expect: 'the response is complete at once (the client does not wait for the close), and a new connection is served while the old close is still held',
  toxics: [{ type: 'slow_close', stream: 'downstream', attributes: { delay: 800 } }],
  async run(ctx) {
    const r = await ctx.h1().request({ path: '/hello', headers: { connection: 'close' } });
    mustComplete(ctx, 'GET /hello, Connection: close', r, HELLO);
    ctx.check(r.ms < 700, `the response took ${r.ms.toFixed(0)} ms: it waited for the delayed close`);
    // The next request needs a new connection; it must not be held up by the lingering one.
    const next = await ctx.h1().request({ path: '/hello' });
    mustComplete(ctx, 'GET /hello on a new connection', next, HELLO);
  },
});

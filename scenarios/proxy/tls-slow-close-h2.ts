import { defineProxyScenario, HELLO, mustComplete } from './support.js';

export default defineProxyScenario({
  name: 'proxy/tls-slow-close-h2',
  description: 'HTTP/2 over TLS: slow_close (1 s) on both directions while the client closes its session after a request',
  protocol: 'h2-tls',
  expect: 'the request completes at once; the delayed closes do not leave the server holding the session',
  toxics: [
    { type: 'slow_close', stream: 'downstream', attributes: { delay: 1000 } },
    { type: 'slow_close', stream: 'upstream', attributes: { delay: 1000 } },
  ],
  async run(ctx) {
    const client = ctx.h2();
    const r = await client.request({ path: '/hello' });
    mustComplete(ctx, 'GET /hello', r, HELLO);
    client.close();
    await ctx.sleep(1500);
  },
});

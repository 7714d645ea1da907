import { defineProxyScenario, HELLO, mustFailCleanly, within } from './support.js';

export default defineProxyScenario({
  name: 'proxy/tls-timeout-handshake',
  description: 'TLS: a timeout toxic (timeout 0) swallows the ClientHello; the server\'s handshake limit (the headers timeout) is 1 s',
  protocol: 'h1-tls',
  expect: 'the server abandons the handshake on its own within its limit; the client sees the close as an error',
  serveArgs: ['--timeout', 'headers=1000'],
  toxics: [{ type: 'timeout', stream: 'upstream', attributes: { timeout: 0 } }],
  async run(ctx) {
    const r = await ctx.h1().request({ path: '/hello', timeoutMs: 8000 });
    mustFailCleanly(ctx, 'GET /hello', r, HELLO);
    ctx.check(r.error !== 'timeout', 'the client gave up first: the server never closed the stalled handshake');
    within(ctx, 'time to the close', r.ms, 900, 3500);
  },
});

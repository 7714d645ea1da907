import { defineProxyScenario, HELLO, mustFailCleanly } from './support.js';

export default defineProxyScenario({
  name: 'proxy/tls-reset-peer-handshake',
  description: 'TLS: reset_peer (timeout 0) on the downstream resets the connection at the server\'s first handshake flight',
  protocol: 'h1-tls',
  expect: 'the client\'s handshake fails with ECONNRESET; the server\'s handshake registry goes back to zero',
  toxics: [{ type: 'reset_peer', stream: 'downstream', attributes: { timeout: 0 } }],
  async run(ctx) {
    const r = await ctx.h1().request({ path: '/hello' });
    mustFailCleanly(ctx, 'GET /hello over TLS', r, HELLO);
    ctx.check(r.status === null, 'no response can come through a reset handshake');
    ctx.check(r.error === 'ECONNRESET', `expected ECONNRESET, got ${r.error}`);
  },
});

import { defineProxyScenario, mustFailCleanly, patternBytes } from './support.js';

export default defineProxyScenario({
  name: 'proxy/tls-h2-cut-mid-response',
  description: 'HTTP/2 over TLS: limit_data cuts the downstream after 60,000 bytes (handshake included) of a 300,000-byte stream',
  protocol: 'h2-tls',
  expect: 'the stream fails with a true prefix (TLS never hands over a corrupted record); the server releases the session',
  toxics: [{ type: 'limit_data', stream: 'downstream', attributes: { bytes: 60_000 } }],
  async run(ctx) {
    const r = await ctx.h2().request({ path: '/bytes/300000' });
    mustFailCleanly(ctx, 'GET /bytes/300000', r, patternBytes(0, 300_000));
    ctx.check(r.body.length < 60_000, `more plaintext (${r.body.length}) than the link carried`);
  },
});

import { defineProxyScenario, mustFailCleanly, patternBytes } from './support.js';

export default defineProxyScenario({
  name: 'proxy/h1-cut-mid-response',
  description: 'HTTP/1.1: limit_data cuts the downstream after 50,000 bytes of a 200,000-byte Content-Length response',
  protocol: 'h1',
  expect: 'the client sees an error with a true prefix of the body, never a complete response; the server stays healthy',
  toxics: [{ type: 'limit_data', stream: 'downstream', attributes: { bytes: 50_000 } }],
  async run(ctx) {
    const r = await ctx.h1().request({ path: '/bytes/200000' });
    mustFailCleanly(ctx, 'GET /bytes/200000', r, patternBytes(0, 200_000));
    ctx.check(r.body.length < 50_000, `more body bytes (${r.body.length}) than the link let through`);
  },
});

import { defineProxyScenario, HELLO, mustFailCleanly } from './support.js';

export default defineProxyScenario({
  name: 'proxy/h1-cut-mid-headers',
  description: 'HTTP/1.1: limit_data lets only 12 bytes of the request head reach the server, then closes',
  protocol: 'h1',
  expect: 'the server sees EOF inside a request head and lets go of the connection; the client sees an error',
  toxics: [{ type: 'limit_data', stream: 'upstream', attributes: { bytes: 12 } }],
  async run(ctx) {
    const r = await ctx.h1().request({ path: '/hello', headers: { 'x-padding': 'p'.repeat(200) } });
    mustFailCleanly(ctx, 'GET /hello', r, HELLO);
  },
});

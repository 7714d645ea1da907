import { defineProxyScenario, HELLO, mustComplete, mustFailCleanly } from './support.js';

export default defineProxyScenario({
  name: 'proxy/h1-timeout-response-dropped',
  description: 'HTTP/1.1: a downstream timeout toxic (timeout 600) drops the response and closes the connection 600 ms after the last byte it swallowed',
  protocol: 'h1',
  expect: 'the client sees an error (never a partial body taken as whole); once the toxic is removed a new request succeeds through the proxy',
  toxics: [{ name: 'hole', type: 'timeout', stream: 'downstream', attributes: { timeout: 600 } }],
  async run(ctx) {
    const r = await ctx.h1().request({ path: '/hello', timeoutMs: 5000 });
    mustFailCleanly(ctx, 'GET /hello', r, HELLO);
    ctx.check(r.error !== 'timeout', 'the toxic should have closed the connection within its timeout');
    await ctx.removeToxic('hole');
    mustComplete(ctx, 'GET /hello after removal', await ctx.h1().request({ path: '/hello' }), HELLO);
  },
});

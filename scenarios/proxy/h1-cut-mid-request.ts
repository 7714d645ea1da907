import { defineProxyScenario, mustComplete, mustFailCleanly, patternBytes } from './support.js';

export default defineProxyScenario({
  name: 'proxy/h1-cut-mid-request',
  description: 'HTTP/1.1: limit_data cuts the upstream after 40,000 bytes of a 300,000-byte POST /echo',
  protocol: 'h1',
  expect: 'the client sees an error and no echoed body it could mistake for its own; a new connection through the proxy then works for a request that fits',
  toxics: [{ name: 'cut', type: 'limit_data', stream: 'upstream', attributes: { bytes: 40_000 } }],
  async run(ctx) {
    const body = patternBytes(7, 300_000);
    const r = await ctx.h1().request({ method: 'POST', path: '/echo', body });
    mustFailCleanly(ctx, 'POST /echo 300000', r, body);
    await ctx.removeToxic('cut');
    const again = await ctx.h1().request({ method: 'POST', path: '/echo', body: body.subarray(0, 10_000) });
    mustComplete(ctx, 'POST /echo 10000 after the toxic is gone', again, body.subarray(0, 10_000));
  },
});

import { defineProxyScenario, mustComplete, mustFailCleanly, patternBytes } from './support.js';

export default defineProxyScenario({
  name: 'proxy/h2c-cut-mid-upload',
  description: 'h2c: limit_data cuts the upstream after 30,000 bytes of a 200,000-byte POST /echo',
  protocol: 'h2c',
  expect: 'the upload fails on the client; the server drops the half-received stream; a new session works once the toxic is removed',
  toxics: [{ name: 'cut', type: 'limit_data', stream: 'upstream', attributes: { bytes: 30_000 } }],
  async run(ctx) {
    const body = patternBytes(5, 200_000);
    mustFailCleanly(ctx, 'POST /echo 200000', await ctx.h2().request({ method: 'POST', path: '/echo', body }), body);
    await ctx.removeToxic('cut');
    const small = body.subarray(0, 20_000);
    mustComplete(ctx, 'POST /echo 20000 on a new session', await ctx.h2().request({ method: 'POST', path: '/echo', body: small }), small);
  },
});

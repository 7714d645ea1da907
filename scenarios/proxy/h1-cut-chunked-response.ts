import { defineProxyScenario, mustFailCleanly, streamBody } from './support.js';

export default defineProxyScenario({
  name: 'proxy/h1-cut-chunked-response',
  description: 'HTTP/1.1: limit_data cuts a chunked response (/stream, 100 chunks of 1,000 bytes) after 30,000 bytes',
  protocol: 'h1',
  expect: 'the client sees an error (no last chunk) with a true prefix of the body',
  toxics: [{ type: 'limit_data', stream: 'downstream', attributes: { bytes: 30_000 } }],
  async run(ctx) {
    const r = await ctx.h1().request({ path: '/stream?chunks=100&size=1000' });
    ctx.check(r.headers['transfer-encoding'] === 'chunked' || r.status === null, `expected a chunked response, got transfer-encoding ${String(r.headers['transfer-encoding'])}`);
    mustFailCleanly(ctx, 'GET /stream', r, streamBody(100, 1000));
  },
});

import { defineProxyScenario, mustComplete, patternBytes, within } from './support.js';

const SIZE = 400_000;
const RATE = 400;

export default defineProxyScenario({
  name: 'proxy/tls-h2-bandwidth-upload',
  description: 'HTTP/2 over TLS: a 400 KB POST /echo through a 400 KB/s upstream bandwidth toxic',
  protocol: 'h2-tls',
  expect: 'the echo is exact and the upload takes the rate\'s time (±15 %, plus TLS overhead)',
  toxics: [{ type: 'bandwidth', stream: 'upstream', attributes: { rate: RATE } }],
  async run(ctx) {
    const body = patternBytes(9, SIZE);
    const r = await ctx.h2().request({ method: 'POST', path: '/echo', body, timeoutMs: 20_000 });
    mustComplete(ctx, 'POST /echo', r, body);
    within(ctx, 'upload time', r.ms, (SIZE / RATE) * 0.85, (SIZE / RATE) * 1.15 + 300);
  },
});

import { defineProxyScenario, mustComplete, patternBytes, within } from './support.js';

const SIZE = 500_000;
const RATE = 500; // 1,000 ms

export default defineProxyScenario({
  name: 'proxy/h1-bandwidth-upload',
  description: 'HTTP/1.1: a 500 KB POST /echo through a 500 KB/s upstream bandwidth toxic',
  protocol: 'h1',
  expect: 'the echo is exact and the upload takes the rate\'s time within ±15 %',
  toxics: [{ type: 'bandwidth', stream: 'upstream', attributes: { rate: RATE } }],
  async run(ctx) {
    const body = patternBytes(3, SIZE);
    const r = await ctx.h1().request({ method: 'POST', path: '/echo', body, timeoutMs: 20_000 });
    mustComplete(ctx, 'POST /echo', r, body);
    within(ctx, 'upload time', r.ms, (SIZE / RATE) * 0.85, (SIZE / RATE) * 1.15 + 200);
  },
});

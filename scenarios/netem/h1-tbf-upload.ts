import { defineNetemScenario, mustComplete, patternBytes, within } from './support.js';

export default defineNetemScenario({
  name: 'netem/h1-tbf-upload',
  description: 'HTTP/1.1: a 500 KB upload through a 4 Mbit/s token bucket (tbf behind netem, 5 ms delay)',
  protocol: 'h1',
  expect: 'the echo is exact and the upload takes about the bucket\'s time (1 s at 4 Mbit/s; within 0.7 to 3 s)',
  link: () => ({ clientToServer: { delayMs: 5, tbf: { rateKbit: 4000, burstBytes: 16_000, latencyMs: 400 } }, serverToClient: { delayMs: 5 } }),
  async run(ctx) {
    const body = patternBytes(1, 500_000);
    const r = await ctx.h1().request({ method: 'POST', path: '/echo', body, timeoutMs: 30_000 });
    mustComplete(ctx, 'POST /echo 500 KB', r, body);
    within(ctx, 'upload time', r.ms, 700, 3000);
  },
});

import { defineNetemScenario, mustComplete, patternBytes } from './support.js';

export default defineNetemScenario({
  name: 'netem/h2-burst-loss-download',
  description: 'HTTP/2: 1 MB on one stream and small streams beside it, over Gilbert-Elliott burst loss (p 2 %, r 25 %) downstream',
  protocol: 'h2c',
  expect: 'every stream completes exactly though losses come in bursts (several segments in a row)',
  link: (rng) => ({ clientToServer: { delayMs: 15 }, serverToClient: { delayMs: 15, gemodel: { pPct: 2, rPct: rng.int(20, 30) } } }),
  async run(ctx) {
    const client = ctx.h2();
    const big = client.request({ path: '/bytes/1000000', timeoutMs: 50_000 });
    const small = await Promise.all([1, 2, 3].map((k) => client.request({ path: `/bytes/${k * 1000}`, timeoutMs: 30_000 })));
    small.forEach((r, k) => mustComplete(ctx, `small stream ${k + 1}`, r, patternBytes(0, (k + 1) * 1000)));
    mustComplete(ctx, 'GET /bytes/1000000', await big, patternBytes(0, 1_000_000));
  },
});

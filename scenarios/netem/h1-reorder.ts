import { defineNetemScenario, mustComplete, patternBytes, within } from './support.js';

export default defineNetemScenario({
  name: 'netem/h1-reorder',
  description: 'HTTP/1.1: 25 % of packets reordered (correlation 50 %) over 20 ms delay each way: 1 MB download, then 10 small requests',
  protocol: 'h1',
  expect: 'TCP puts the bytes back in order: every response exact, and the small requests stay fast (under a second each)',
  link: () => ({ clientToServer: { delayMs: 20, reorderPct: 25, reorderCorrelationPct: 50 }, serverToClient: { delayMs: 20, reorderPct: 25, reorderCorrelationPct: 50 } }),
  async run(ctx) {
    const client = ctx.h1();
    mustComplete(ctx, 'GET /bytes/1000000', await client.request({ path: '/bytes/1000000', timeoutMs: 50_000 }), patternBytes(0, 1_000_000));
    for (let i = 0; i < 10; i++) {
      const n = ctx.rng.int(1, 5000);
      const r = await client.request({ path: `/bytes/${n}` });
      mustComplete(ctx, `request ${i + 1}`, r, patternBytes(0, n));
      within(ctx, `request ${i + 1} time`, r.ms, 0, 1000);
    }
  },
});

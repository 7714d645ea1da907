import { defineProxyScenario, mustComplete, patternBytes } from './support.js';

export default defineProxyScenario({
  name: 'proxy/h2c-latency-multiplex',
  description: 'h2c: 24 concurrent streams on one session under 120 ms ± 40 ms latency both ways, sizes 1 B to 200 KB',
  protocol: 'h2c',
  expect: 'every stream completes exactly; multiplexed, the batch takes a few round trips, not 24',
  toxics: [
    { type: 'latency', stream: 'downstream', attributes: { latency: 120, jitter: 40 } },
    { type: 'latency', stream: 'upstream', attributes: { latency: 120, jitter: 40 } },
  ],
  async run(ctx) {
    const client = ctx.h2();
    await client.connected();
    const started = performance.now();
    const sizes = Array.from({ length: 24 }, (_, i) => (i === 0 ? 1 : ctx.rng.int(1, 200_000)));
    const results = await Promise.all(sizes.map((n) => client.request({ path: `/bytes/${n}` })));
    results.forEach((r, i) => mustComplete(ctx, `stream ${2 * i + 1} /bytes/${sizes[i]}`, r, patternBytes(0, sizes[i]!)));
    const total = performance.now() - started;
    ctx.note(`24 streams in ${total.toFixed(0)} ms`);
    ctx.check(total < 24 * 160 / 3, `24 streams took ${total.toFixed(0)} ms: not multiplexed`);
  },
});

import { defineNetemScenario, mustComplete, patternBytes } from './support.js';

export default defineNetemScenario({
  name: 'netem/h2-latency-multiplex',
  description: 'HTTP/2 (h2c) over 100 ms ± 20 ms each way: 16 concurrent streams on one connection',
  protocol: 'h2c',
  expect: 'all streams complete exactly; multiplexed, the batch takes a few round trips, not 16',
  link: () => ({ clientToServer: { delayMs: 100, jitterMs: 20, distribution: 'normal' }, serverToClient: { delayMs: 100, jitterMs: 20, distribution: 'normal' } }),
  async run(ctx) {
    const client = ctx.h2();
    await client.connected(10_000);
    const sizes = Array.from({ length: 16 }, () => ctx.rng.int(1, 30_000));
    const started = performance.now();
    const rs = await Promise.all(sizes.map((n) => client.request({ path: `/bytes/${n}`, timeoutMs: 20_000 })));
    rs.forEach((r, i) => mustComplete(ctx, `stream /bytes/${sizes[i]}`, r, patternBytes(0, sizes[i]!)));
    const total = performance.now() - started;
    ctx.note(`16 streams in ${total.toFixed(0)} ms`);
    ctx.check(total < 16 * 200 / 2, `16 streams took ${total.toFixed(0)} ms: not multiplexed`);
  },
});

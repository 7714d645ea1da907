import { defineNetemScenario, HELLO, mustComplete, patternBytes, within } from './support.js';

export default defineNetemScenario({
  name: 'netem/h1-latency-keep-alive',
  description: 'HTTP/1.1 keep-alive over 100 ms ± 20 ms (normal) each way: 5 requests on one connection',
  protocol: 'h1',
  expect: 'every response complete and exact; each takes about one round trip (>= 2 x 80 ms), the connection is reused',
  smoke: true,
  link: (rng) => {
    const jitterMs = rng.int(15, 20);
    return { clientToServer: { delayMs: 100, jitterMs, distribution: 'normal' }, serverToClient: { delayMs: 100, jitterMs, distribution: 'normal' } };
  },
  async run(ctx) {
    const client = ctx.h1();
    for (let i = 0; i < 5; i++) {
      const size = ctx.rng.int(1, 40_000);
      const r = i === 0 ? await client.request({ path: '/hello' }) : await client.request({ path: `/bytes/${size}` });
      mustComplete(ctx, `request ${i + 1}`, r, i === 0 ? HELLO : patternBytes(0, size));
      // The first one pays the TCP handshake too.
      within(ctx, `request ${i + 1} time`, r.ms, 150, i === 0 ? 2500 : 1500);
    }
  },
});

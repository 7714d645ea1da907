import { defineProxyScenario, HELLO, mustComplete, patternBytes, within } from './support.js';

export default defineProxyScenario({
  name: 'proxy/h1-latency-jitter-keep-alive',
  description: 'HTTP/1.1 keep-alive: 150 ms ± 40 ms downstream and 50 ms upstream latency over 6 requests on one connection',
  protocol: 'h1',
  expect: 'every response complete and exact; each takes at least the fixed part of the round trip and not absurdly more',
  toxics: [
    { type: 'latency', stream: 'downstream', attributes: { latency: 150, jitter: 40 } },
    { type: 'latency', stream: 'upstream', attributes: { latency: 50, jitter: 0 } },
  ],
  async run(ctx) {
    const client = ctx.h1();
    for (let i = 0; i < 6; i++) {
      const size = ctx.rng.int(1, 60_000);
      const r = i % 2 === 0 ? await client.request({ path: '/hello' }) : await client.request({ path: `/bytes/${size}` });
      mustComplete(ctx, `request ${i + 1}`, r, i % 2 === 0 ? HELLO : patternBytes(0, size));
      // 50 up + (150 - 40) down at least; the first also pays the TCP connect through the proxy.
      within(ctx, `request ${i + 1} time`, r.ms, 155, 1500);
    }
  },
});

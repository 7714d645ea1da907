import { defineProxyScenario, mustComplete, patternBytes } from './support.js';

export default defineProxyScenario({
  name: 'proxy/tls-h2-latency-alpn',
  description: 'HTTP/2 over TLS (ALPN h2): 12 concurrent streams under 100 ms ± 30 ms latency both ways',
  protocol: 'h2-tls',
  expect: 'ALPN picks h2, the handshake survives the latency, every stream completes exactly',
  toxics: [
    { type: 'latency', stream: 'downstream', attributes: { latency: 100, jitter: 30 } },
    { type: 'latency', stream: 'upstream', attributes: { latency: 100, jitter: 30 } },
  ],
  async run(ctx) {
    const client = ctx.h2();
    await client.connected();
    const sizes = Array.from({ length: 12 }, () => ctx.rng.int(1, 120_000));
    const rs = await Promise.all(sizes.map((n) => client.request({ path: `/bytes/${n}` })));
    rs.forEach((r, i) => mustComplete(ctx, `stream /bytes/${sizes[i]}`, r, patternBytes(0, sizes[i]!)));
  },
});

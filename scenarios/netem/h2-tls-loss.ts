import { defineNetemScenario, mustComplete, patternBytes } from './support.js';

export default defineNetemScenario({
  name: 'netem/h2-tls-loss',
  description: 'HTTP/2 over TLS (ALPN h2): 10 streams of up to 100 KB over 2 % loss and 30 ms ± 5 ms delay each way',
  protocol: 'h2-tls',
  expect: 'ALPN picks h2 across the lossy link and every stream completes exactly',
  link: () => ({ clientToServer: { delayMs: 30, jitterMs: 5, lossPct: 2 }, serverToClient: { delayMs: 30, jitterMs: 5, lossPct: 2 } }),
  async run(ctx) {
    const client = ctx.h2();
    await client.connected(30_000);
    const sizes = Array.from({ length: 10 }, () => ctx.rng.int(1, 100_000));
    const rs = await Promise.all(sizes.map((n) => client.request({ path: `/bytes/${n}`, timeoutMs: 40_000 })));
    rs.forEach((r, i) => mustComplete(ctx, `stream /bytes/${sizes[i]}`, r, patternBytes(0, sizes[i]!)));
  },
});

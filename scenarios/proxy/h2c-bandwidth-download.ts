import { defineProxyScenario, mustComplete, patternBytes, within } from './support.js';

const SIZE = 2_400_000;
const RATE = 1200; // 2,000 ms

export default defineProxyScenario({
  name: 'proxy/h2c-bandwidth-download',
  description: 'h2c: a 2.4 MB stream through a 1,200 KB/s bandwidth toxic while a second stream asks for /hello every 300 ms',
  protocol: 'h2c',
  expect: 'the download completes exactly in the rate\'s time (±15 %), the small streams are answered along the way, and the server\'s memory stays flat',
  toxics: [{ type: 'bandwidth', stream: 'downstream', attributes: { rate: RATE } }],
  async run(ctx) {
    const before = await ctx.server.registry();
    const client = ctx.h2();
    const big = client.request({ path: `/bytes/${SIZE}`, timeoutMs: 20_000 });
    let done = false;
    let small = 0;
    void big.then(() => (done = true));
    while (!done) {
      await ctx.sleep(300);
      if (done) break;
      const r = await client.request({ path: '/hello', timeoutMs: 5000 });
      mustComplete(ctx, `small stream ${++small}`, r, Buffer.from('hello, world\n'));
    }
    const r = await big;
    mustComplete(ctx, `GET /bytes/${SIZE}`, r, patternBytes(0, SIZE));
    // The small streams share the link: allow for their bytes.
    within(ctx, 'download time', r.ms, (SIZE / RATE) * 0.85, (SIZE / RATE) * 1.15 + small * 20);
    // Each one waits behind the DATA already in the socket buffers (TCP's head-of-line blocking),
    // so few fit in 2 s; what matters is that they are answered, interleaved with the big stream.
    ctx.check(small >= 1, 'no small stream was answered during the download');
    const after = await ctx.server.registry();
    const grew = (after.rssBytes - before.rssBytes) / 1e6;
    ctx.note(`server RSS ${(before.rssBytes / 1e6).toFixed(1)} -> ${(after.rssBytes / 1e6).toFixed(1)} MB`);
    ctx.check(grew < 24, `the server's RSS grew by ${grew.toFixed(1)} MB: flow control did not bound what it buffered`);
  },
});

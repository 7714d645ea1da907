import { defineProxyScenario, mustComplete, patternBytes, within } from './support.js';

const SIZE = 3_000_000;
const RATE = 1500; // KB/s = bytes per ms: 3,000,000 B take 2,000 ms

export default defineProxyScenario({
  name: 'proxy/h1-bandwidth-download',
  description: 'HTTP/1.1: a 3 MB download through a 1,500 KB/s bandwidth toxic',
  protocol: 'h1',
  expect: 'the download completes exactly, takes the rate\'s time within ±15 %, and the server\'s memory stays flat (backpressure holds it to a few chunks)',
  toxics: [{ type: 'bandwidth', stream: 'downstream', attributes: { rate: RATE } }],
  async run(ctx) {
    const before = await ctx.server.registry();
    const r = await ctx.h1().request({ path: `/bytes/${SIZE}`, timeoutMs: 20_000 });
    mustComplete(ctx, `GET /bytes/${SIZE}`, r, patternBytes(0, SIZE));
    const expected = SIZE / RATE;
    within(ctx, 'download time', r.ms, expected * 0.85, expected * 1.15);
    const after = await ctx.server.registry();
    const grew = (after.rssBytes - before.rssBytes) / 1e6;
    ctx.note(`server RSS ${(before.rssBytes / 1e6).toFixed(1)} -> ${(after.rssBytes / 1e6).toFixed(1)} MB`);
    ctx.check(grew < 24, `the server's RSS grew by ${grew.toFixed(1)} MB serving a 3 MB body to a slow link: backpressure did not hold`);
  },
});

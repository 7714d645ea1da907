import { defineNetemScenario, mustComplete, patternBytes, sha256 } from './support.js';

export default defineNetemScenario({
  name: 'netem/h1-loss-download',
  description: 'HTTP/1.1: a 1.5 MB download over 1 % random loss each way and 10 ms delay',
  protocol: 'h1',
  expect: 'the download completes with every byte intact (sha256 checked): TCP retransmits what netem drops',
  smoke: true,
  link: () => ({ clientToServer: { delayMs: 10, lossPct: 1 }, serverToClient: { delayMs: 10, lossPct: 1 } }),
  async run(ctx) {
    const size = 1_500_000;
    const r = await ctx.h1().request({ path: `/bytes/${size}`, timeoutMs: 50_000 });
    mustComplete(ctx, `GET /bytes/${size}`, r, patternBytes(0, size));
    ctx.note(`sha256 ${sha256(r.body)}`);
  },
});

import { defineNetemScenario, mustComplete, streamBody } from './support.js';

export default defineNetemScenario({
  name: 'netem/h1-dark-then-recover',
  description: 'HTTP/1.1: mid-response (a slow /stream), the link goes dark (100 % loss both ways) for 1.5 s, then comes back',
  protocol: 'h1',
  expect: 'TCP retransmits across the outage and the response completes exactly; the server does not give up on a 1.5 s outage (its send-stall is 30 s)',
  link: () => ({ clientToServer: { delayMs: 10 }, serverToClient: { delayMs: 10 } }),
  limitMs: 60_000,
  async run(ctx) {
    const response = ctx.h1().request({ path: '/stream?chunks=40&size=2000&delay=50', timeoutMs: 40_000 });
    await ctx.sleep(600);
    await ctx.setLink('clientToServer', { delayMs: 10, lossPct: 100 });
    await ctx.setLink('serverToClient', { delayMs: 10, lossPct: 100 });
    await ctx.sleep(1500);
    await ctx.setLink('clientToServer', { delayMs: 10 });
    await ctx.setLink('serverToClient', { delayMs: 10 });
    mustComplete(ctx, 'GET /stream across the outage', await response, streamBody(40, 2000));
  },
});

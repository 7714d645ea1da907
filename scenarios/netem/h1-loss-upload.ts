import { defineNetemScenario, mustComplete, patternBytes } from './support.js';

export default defineNetemScenario({
  name: 'netem/h1-loss-upload',
  description: 'HTTP/1.1: a 600 KB POST /echo over 5 % loss on the upload direction (1 % back), 10 ms delay',
  protocol: 'h1',
  expect: 'the echo comes back byte for byte: the server reassembles a body under heavy loss',
  link: () => ({ clientToServer: { delayMs: 10, lossPct: 5 }, serverToClient: { delayMs: 10, lossPct: 1 } }),
  async run(ctx) {
    const body = patternBytes(ctx.rng.int(0, 1000), 600_000);
    mustComplete(ctx, 'POST /echo 600 KB', await ctx.h1().request({ method: 'POST', path: '/echo', body, timeoutMs: 50_000 }), body);
  },
});

import { defineNetemScenario, mustComplete, patternBytes } from './support.js';

export default defineNetemScenario({
  name: 'netem/h1-corrupt',
  description: 'HTTP/1.1: 1 % of packets get a flipped bit each way (10 ms delay): a 1 MB download and a 200 KB upload',
  protocol: 'h1',
  expect: 'the receivers\' TCP checksums drop the corrupted segments and TCP resends them: both transfers complete byte for byte',
  link: () => ({ clientToServer: { delayMs: 10, corruptPct: 1 }, serverToClient: { delayMs: 10, corruptPct: 1 } }),
  async run(ctx) {
    const client = ctx.h1();
    mustComplete(ctx, 'GET /bytes/1000000', await client.request({ path: '/bytes/1000000', timeoutMs: 50_000 }), patternBytes(0, 1_000_000));
    const body = patternBytes(5, 200_000);
    mustComplete(ctx, 'POST /echo 200 KB', await client.request({ method: 'POST', path: '/echo', body, timeoutMs: 50_000 }), body);
  },
});

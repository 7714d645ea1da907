import { defineProxyScenario, mustFailCleanly, patternBytes } from './support.js';

export default defineProxyScenario({
  name: 'proxy/h2c-cut-mid-response',
  description: 'h2c: limit_data cuts the downstream after 40,000 bytes while two streams download 100,000 bytes each',
  protocol: 'h2c',
  expect: 'neither stream completes; each has a true prefix of its body; the server releases the session',
  toxics: [{ type: 'limit_data', stream: 'downstream', attributes: { bytes: 40_000 } }],
  async run(ctx) {
    const client = ctx.h2();
    const [a, b] = await Promise.all([client.request({ path: '/bytes/100000' }), client.request({ path: '/bytes/100000' })]);
    mustFailCleanly(ctx, 'stream 1', a!, patternBytes(0, 100_000));
    mustFailCleanly(ctx, 'stream 3', b!, patternBytes(0, 100_000));
  },
});

import { defineProxyScenario, mustComplete, patternBytes } from './support.js';

/**
 * Fails on purpose (its limit_data toxic cuts what it insists must complete): the proxy layer's
 * own tests use it to check artifacts, capture, repro, determinism and shrink. Not in normal runs.
 */
export default defineProxyScenario({
  name: 'proxy/selftest-always-fails',
  description: 'selftest: insists on a complete 100,000-byte response through a 30,000-byte limit_data toxic',
  protocol: 'h1',
  expect: 'fails every time; shrinking keeps only the limit_data toxic',
  toxics: [
    { type: 'latency', stream: 'downstream', toxicity: 0.5, attributes: { latency: 40, jitter: 20 } },
    { type: 'slicer', stream: 'upstream', attributes: { average_size: 20, size_variation: 10, delay: 0 } },
    { type: 'limit_data', stream: 'downstream', attributes: { bytes: 30_000 } },
  ],
  async run(ctx) {
    mustComplete(ctx, 'GET /bytes/100000', await ctx.h1().request({ path: '/bytes/100000' }), patternBytes(0, 100_000));
  },
});

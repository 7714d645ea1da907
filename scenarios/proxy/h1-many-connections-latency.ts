import { defineProxyScenario, mustComplete, patternBytes } from './support.js';

const CONNECTIONS = 48;

export default defineProxyScenario({
  name: 'proxy/h1-many-connections-latency',
  description: `HTTP/1.1: ${CONNECTIONS} concurrent connections under 100 ms ± 30 ms latency, each downloading 20-40 KB twice`,
  protocol: 'h1',
  expect: 'every response complete and exact; the server serves them concurrently (the batch takes far less than serially) and releases all of them',
  toxics: [{ type: 'latency', stream: 'downstream', attributes: { latency: 100, jitter: 30 } }],
  async run(ctx) {
    const started = performance.now();
    await Promise.all(Array.from({ length: CONNECTIONS }, async (_, i) => {
      const client = ctx.h1();
      for (let k = 0; k < 2; k++) {
        const size = 20_000 + ((i * 7919 + k * 104729) % 20_000);
        mustComplete(ctx, `connection ${i + 1} request ${k + 1}`, await client.request({ path: `/bytes/${size}`, timeoutMs: 15_000 }), patternBytes(0, size));
      }
    }));
    const total = performance.now() - started;
    ctx.note(`${CONNECTIONS * 2} responses in ${total.toFixed(0)} ms`);
    ctx.check(total < (CONNECTIONS * 2 * 70) / 4, `the batch took ${total.toFixed(0)} ms: the connections were not served concurrently`);
  },
});

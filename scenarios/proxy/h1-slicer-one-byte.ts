import { defineProxyScenario, mustComplete, patternBytes } from './support.js';

export default defineProxyScenario({
  name: 'proxy/h1-slicer-one-byte',
  description: 'HTTP/1.1: slicer cuts the request into 1-byte segments (100 µs apart) and the response into 1..9-byte ones',
  protocol: 'h1',
  expect: 'the request parses from single bytes and the response arrives exact, twice on one connection',
  toxics: [
    { type: 'slicer', stream: 'upstream', attributes: { average_size: 1, size_variation: 0, delay: 100 } },
    { type: 'slicer', stream: 'downstream', attributes: { average_size: 5, size_variation: 4, delay: 50 } },
  ],
  async run(ctx) {
    const client = ctx.h1();
    const body = patternBytes(11, 700);
    mustComplete(ctx, 'POST /echo', await client.request({ method: 'POST', path: '/echo', body, headers: { 'x-trace': 'sliced' } }), body);
    mustComplete(ctx, 'GET /bytes/3000', await client.request({ path: '/bytes/3000' }), patternBytes(0, 3000));
  },
});

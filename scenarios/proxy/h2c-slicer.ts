import { defineProxyScenario, mustComplete, patternBytes } from './support.js';

export default defineProxyScenario({
  name: 'proxy/h2c-slicer',
  description: 'h2c: slicer cuts both directions into 1..13-byte pieces (200 µs apart): the preface, SETTINGS, HEADERS and DATA frames all arrive in fragments',
  protocol: 'h2c',
  expect: 'the session sets up and 6 streams (GET and POST /echo) complete exactly',
  toxics: [
    { type: 'slicer', stream: 'upstream', attributes: { average_size: 7, size_variation: 6, delay: 200 } },
    { type: 'slicer', stream: 'downstream', attributes: { average_size: 7, size_variation: 6, delay: 20 } },
  ],
  async run(ctx) {
    const client = ctx.h2();
    const body = patternBytes(1, 2000);
    const rs = await Promise.all([
      client.request({ path: '/hello' }),
      client.request({ method: 'POST', path: '/echo', body }),
      client.request({ path: '/bytes/5000' }),
      client.request({ path: '/headers', headers: { 'x-sliced': 'yes' } }),
      client.request({ method: 'POST', path: '/echo', body: body.subarray(0, 17) }),
      client.request({ path: '/bytes/1' }),
    ]);
    mustComplete(ctx, 'GET /hello', rs[0]!, Buffer.from('hello, world\n'));
    mustComplete(ctx, 'POST /echo 2000', rs[1]!, body);
    mustComplete(ctx, 'GET /bytes/5000', rs[2]!, patternBytes(0, 5000));
    ctx.check(rs[3]!.complete && rs[3]!.body.toString().includes('"x-sliced":"yes"'), `GET /headers did not echo the header: ${rs[3]!.body.toString().slice(0, 200)}`);
    mustComplete(ctx, 'POST /echo 17', rs[4]!, body.subarray(0, 17));
    mustComplete(ctx, 'GET /bytes/1', rs[5]!, patternBytes(0, 1));
  },
});

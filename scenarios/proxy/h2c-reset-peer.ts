import { defineProxyScenario, HELLO, mustFailCleanly, within } from './support.js';

export default defineProxyScenario({
  name: 'proxy/h2c-reset-peer',
  description: 'h2c: reset_peer (timeout 300) on the upstream: the client\'s preface is swallowed and the connection reset 300 ms later',
  protocol: 'h2c',
  expect: 'the session fails with a reset at about 300 ms, and the server, which never got a preface, holds nothing',
  toxics: [{ type: 'reset_peer', stream: 'upstream', attributes: { timeout: 300 } }],
  async run(ctx) {
    const client = ctx.h2();
    const r = await client.request({ path: '/hello', timeoutMs: 5000 });
    mustFailCleanly(ctx, 'GET /hello', r, HELLO);
    ctx.check(r.error !== 'timeout', 'the reset never came');
    within(ctx, 'time to the reset', r.ms, 250, 1500);
  },
});

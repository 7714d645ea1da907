import { defineProxyScenario, HELLO, mustFailCleanly, within } from './support.js';

export default defineProxyScenario({
  name: 'proxy/h2c-timeout-preface',
  description: 'h2c: a timeout toxic (timeout 0) swallows the client\'s preface; the server\'s header (and so preface) timeout is 1 s',
  protocol: 'h2c',
  expect: 'the server gives up on the silent connection by itself within its timeout and the client sees the session end, not a hang',
  serveArgs: ['--timeout', 'headers=1000', '--timeout', 'keep-alive=1000'],
  toxics: [{ type: 'timeout', stream: 'upstream', attributes: { timeout: 0 } }],
  async run(ctx) {
    const r = await ctx.h2().request({ path: '/hello', timeoutMs: 8000 });
    mustFailCleanly(ctx, 'GET /hello', r, HELLO);
    ctx.check(r.error !== 'timeout', 'the client gave up first: the server never closed the silent connection');
    within(ctx, 'time to the close', r.ms, 900, 3500);
  },
});

import { defineProxyScenario, HELLO, mustFailCleanly, within } from './support.js';

export default defineProxyScenario({
  name: 'proxy/h1-timeout-black-hole',
  description: 'HTTP/1.1: a timeout toxic (timeout 0) swallows everything the client sends; the server\'s keep-alive timeout is 1 s',
  protocol: 'h1',
  expect: 'the server times the silent connection out on its own (about 1 s) and the client sees the close as an error, not a hang',
  serveArgs: ['--timeout', 'keep-alive=1000'],
  toxics: [{ type: 'timeout', stream: 'upstream', attributes: { timeout: 0 } }],
  async run(ctx) {
    const r = await ctx.h1().request({ path: '/hello', timeoutMs: 8000 });
    mustFailCleanly(ctx, 'GET /hello into the black hole', r, HELLO);
    ctx.check(r.error !== 'timeout', 'the client gave up first: the server never closed the silent connection');
    within(ctx, 'time to the close', r.ms, 900, 3000);
  },
});

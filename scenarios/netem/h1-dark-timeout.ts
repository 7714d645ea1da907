import { defineNetemScenario, mustFailCleanly, streamBody } from './support.js';

const STALL_MS = 2000;

export default defineNetemScenario({
  name: 'netem/h1-dark-timeout',
  description: `HTTP/1.1: mid-response the link goes dark for good (100 % loss both ways); the server's send-stall is ${STALL_MS} ms`,
  protocol: 'h1',
  expect: 'the server times the dead connection out on its own (the registry shows it gone within its send-stall plus TCP\'s backoff), and the client sees an error, never a truncated body taken as whole',
  serveArgs: ['--timeout', `send-stall=${STALL_MS}`],
  link: () => ({ clientToServer: { delayMs: 10 }, serverToClient: { delayMs: 10 } }),
  async run(ctx) {
    const response = ctx.h1().request({ path: '/bytes/20000000', timeoutMs: 8_000 });
    await ctx.sleep(800);
    await ctx.setLink('serverToClient', { delayMs: 10, lossPct: 100 });
    await ctx.setLink('clientToServer', { delayMs: 10, lossPct: 100 });
    const started = performance.now();
    let gone = false;
    while (performance.now() - started < STALL_MS + 12_000) {
      await ctx.sleep(250);
      if ((await ctx.registry()).connections === 0) {
        gone = true;
        break;
      }
    }
    ctx.note(`server let go after ${(performance.now() - started).toFixed(0)} ms of darkness`);
    ctx.check(gone, 'the server still held the connection on a dead link long after its send-stall timeout');
    mustFailCleanly(ctx, 'GET /bytes/20000000 on a dead link', await response, streamBody(1, 20_000_000));
  },
});

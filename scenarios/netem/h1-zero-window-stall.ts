import net from 'node:net';
import { defineNetemScenario } from './support.js';

const STALL_MS = 2000;

export default defineNetemScenario({
  name: 'netem/h1-zero-window-stall',
  description: 'HTTP/1.1 over a 20 Mbit/s link: the client asks for 200 MB and never reads, so its window closes and the server\'s kernel sends zero-window probes',
  protocol: 'h1',
  expect: `the server's send-stall timeout (${STALL_MS} ms) gives up on the connection while the client still is not reading, and its memory stays flat`,
  serveArgs: ['--timeout', `send-stall=${STALL_MS}`],
  smoke: true,
  link: () => ({ clientToServer: { delayMs: 5 }, serverToClient: { delayMs: 5, rateKbit: 20_000 } }),
  async run(ctx) {
    const before = await ctx.registry();
    const socket = net.connect({ host: ctx.target.host, port: ctx.target.port });
    socket.on('error', () => {});
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('error', reject);
    });
    // Never read: the socket's receive buffer fills, the window closes, the server's writes block.
    socket.pause();
    socket.write('GET /bytes/200000000 HTTP/1.1\r\nHost: netem\r\n\r\n');
    const started = performance.now();
    let peak = before.rssBytes;
    let gone = false;
    while (performance.now() - started < STALL_MS + 15_000) {
      await ctx.sleep(250);
      const r = await ctx.registry();
      peak = Math.max(peak, r.rssBytes);
      if (r.connections === 0) {
        gone = true;
        break;
      }
    }
    const waited = performance.now() - started;
    ctx.note(`server let go after ${waited.toFixed(0)} ms; RSS ${(before.rssBytes / 1e6).toFixed(1)} -> peak ${(peak / 1e6).toFixed(1)} MB; client buffered ${socket.readableLength} B`);
    socket.destroy();
    ctx.check(gone, `the server still held the stalled connection ${(waited / 1000).toFixed(1)} s later (send-stall is ${STALL_MS} ms)`);
    ctx.check(waited >= STALL_MS - 500, `the server closed after ${waited.toFixed(0)} ms, before its send-stall timeout: it did not wait for the window`);
    ctx.check(peak - before.rssBytes < 40e6, `the server's RSS grew by ${((peak - before.rssBytes) / 1e6).toFixed(1)} MB while the client did not read`);
  },
});

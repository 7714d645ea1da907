import { defineNetemScenario, HELLO, mustComplete } from './support.js';

export default defineNetemScenario({
  name: 'netem/tls-handshake-loss',
  description: 'TLS (HTTP/1.1): 6 new connections, each a full handshake and a GET, over 10 % loss each way and 20 ms delay',
  protocol: 'h1-tls',
  expect: 'every handshake completes despite lost flights (TCP retransmits them) and every response is exact',
  link: () => ({ clientToServer: { delayMs: 20, lossPct: 10 }, serverToClient: { delayMs: 20, lossPct: 10 } }),
  async run(ctx) {
    for (let i = 0; i < 6; i++) {
      const client = ctx.h1();
      mustComplete(ctx, `connection ${i + 1}`, await client.request({ path: '/hello', timeoutMs: 30_000 }), HELLO);
      client.close();
    }
  },
});

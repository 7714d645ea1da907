import { defineProxyScenario, HELLO, mustComplete, patternBytes } from './support.js';

export default defineProxyScenario({
  name: 'proxy/tls-slicer-handshake',
  description: 'TLS (HTTP/1.1 over ALPN): the ClientHello arrives one byte at a time and the server\'s records in 1..31-byte pieces',
  protocol: 'h1-tls',
  expect: 'the handshake completes and two requests on the connection answer exactly',
  toxics: [
    { type: 'slicer', stream: 'upstream', attributes: { average_size: 1, size_variation: 0, delay: 50 } },
    { type: 'slicer', stream: 'downstream', attributes: { average_size: 16, size_variation: 15, delay: 10 } },
  ],
  async run(ctx) {
    const client = ctx.h1();
    mustComplete(ctx, 'GET /hello', await client.request({ path: '/hello' }), HELLO);
    mustComplete(ctx, 'GET /bytes/20000', await client.request({ path: '/bytes/20000' }), patternBytes(0, 20_000));
  },
});

import { defineScenario } from '../../harness/runner/scenario.js';
import { CHOPPY } from '../../harness/sim/faults.js';
import { SIM_TLS } from '../support.js';

/**
 * The client sends part of a ClientHello, then half-closes (FIN). There is no TLS session to
 * half-close, so the server must close at once rather than wait out the handshake timeout (10 s
 * by default), and forget the connection.
 */
export default defineScenario({
  name: 'tls/client-fin-mid-handshake',
  description: 'part of a ClientHello, then FIN: the server closes promptly (well before the handshake timeout)',
  faults: { clientToServer: { ...CHOPPY, maxSegment: [1, 64] }, serverToClient: CHOPPY },
  server: { tls: SIM_TLS },
  async run({ sim, connectTlsRaw, check, openConnections, rng }) {
    const conn = connectTlsRaw();
    const client = conn.client;
    // A handshake record announcing a 256-byte ClientHello (TLS 1.2 legacy version), cut short.
    const body = Buffer.alloc(250);
    for (let i = 0; i < body.length; i++) body[i] = rng.int(0, 255);
    const hello = Buffer.concat([Buffer.from([0x16, 0x03, 0x01, 0x01, 0x00, 0x01, 0x00, 0x00, 0xfc, 0x03, 0x03]), body]);
    const cut = rng.int(1, hello.length - 1);
    await client.write(hello.subarray(0, cut));
    const finAt = sim.clock.time;
    client.end();
    await client.until(() => client.ended || client.closed);
    const took = sim.clock.time - finAt;
    check(took < 1000, `the server took ${took} ms to close after the client's FIN (${cut} bytes of the ClientHello sent)`);
    check(openConnections() === 0, `the server still holds ${openConnections()} connection(s) or handshake(s)`);
  },
});

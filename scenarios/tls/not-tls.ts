import { defineScenario } from '../../harness/runner/scenario.js';
import { CHOPPY } from '../../harness/sim/faults.js';
import { get, SIM_TLS } from '../support.js';

/**
 * A plain-text HTTP request sent to the TLS port. It is not a TLS record, so the handshake fails
 * at once: the server closes (an alert at most, never an HTTP answer in clear text) and forgets
 * the connection, with no wait for the handshake timeout.
 */
export default defineScenario({
  name: 'tls/not-tls',
  description: 'plain HTTP to the TLS port: handshake fails at once, no cleartext answer, closed, forgotten',
  faults: { clientToServer: CHOPPY, serverToClient: CHOPPY },
  server: { tls: SIM_TLS },
  async run({ sim, connectTlsRaw, check, openConnections }) {
    const conn = connectTlsRaw();
    const client = conn.client;
    const sentAt = sim.clock.time;
    await client.write(get('/hello'));
    await client.until(() => client.ended || client.closed);
    const took = sim.clock.time - sentAt;
    check(took < 1000, `the server took ${took} ms to give up on a non-TLS client`);
    check(!client.received.toString('latin1').includes('HTTP/1.1'), 'the server answered in clear text on the TLS port');
    // Anything it did send is a TLS alert record (content type 21).
    check(client.receivedBytes === 0 || client.received[0] === 0x15, `the server sent ${client.receivedBytes} bytes that are not a TLS alert`);
    check(openConnections() === 0, `the server still holds ${openConnections()} connection(s) or handshake(s)`);
  },
});

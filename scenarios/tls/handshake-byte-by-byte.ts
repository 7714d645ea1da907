import { defineScenario } from '../../harness/runner/scenario.js';
import { parseResponses } from '../../harness/http/response-parser.js';
import { SIM_TLS, tlsGet } from '../support.js';

/**
 * A full TLS handshake where every segment in both directions carries one byte: each TLS record
 * header, each handshake message and each encrypted record arrives in pieces. The client verifies
 * the certificate against the sim CA, ALPN picks http/1.1, and two keep-alive requests come back
 * whole over the session.
 */
export default defineScenario({
  name: 'tls/handshake-byte-by-byte',
  description: 'TLS handshake and two GET /hello with 1-byte segments both ways; verified certificate, ALPN http/1.1',
  faults: {
    clientToServer: { maxSegment: [1, 1], latencyMs: [0, 5], jitterMs: [0, 3] },
    serverToClient: { maxSegment: [1, 1], latencyMs: [0, 5], jitterMs: [0, 3] },
  },
  server: { tls: SIM_TLS },
  async run({ connectTls, check }) {
    const t = connectTls({ alpn: ['http/1.1'] });
    check(await t.handshake, `the handshake failed: ${t.error()}`);
    check(t.socket.authorized, `the sim CA did not verify the certificate: ${String(t.socket.authorizationError)}`);
    check(t.socket.alpnProtocol === 'http/1.1', `ALPN chose ${String(t.socket.alpnProtocol)}`);
    t.socket.write(tlsGet('/hello') + tlsGet('/hello'));
    await t.conn.client.until(() => parseResponses(t.received()).responses.length >= 2 || t.conn.client.closed);
    const got = parseResponses(t.received()).responses;
    check(got.length === 2, `expected 2 responses over TLS, got ${got.length}`);
    for (const r of got) check(r.status === 200 && r.body.toString() === 'hello, world\n', `bad response ${r.status} ${JSON.stringify(r.body.toString())}`);
    // Byte by byte really happened: the handshake alone is hundreds of 1-byte deliveries.
    check(t.conn.s2c.delivered > 1000, `only ${t.conn.s2c.delivered} bytes reached the client`);
  },
});

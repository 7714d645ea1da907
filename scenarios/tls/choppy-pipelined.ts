import { defineScenario } from '../../harness/runner/scenario.js';
import { CHOPPY } from '../../harness/sim/faults.js';
import { parseResponses } from '../../harness/http/response-parser.js';
import { randomText, SIM_TLS, tlsGet } from '../support.js';

/**
 * Pipelined requests inside TLS over choppy links: record boundaries and segment boundaries fall
 * independently, and the server must still answer in order with bodies intact. The client offers
 * h2 first; with HTTP/2 turned off, aeronet must pick http/1.1. SNI names the certificate's
 * second name.
 */
export default defineScenario({
  name: 'tls/choppy-pipelined',
  description: 'GET, POST /echo, GET pipelined over TLS on choppy links; ALPN offer h2,http/1.1 picks http/1.1; SNI alt.sim.test',
  faults: { clientToServer: CHOPPY, serverToClient: CHOPPY },
  server: { tls: SIM_TLS, http2: false },
  async run({ connectTls, check, rng }) {
    const t = connectTls({ alpn: ['h2', 'http/1.1'], servername: 'alt.sim.test' });
    check(await t.handshake, `the handshake failed: ${t.error()}`);
    check(t.socket.authorized, `certificate not verified for alt.sim.test: ${String(t.socket.authorizationError)}`);
    check(t.socket.alpnProtocol === 'http/1.1', `ALPN chose ${String(t.socket.alpnProtocol)}`);
    const body = randomText(rng.int(1, 20_000), rng);
    t.socket.write(tlsGet('/hello'));
    t.socket.write(`POST /echo HTTP/1.1\r\nHost: sim.test\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    t.socket.write(tlsGet('/bytes/3000'));
    await t.conn.client.until(() => parseResponses(t.received()).responses.length >= 3 || t.conn.client.closed);
    const got = parseResponses(t.received()).responses;
    check(got.length === 3, `expected 3 responses, got ${got.length}`);
    check(got[0]!.status === 200 && got[0]!.body.toString() === 'hello, world\n', `GET /hello answered ${got[0]!.status}`);
    check(got[1]!.status === 200 && got[1]!.body.toString('latin1') === body, `echo of ${body.length} bytes came back as ${got[1]!.body.length} bytes`);
    check(got[2]!.status === 200 && got[2]!.body.length === 3000, `GET /bytes/3000 answered ${got[2]!.status} with ${got[2]!.body.length} bytes`);
  },
});

import { defineScenario } from '../../harness/runner/scenario.js';
import { CHOPPY } from '../../harness/sim/faults.js';
import { get, randomText } from '../support.js';

/**
 * Expect: 100-continue (RFC 9110 §10.1.1): a client sends only the head and waits. The server
 * must send `100 Continue` (and nothing else) once the handler starts reading, without waiting
 * for the body it has not asked for yet; then the body is sent and echoed, and the connection
 * stays usable. A server that waits for the body first would hang here (the scenario would time
 * out in virtual time instead of passing).
 */
export default defineScenario({
  name: 'h1/expect-continue-wait',
  description: 'POST /echo with Expect: 100-continue; the client sends the body only after 100 Continue',
  faults: { clientToServer: CHOPPY, serverToClient: { ...CHOPPY, maxSegment: [1, 16] } },
  async run({ sim, connect, responses, check, rng }) {
    const conn = connect();
    const body = randomText(rng.int(1, 3000), rng);
    await conn.client.write(`POST /echo HTTP/1.1\r\nHost: sim\r\nContent-Type: text/plain\r\nExpect: 100-continue\r\nContent-Length: ${body.length}\r\n\r\n`);
    const interim = await responses(conn, 1);
    check(interim.length === 1 && interim[0]!.status === 100, `expected 100 Continue first, got ${interim.map((r) => r.status).join(',') || 'nothing'}`);
    // Nothing but the interim response may arrive while the body has not been sent.
    await sim.sleep(rng.int(0, 200));
    check(conn.client.received.toString('latin1') === 'HTTP/1.1 100 Continue\r\n\r\n', `unexpected bytes before the body was sent: ${JSON.stringify(conn.client.received.toString('latin1').slice(0, 120))}`);
    await conn.client.write(body);
    await conn.client.write(get('/hello'));
    const got = await responses(conn, 3);
    check(got.map((r) => r.status).join(',') === '100,200,200', `statuses ${got.map((r) => r.status).join(',')}`);
    check(got[1]!.body.toString() === body, 'the echoed body differs from what was sent after 100 Continue');
    check(got[1]!.header('connection') !== 'close', 'the echo after 100 Continue closed a reusable connection');
    check(got[2]!.body.toString() === 'hello, world\n', 'the request after the 100-continue exchange failed');
  },
});

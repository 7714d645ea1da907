import { defineScenario } from '../../harness/runner/scenario.js';
import { CHOPPY } from '../../harness/sim/faults.js';
import { get, randomText, writeIgnoringReset } from '../support.js';

/**
 * The link itself resets the connection after a seeded number of client bytes (the profile's
 * resetAfterBytes: a middlebox or a crashing client), anywhere in the request line, the fields
 * or the body, while the client keeps writing. Whatever state the parser was in, the server must
 * tear the connection down cleanly (the invariants check registry and timers) and keep serving:
 * a connection on a healthy link right after gets its answer.
 */
export default defineScenario({
  name: 'h1/reset-after-bytes-request',
  description: 'resetAfterBytes 1..600 on the client->server link cuts a POST anywhere; the server recovers',
  faults: { clientToServer: { ...CHOPPY, maxSegment: [1, 64], resetAfterBytes: [1, 600] }, serverToClient: CHOPPY },
  async run({ sim, openConnections, connect, responses, check, rng }) {
    const conn = connect();
    const limit = conn.faults.clientToServer.resetAfterBytes!;
    const body = randomText(rng.int(700, 3000), rng);
    const request = `POST /echo HTTP/1.1\r\nHost: sim\r\nContent-Type: text/plain\r\nX-Padding: ${'p'.repeat(rng.int(0, 200))}\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
    check(request.length > limit, 'the request must be longer than the reset point');
    // Written in pieces, as an application would; writes after the reset fail and are ignored.
    let offset = 0;
    while (offset < request.length) {
      const n = rng.int(1, 200);
      if (!(await writeIgnoringReset(conn, request.slice(offset, offset + n)))) break;
      offset += n;
    }
    check(conn.client.closed && conn.isReset, `the link did not reset after ${limit} bytes`);
    check(conn.c2s.sentBytes === limit, `the link carried ${conn.c2s.sentBytes} bytes, its reset point is ${limit}`);
    await sim.sleep(conn.faults.clientToServer.latencyMs + 1);
    check(openConnections() === 0, `the server still holds ${openConnections()} connection(s) after the reset`);
    const healthy = connect({});
    await healthy.client.write(get('/hello'));
    const [r] = await responses(healthy, 1);
    check(r?.status === 200, 'the server did not serve a healthy connection after the reset');
  },
});

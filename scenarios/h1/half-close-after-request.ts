import { defineScenario } from '../../harness/runner/scenario.js';
import { CHOPPY } from '../../harness/sim/faults.js';
import { get, post, randomText } from '../support.js';

/**
 * A client that sends one complete request and half-closes at once (shutdown(SHUT_WR), as
 * `curl` with some options or a simple script does) still gets its full response: a FIN after a
 * complete request is not an abort. The server then closes; the connection ends with a clean
 * FIN both ways, never a reset. When the FIN reaches the server before the response head is
 * written (a /slow handler sleeping longer than any link delay), the head must already say
 * `connection: close`; for an echo the response may legitimately leave before the FIN arrives.
 */
export default defineScenario({
  name: 'h1/half-close-after-request',
  description: 'a complete request then an immediate FIN: the response arrives in full, then a clean close',
  faults: { clientToServer: CHOPPY, serverToClient: CHOPPY },
  async run({ connect, responses, check, rng }) {
    const conn = connect();
    let expected: string;
    const slow = rng.chance(0.5);
    if (slow) {
      // Longer than the c->s latency + jitter + stall (20 + 10 + 200 ms): the FIN is there first.
      const ms = rng.int(300, 1000);
      await conn.client.write(get(`/slow?ms=${ms}`));
      expected = `slept ${ms} ms\n`;
    } else {
      expected = randomText(rng.int(0, 5000), rng);
      await conn.client.write(post('/echo', expected));
    }
    conn.client.end();
    const got = await responses(conn, 1);
    await conn.client.untilClosed();
    check(got.length === 1 && got[0]!.status === 200, `expected 200, got ${got.map((r) => r.status).join(',') || 'nothing'}`);
    check(got[0]!.body.toString() === expected, 'the response body is not what the request asked for');
    if (slow) check(got[0]!.header('connection') === 'close', `a response begun after the client's FIN says connection: ${got[0]!.header('connection')}`);
    check(conn.client.ended, 'the server did not close after answering a half-closed client');
    check(conn.client.error === null, `the connection ended with ${conn.client.error}`);
  },
});

import { defineScenario } from '../../harness/runner/scenario.js';
import { CHOPPY } from '../../harness/sim/faults.js';
import { get, post } from '../support.js';

/**
 * A client may pipeline requests and half-close at once (RFC 9112 §9.6): the FIN can arrive
 * while the first response is still being produced. Every request sent must be answered, in
 * order, and then the server must close; the last response should say `connection: close`.
 * Slow handlers make sure the FIN overtakes the work.
 */
export default defineScenario({
  name: 'h1/pipelining-half-close',
  description: 'pipelined requests (some slow) followed by a FIN: all answered in order, then the server closes',
  faults: { clientToServer: { ...CHOPPY, maxSegment: [1, 64] }, serverToClient: CHOPPY },
  async run({ connect, responses, check, rng }) {
    const conn = connect();
    const count = rng.int(2, 6);
    const wire: string[] = [];
    const bodies: string[] = [];
    for (let i = 0; i < count; i++) {
      if (i % 2 === 0) {
        const ms = rng.int(0, 200);
        wire.push(get(`/slow?ms=${ms}`));
        bodies.push(`slept ${ms} ms\n`);
      } else {
        const b = `body-${i}`;
        wire.push(post('/echo', b));
        bodies.push(b);
      }
    }
    await conn.client.write(wire.join(''));
    conn.client.end();
    const got = await responses(conn, count);
    await conn.client.untilClosed();
    check(got.length === count, `expected ${count} responses after the half-close, got ${got.length}`);
    got.forEach((r, i) => check(r.status === 200 && r.body.toString() === bodies[i], `response ${i}: ${r.status} ${JSON.stringify(r.body.toString())}`));
    check(got[count - 1]!.header('connection') === 'close', `the last response says connection: ${got[count - 1]!.header('connection')}`);
    check(conn.client.error === null, `the connection ended with ${conn.client.error} instead of a clean close`);
  },
});

import { defineScenario } from '../../harness/runner/scenario.js';
import { CHOPPY } from '../../harness/sim/faults.js';

/** Pipelined requests with distinct bodies: each response must belong to its own request. */
export default defineScenario({
  name: 'h1/pipelined-echo-order',
  description: 'eight pipelined POST /echo sent in one write, delivered in pieces; responses in request order',
  faults: { clientToServer: { ...CHOPPY, maxSegment: [1, 64] }, serverToClient: CHOPPY },
  async run({ connect, responses, check, rng }) {
    const conn = connect();
    const bodies = Array.from({ length: 8 }, (_, i) => `request-${i}-` + 'z'.repeat(rng.int(0, 2000)));
    await conn.client.write(bodies.map((b) => `POST /echo HTTP/1.1\r\nHost: sim\r\ncontent-type: text/plain\r\nContent-Length: ${b.length}\r\n\r\n${b}`).join(''));
    const got = await responses(conn, bodies.length);
    check(got.length === bodies.length, `expected ${bodies.length} responses, got ${got.length}`);
    got.forEach((r, i) => check(r.status === 200 && r.body.toString() === bodies[i], `response ${i} does not echo request ${i}`));
  },
});

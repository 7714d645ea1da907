import { defineScenario } from '../../harness/runner/scenario.js';
import { CHOPPY } from '../../harness/sim/faults.js';
import { post, randomText } from '../support.js';
import { checkAnswers } from './hostile-support.js';

/**
 * A middlebox that swaps neighbouring request segments: four pipelined POST /echo with distinct
 * bodies arrive with pieces of heads and bodies out of order (a request line behind its fields,
 * Content-Length digits swapped, body bytes moved into the next request). The server must answer
 * what still parses, refuse the rest with a defined status and close when the stream is lost;
 * an echo can only hand back bytes the client sent; on an undisturbed link the echoes are exact.
 */
export default defineScenario({
  name: 'hostile/reorder-pipelined',
  description: 'neighbouring request segments swapped: four pipelined echoes answered exactly, or refused and closed cleanly',
  faults: { clientToServer: { ...CHOPPY, maxSegment: [1, 64], hostile: { reorder: [0.02, 0.3] } }, serverToClient: CHOPPY },
  async run({ sim, connect, responses, check, rng }) {
    const conn = connect();
    const bodies = Array.from({ length: 4 }, (_, i) => `req-${i}-${randomText(rng.int(0, 200), rng)}`);
    const stream = Buffer.from(bodies.map((b) => post('/echo', b, 'Content-Type: text/x-echo\r\n')).join(''), 'latin1');
    await conn.client.write(stream);
    const got = await responses(conn, bodies.length);
    // Reordering moves bytes but makes none: every byte an echo returns was sent by the client.
    const sentBytes = new Set(stream);
    await checkAnswers(check, sim, conn, got, bodies.map((body) => ({ status: 200, body })),
      (r) => r.body.length <= stream.length && r.body.every((b) => sentBytes.has(b)));
  },
});

import { defineScenario } from '../../harness/runner/scenario.js';
import { CHOPPY } from '../../harness/sim/faults.js';
import { writeIgnoringReset } from '../support.js';

/**
 * bodyMs bounds silence, not the whole upload: a body trickled in small pieces, each gap shorter
 * than bodyMs, must be accepted even though it takes many times bodyMs in total. The counterpart
 * of h1/timeout-body-stall: a server that measured total time would 408 here.
 */
const BODY_MS = 1000;

export default defineScenario({
  name: 'h1/timeout-slow-body-within-limit',
  description: `a body trickled with gaps under bodyMs ${BODY_MS} (total many times longer) is echoed, not timed out`,
  faults: { clientToServer: { ...CHOPPY, stallChance: [0, 0] }, serverToClient: CHOPPY },
  server: { timeouts: { bodyMs: BODY_MS, headersMs: BODY_MS } },
  async run({ sim, connect, responses, check, rng }) {
    const conn = connect();
    const pieces = Array.from({ length: rng.int(8, 15) }, (_, i) => `piece${i};`);
    const body = pieces.join('');
    await conn.client.write(`POST /echo HTTP/1.1\r\nHost: sim\r\nContent-Length: ${body.length}\r\n\r\n`);
    const started = sim.clock.time;
    for (const p of pieces) {
      // Gaps well under bodyMs even with both links' jitter added.
      await sim.sleep(rng.int(100, BODY_MS - 100));
      check(await writeIgnoringReset(conn, p), 'the connection closed while the body was still arriving in time');
    }
    const took = sim.clock.time - started;
    const got = await responses(conn, 1);
    check(took > 2 * BODY_MS, `the upload took only ${took} ms; the scenario must take longer than bodyMs`);
    check(got.length === 1 && got[0]!.status === 200, `expected 200, got ${got.map((r) => r.status).join(',') || 'nothing'}`);
    check(got[0]!.body.toString() === body, 'the trickled body was not echoed intact');
  },
});

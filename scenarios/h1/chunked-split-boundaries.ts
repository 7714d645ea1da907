import { defineScenario } from '../../harness/runner/scenario.js';
import { CHOPPY } from '../../harness/sim/faults.js';
import { chunk, chunkedHead, get, randomText, splitRandom } from '../support.js';

/**
 * A chunked request body whose chunk-size lines, chunk data and CRLFs are split across reads at
 * arbitrary points (1..8-byte segments) must decode to exactly the bytes sent, and the connection
 * must still be in sync afterwards: a second request on it is answered normally. This is where
 * a parser that assumes a size line or a CRLF arrives in one read breaks.
 */
export default defineScenario({
  name: 'h1/chunked-split-boundaries',
  description: 'chunked POST /echo with random chunk sizes over 1..8-byte segments, then a keep-alive GET',
  faults: { clientToServer: { ...CHOPPY, maxSegment: [1, 8] }, serverToClient: CHOPPY },
  async run({ connect, responses, check, rng }) {
    const conn = connect();
    const body = randomText(rng.int(200, 1500), rng);
    const parts = splitRandom(body, rng.int(1, 300), rng);
    // Each chunk is its own write, so segment edges fall everywhere inside the framing.
    await conn.client.write(chunkedHead('/echo', 'Content-Type: text/plain\r\n'));
    for (const p of parts) await conn.client.write(chunk(p));
    await conn.client.write('0\r\n\r\n');
    await conn.client.write(get('/hello'));
    const got = await responses(conn, 2);
    check(got.length === 2, `expected 2 responses, got ${got.length}`);
    check(got[0]!.status === 200, `echo answered ${got[0]!.status}`);
    check(got[0]!.body.toString('latin1') === body, `echo body differs: sent ${body.length} bytes in ${parts.length} chunks, got ${got[0]!.body.length}`);
    check(got[1]!.status === 200 && got[1]!.body.toString() === 'hello, world\n', `request after the chunked body answered ${got[1]!.status} ${JSON.stringify(got[1]!.body.toString())}`);
    check(!conn.client.ended, 'the server closed a keep-alive connection after a clean chunked body');
  },
});

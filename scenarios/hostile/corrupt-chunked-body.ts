import { defineScenario } from '../../harness/runner/scenario.js';
import { CHOPPY } from '../../harness/sim/faults.js';
import { chunk, chunkedHead, randomText, splitRandom } from '../support.js';
import { checkAnswers, hostileHits } from './hostile-support.js';

/**
 * A middlebox that flips bits in a chunked upload (POST /echo): in chunk-size lines (a size that
 * is not hex, or a different size, so the data no longer ends where a CRLF must follow), in the
 * CRLFs, in the last-chunk, in the data, or in the head. The server must refuse broken framing
 * (400 and close, or 408 once a size claims more data than ever comes), never hang and never
 * crash. An echo that is answered 200 must be the body sent with at most one bit changed per
 * flip, or empty (the flip hid Transfer-Encoding, so the request had no body and the chunks read
 * as a next request, which is then refused). Undisturbed uploads echo exactly.
 */
export default defineScenario({
  name: 'hostile/corrupt-chunked-body',
  description: 'bits flipped in a chunked upload: echoed exactly, off by the flipped bits, or refused and closed cleanly',
  faults: { clientToServer: { ...CHOPPY, maxSegment: [8, 128], hostile: { corrupt: [0.02, 0.2] } }, serverToClient: CHOPPY },
  async run({ sim, connect, responses, check, rng }) {
    const conn = connect();
    const body = randomText(rng.int(1, 1500), rng);
    await conn.client.write(chunkedHead('/echo', 'Content-Type: text/x-echo\r\n') + splitRandom(body, 200, rng).map((p) => chunk(p)).join('') + '0\r\n\r\n');
    const got = await responses(conn, 1);
    const sent = Buffer.from(body, 'latin1');
    await checkAnswers(check, sim, conn, got, [{ status: 200, body }], (r) => {
      if (r.body.length === 0) return true;
      if (r.body.length !== sent.length) return hostileHits(sim, conn.c2s) >= 2;
      let bits = 0;
      for (let i = 0; i < sent.length; i++) for (let x = sent[i]! ^ r.body[i]!; x !== 0; x &= x - 1) bits++;
      return bits <= hostileHits(sim, conn.c2s);
    });
  },
});

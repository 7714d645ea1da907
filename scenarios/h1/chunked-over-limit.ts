import { defineScenario } from '../../harness/runner/scenario.js';
import { CHOPPY } from '../../harness/sim/faults.js';
import { chunk, chunkedHead } from '../support.js';

/**
 * A chunked body has no declared length, so maxBodyBytes can only be enforced as chunks arrive:
 * the chunk-size line that takes the running total past the limit must be answered 413 with
 * `connection: close` (before its data is read), and the connection closed. The client sends
 * chunks just under the limit, split in 1..8-byte segments, then the size line that crosses it.
 */
const LIMIT = 4096;

export default defineScenario({
  name: 'h1/chunked-over-limit',
  description: `chunked POST /echo whose running total crosses maxBodyBytes ${LIMIT} at a size line: 413, close`,
  faults: { clientToServer: { ...CHOPPY, maxSegment: [1, 8] }, serverToClient: CHOPPY },
  server: { limits: { maxBodyBytes: LIMIT } },
  async run({ connect, responses, check, rng }) {
    const conn = connect();
    let total = 0;
    let chunks = '';
    for (;;) {
      const n = rng.int(1, 700);
      if (total + n > LIMIT) break;
      total += n;
      chunks += chunk('c'.repeat(n));
    }
    // The next size line alone takes the total past the limit.
    const over = LIMIT - total + rng.int(1, 5000);
    await conn.client.write(chunkedHead('/echo') + chunks + `${over.toString(16)}\r\n`);
    const got = await responses(conn, 1);
    await conn.client.until(() => conn.client.ended);
    check(got.length === 1, `expected one response, got ${got.length}`);
    check(got[0]!.status === 413, `a chunked body of ${total} + ${over} bytes over a ${LIMIT}-byte limit answered ${got[0]!.status}`);
    check(got[0]!.header('connection') === 'close', '413 without connection: close');
    check(conn.client.ended, 'the server kept the connection open after 413');
  },
});

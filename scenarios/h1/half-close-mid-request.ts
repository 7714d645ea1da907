import { defineScenario } from '../../harness/runner/scenario.js';
import { CHOPPY } from '../../harness/sim/faults.js';
import { chunk } from '../support.js';

/**
 * A FIN in the middle of a request (inside the request line, the fields, a Content-Length body
 * or a chunked body) truncates it (RFC 9112 §8): the server must answer 400 and close, never
 * hand the handler a short body as if it were complete, and never wait for bytes that cannot
 * come. The cut point is random per seed.
 */
export default defineScenario({
  name: 'h1/half-close-mid-request',
  description: 'a request cut by a FIN at a random point (head, CL body or chunked body): 400, then close',
  faults: { clientToServer: { ...CHOPPY, maxSegment: [1, 16] }, serverToClient: CHOPPY },
  async run({ connect, responses, check, rng }) {
    const conn = connect();
    const full = rng.chance(0.5)
      ? `POST /echo HTTP/1.1\r\nHost: sim\r\nContent-Type: text/plain\r\nContent-Length: 40\r\n\r\n${'b'.repeat(40)}`
      : `POST /echo HTTP/1.1\r\nHost: sim\r\nTransfer-Encoding: chunked\r\n\r\n${chunk('c'.repeat(20))}${chunk('d'.repeat(20))}0\r\n\r\n`;
    // Anywhere from the first byte to one byte short of complete.
    const cut = rng.int(1, full.length - 1);
    await conn.client.write(full.slice(0, cut));
    conn.client.end();
    const got = await responses(conn, 1);
    await conn.client.untilClosed();
    const where = JSON.stringify(full.slice(Math.max(0, cut - 12), cut));
    check(got.length === 1, `expected one response to a request cut after ${cut} bytes (…${where}), got ${got.length}`);
    check(got[0]!.status === 400, `a request cut after ${cut} bytes (…${where}) answered ${got[0]!.status}`);
    check(got[0]!.header('connection') === 'close', '400 without connection: close');
    check(conn.client.error === null, `the connection ended with ${conn.client.error}`);
  },
});

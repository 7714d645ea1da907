import { defineScenario } from '../../harness/runner/scenario.js';
import { CHOPPY } from '../../harness/sim/faults.js';

/**
 * Expect: 100-continue with a Content-Length over maxBodyBytes: the server must answer 413
 * straight away, never `100 Continue` (that would invite the client to send what we refuse), say
 * `connection: close` (the client may or may not send the body; the stream cannot be reused),
 * and close. The client, as a real one would, waits without sending the body.
 */
const LIMIT = 2048;

export default defineScenario({
  name: 'h1/expect-continue-too-large',
  description: `Expect: 100-continue with Content-Length over maxBodyBytes ${LIMIT}: 413 without 100, then close`,
  faults: { clientToServer: { ...CHOPPY, maxSegment: [1, 16] }, serverToClient: CHOPPY },
  server: { limits: { maxBodyBytes: LIMIT } },
  async run({ connect, responses, check, rng }) {
    const conn = connect();
    const length = LIMIT + rng.int(1, 10_000_000);
    await conn.client.write(`POST /echo HTTP/1.1\r\nHost: sim\r\nExpect: 100-continue\r\nContent-Length: ${length}\r\n\r\n`);
    const got = await responses(conn, 1);
    await conn.client.until(() => conn.client.ended);
    check(!conn.client.received.toString('latin1').includes('100 Continue'), 'the server sent 100 Continue for a body it refuses');
    check(got.length === 1 && got[0]!.status === 413, `expected one 413, got ${got.map((r) => r.status).join(',')}`);
    check(got[0]!.header('connection') === 'close', '413 without connection: close');
    check(conn.client.ended, 'the server did not close after 413');
  },
});

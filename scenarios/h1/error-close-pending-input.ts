import { defineScenario } from '../../harness/runner/scenario.js';
import { CHOPPY } from '../../harness/sim/faults.js';
import { get } from '../support.js';

/**
 * A client that pipelines a malformed request and a good one in a single write (it cannot know
 * the first is bad) has bytes in flight when the server answers the error and closes. RFC 9112
 * §9.6 asks for a staged ("lingering") close: half-close, keep reading and discarding what the
 * client already sent, then close. A server that closes outright leaves those bytes to hit a
 * closed socket, which a real TCP stack answers with RST — and the RST can destroy the error
 * response before the client reads it. The error response must arrive intact, the pipelined
 * request must not be served, the connection must end, and (invariant) every byte the client
 * sent on this never-reset link must have been taken by the server.
 */
const CASES = [
  { raw: 'GET / HTTP/1.1\r\nHost: sim\r\nContent-Length : 0\r\n\r\n', status: 400 },
  { raw: 'GET /a#frag HTTP/1.1\r\nHost: sim\r\n\r\n', status: 400 },
  { raw: 'BREW /pot HTTP/1.1\r\nHost: sim\r\n\r\n', status: 501 },
  { raw: 'POST /echo HTTP/1.1\r\nHost: sim\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n', status: 400 },
];

export default defineScenario({
  name: 'h1/error-close-pending-input',
  description: 'a bad request pipelined with a good one: the error response arrives, nothing else is served, the input is drained',
  faults: { clientToServer: { ...CHOPPY, maxSegment: [1, 64] }, serverToClient: CHOPPY },
  async run({ connect, responses, check, rng }) {
    const c = CASES[rng.int(0, CASES.length - 1)]!;
    const conn = connect();
    await conn.client.write(c.raw + get('/hello') + get('/hello'));
    const got = await responses(conn, 1);
    await conn.client.until(() => conn.client.ended || conn.client.closed);
    check(got.length >= 1 && got[0]!.status === c.status, `expected ${c.status} for ${JSON.stringify(c.raw.split('\r\n')[0])}, got ${got.map((r) => r.status).join(',') || 'nothing'} (connection ended with ${conn.client.error ?? 'FIN'})`);
    check(got.length === 1, `requests pipelined after a malformed one were served (${got.length} responses)`);
    check(got[0]!.header('connection') === 'close', 'the error response does not say connection: close');
  },
});

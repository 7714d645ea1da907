import { defineScenario } from '../../harness/runner/scenario.js';
import { CHOPPY } from '../../harness/sim/faults.js';
import { chunk, chunkedHead } from '../support.js';

/**
 * A chunked body that goes bad after valid chunks (a size line that is not hex) must be answered
 * 400 with `connection: close` and the connection closed: the rest of the stream cannot be
 * framed, so the connection cannot be reused. The echo handler has already started reading the
 * body when the error comes, so the error path must replace its response (and not hang it).
 * The client stops sending at the bad line, so the close loses nothing it sent.
 */
export default defineScenario({
  name: 'h1/chunked-invalid-size-midstream',
  description: 'valid chunks, then an invalid chunk-size line, over 1..8-byte segments: 400, connection: close, closed',
  faults: { clientToServer: { ...CHOPPY, maxSegment: [1, 8] }, serverToClient: CHOPPY },
  async run({ connect, responses, check, rng }) {
    const conn = connect();
    let chunks = '';
    for (let i = 0; i < rng.int(1, 6); i++) chunks += chunk('y'.repeat(rng.int(1, 50)));
    const bad = ['G', 'zz', '-5', ' 5', 'x1'][rng.int(0, 4)]!;
    await conn.client.write(chunkedHead('/echo') + chunks + `${bad}\r\n`);
    const got = await responses(conn, 1);
    await conn.client.until(() => conn.client.ended);
    check(got.length === 1, `expected exactly one response, got ${got.length}`);
    check(got[0]!.status === 400, `invalid chunk size ${JSON.stringify(bad)} answered ${got[0]!.status}`);
    check(got[0]!.header('connection') === 'close', `400 without connection: close (${got[0]!.header('connection')})`);
    check(!conn.client.received.toString('latin1').includes('HTTP/1.1 200'), 'a 200 went out for a broken body');
    // The connection is unusable: the server has closed its side.
    check(conn.client.ended, 'the server did not close after the framing error');
  },
});

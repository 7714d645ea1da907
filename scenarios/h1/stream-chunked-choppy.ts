import { defineScenario } from '../../harness/runner/scenario.js';
import { CHOPPY } from '../../harness/sim/faults.js';
import { patternBytes } from '../../server/demo/demo-routes.js';
import { firstDifference, get } from '../support.js';

/**
 * A streamed (chunked) response written over time, /stream?chunks=N&size=M&delay=D, decodes to
 * exactly the /bytes pattern with one chunk per write, whatever the choppy links do to it, and the
 * delays run on virtual time: the last chunk cannot arrive before (N-1)·D ms. A second request on
 * the same connection checks the last-chunk left the connection in sync.
 */
export default defineScenario({
  name: 'h1/stream-chunked-choppy',
  description: 'GET /stream with random chunks/size/delay over choppy links: decoded body, chunk sizes, virtual timing',
  faults: { clientToServer: CHOPPY, serverToClient: CHOPPY },
  async run({ sim, connect, responses, check, rng }) {
    const conn = connect();
    const chunks = rng.int(1, 30);
    const size = rng.int(1, 3000);
    const delay = rng.int(0, 250);
    const started = sim.clock.time;
    await conn.client.write(get(`/stream?chunks=${chunks}&size=${size}&delay=${delay}`) + get('/hello'));
    const got = await responses(conn, 2);
    const took = sim.clock.time - started;
    check(got.length === 2, `expected 2 responses, got ${got.length}`);
    const r = got[0]!;
    check(r.status === 200 && r.chunked, `stream answered ${r.status}, chunked=${r.chunked}`);
    const expected = patternBytes(0, chunks * size);
    const diff = firstDifference(r.body, expected);
    check(diff === -1, `stream body differs at byte ${diff} (got ${r.body.length} bytes, expected ${expected.length})`);
    check(r.chunkSizes.length === chunks && r.chunkSizes.every((s) => s === size), `chunk sizes ${JSON.stringify(r.chunkSizes.slice(0, 10))}... (${r.chunkSizes.length}), expected ${chunks} x ${size}`);
    check(took >= (chunks - 1) * delay, `the stream finished after ${took} ms of virtual time, before its ${(chunks - 1) * delay} ms of delays`);
    check(got[1]!.status === 200 && got[1]!.body.toString() === 'hello, world\n', 'the request after the stream was not answered correctly');
  },
});

import { defineScenario } from '../../harness/runner/scenario.js';
import { CHOPPY } from '../../harness/sim/faults.js';
import { patternBytes } from '../../server/demo/demo-routes.js';
import { get, responsesWithHead } from '../support.js';

/**
 * HEAD responses carry the framing fields of the GET (content-length, or transfer-encoding for
 * a streamed route) but no content. Pipelined HEAD and GET requests for the same resources show
 * whether the server ever leaks body bytes after a HEAD: if it did, every later response in the
 * pipeline would be misframed. The parser is told which responses answer HEAD.
 */
export default defineScenario({
  name: 'h1/pipelining-head-get-mix',
  description: 'pipelined HEAD and GET of /hello, /bytes/n and /stream in random order; HEAD has framing but no body',
  faults: { clientToServer: { ...CHOPPY, maxSegment: [1, 32] }, serverToClient: { ...CHOPPY, maxSegment: [1, 64] } },
  async run({ connect, check, rng }) {
    const conn = connect();
    const n = rng.int(0, 5000);
    const paths = ['/hello', `/bytes/${n}`, '/stream?chunks=3&size=5'];
    const plan: Array<{ head: boolean; path: string }> = [];
    for (let i = 0; i < 8; i++) plan.push({ head: rng.chance(0.5), path: paths[rng.int(0, paths.length - 1)]! });
    await conn.client.write(plan.map((p) => get(p.path, '', p.head ? 'HEAD' : 'GET')).join(''));
    const got = await responsesWithHead(conn, plan.length, plan.map((p) => p.head));
    check(got.length === plan.length, `expected ${plan.length} responses, got ${got.length}`);
    got.forEach((r, i) => {
      const p = plan[i]!;
      check(r.status === 200, `${p.head ? 'HEAD' : 'GET'} ${p.path}: status ${r.status}`);
      const expected = p.path === '/hello' ? Buffer.from('hello, world\n') : p.path.startsWith('/bytes') ? patternBytes(0, n) : patternBytes(0, 15);
      if (p.head) {
        check(r.body.length === 0, `HEAD ${p.path} carried a body`);
        if (!p.path.startsWith('/stream')) check(r.header('content-length') === String(expected.length), `HEAD ${p.path}: content-length ${r.header('content-length')}, GET would send ${expected.length}`);
      } else {
        check(r.body.equals(expected), `GET ${p.path}: body of ${r.body.length} bytes differs from the expected ${expected.length}`);
      }
    });
    // Nothing stray after the last response (a leaked HEAD body would show here or above).
    await conn.client.write(get('/hello'));
    const after = await responsesWithHead(conn, plan.length + 1, plan.map((p) => p.head));
    check(after.length === plan.length + 1 && after[plan.length]!.body.toString() === 'hello, world\n', 'the connection was out of sync after the HEAD/GET pipeline');
  },
});

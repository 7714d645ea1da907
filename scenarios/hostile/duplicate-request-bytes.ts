import { defineScenario } from '../../harness/runner/scenario.js';
import { CHOPPY } from '../../harness/sim/faults.js';
import { get, post, randomText } from '../support.js';
import { checkAnswers } from './hostile-support.js';

const HELLO = 'hello, world\n';
const HELLO_TYPE = 'text/plain; charset=utf-8';

/**
 * A middlebox that delivers some request segments twice: the server sees bytes repeated anywhere
 * in a pipeline of GET /hello, POST /echo and GET /hello (a doubled "Content-Length: 1" reads as
 * 11, a doubled header line is a repeated field, a doubled request is a second request). Every
 * answer must be the normal one or a defined refusal, a lost stream must be closed, nothing may
 * hang (timeouts end what never completes), and on a link the seed left alone the answers are
 * exact. A healthy connection afterwards is served: the server is not wedged.
 */
export default defineScenario({
  name: 'hostile/duplicate-request-bytes',
  description: 'request segments delivered twice: pipelined GET/POST/GET answered exactly, or refused and closed cleanly',
  faults: { clientToServer: { ...CHOPPY, maxSegment: [1, 64], hostile: { duplicate: [0.02, 0.25] } }, serverToClient: CHOPPY },
  async run({ sim, connect, responses, check, rng }) {
    const conn = connect();
    const body = randomText(rng.int(0, 300), rng);
    await conn.client.write(get('/hello') + post('/echo', body, 'Content-Type: text/x-echo\r\n') + get('/hello'));
    const got = await responses(conn, 3);
    // A 200 is /hello's own answer, or an echo (whose body is whatever the server read).
    await checkAnswers(check, sim, conn, got, [{ status: 200, body: HELLO }, { status: 200, body }, { status: 200, body: HELLO }],
      (r) => r.body.toString('latin1') === HELLO || r.header('content-type') !== HELLO_TYPE);
    const healthy = connect({});
    await healthy.client.write(get('/hello'));
    const [r] = await responses(healthy, 1);
    check(r?.status === 200 && r.body.toString() === HELLO, 'a healthy connection was not served after the hostile one');
  },
});

import { defineScenario } from '../../harness/runner/scenario.js';
import { CHOPPY } from '../../harness/sim/faults.js';

/** Several requests on one persistent connection, each answered in full, in order. */
export default defineScenario({
  name: 'h1/hello-keep-alive',
  description: 'five GET /hello on one keep-alive connection over choppy links',
  faults: { clientToServer: CHOPPY, serverToClient: CHOPPY },
  async run({ connect, responses, check }) {
    const conn = connect();
    for (let i = 0; i < 5; i++) await conn.client.write('GET /hello HTTP/1.1\r\nHost: sim\r\n\r\n');
    const got = await responses(conn, 5);
    check(got.length === 5, `expected 5 responses, got ${got.length}`);
    for (const r of got) check(r.status === 200 && r.body.toString() === 'hello, world\n', `bad response ${r.status} ${JSON.stringify(r.body.toString())}`);
  },
});

import { defineScenario } from '../../harness/runner/scenario.js';
import { CHOPPY } from '../../harness/sim/faults.js';

/**
 * Fails on purpose, always, with a real exchange behind it: it exercises the failure path
 * (artifact, repro, shrink) in the tests. It is kept out of normal runs.
 */
export default defineScenario({
  name: 'selftest/always-fails',
  description: 'a deliberately failing scenario for the artifact, repro and shrink pipeline',
  faults: { clientToServer: CHOPPY, serverToClient: CHOPPY },
  async run({ connect, responses, check }) {
    const conn = connect();
    await conn.client.write('GET /hello HTTP/1.1\r\nHost: sim\r\n\r\n');
    const [response] = await responses(conn, 1);
    // /hello answers 200; this expectation can never hold.
    check(response?.status === 418, `selftest: expected 418, got ${response?.status}`);
  },
});

import { defineScenario } from '../../harness/runner/scenario.js';
import { CHOPPY } from '../../harness/sim/faults.js';
import { get } from '../support.js';

/**
 * A drain deadline is a promise: a request that would take a minute (/slow?ms=60000) must not
 * hold server.close() past deadlineMs. At the deadline the connection is reset (the client sees
 * ECONNRESET, no partial response), the handler's 60 s sleep is cancelled through its abort
 * signal (no timer left — the runner checks), and close() resolves at the deadline.
 */
const DEADLINE_MS = 1000;

export default defineScenario({
  name: 'h1/drain-deadline-force-close',
  description: `server.close({ deadlineMs: ${DEADLINE_MS} }) with /slow?ms=60000 in flight: reset at the deadline, close() resolves`,
  faults: { clientToServer: { ...CHOPPY, stallChance: [0, 0] }, serverToClient: CHOPPY },
  differential: { skip: "drives aeronet's graceful drain, server.close({ deadlineMs }), which node:http has no equivalent of" },
  async run({ sim, server, connect, check }) {
    const conn = connect();
    await conn.client.write(get('/slow?ms=60000'));
    await sim.sleep(100);
    const started = sim.clock.time;
    let resolvedAt = -1;
    const closing = server.close({ deadlineMs: DEADLINE_MS }).then(() => (resolvedAt = sim.clock.time - started));
    await conn.client.untilClosed();
    const after = sim.clock.time - started;
    check(conn.client.error === 'ECONNRESET', `the connection ended with ${conn.client.error ?? 'a clean close'}, expected a reset at the deadline`);
    check(conn.client.receivedBytes === 0, 'bytes of a response went out for a request cut by the deadline');
    check(after >= DEADLINE_MS && after <= DEADLINE_MS + conn.faults.serverToClient.latencyMs + 1, `reset ${after} ms after close(), expected at the ${DEADLINE_MS} ms deadline`);
    await closing;
    check(resolvedAt >= DEADLINE_MS && resolvedAt <= DEADLINE_MS + 1, `close() resolved ${resolvedAt} ms after it was called`);
  },
});

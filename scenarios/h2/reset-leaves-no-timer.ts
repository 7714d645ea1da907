import { defineScenario } from '../../harness/runner/scenario.js';
import { CHOPPY } from '../../harness/sim/faults.js';
import { connectH2, describeStream, untilServerForgets } from './h2-support.js';

/**
 * A connection reset while a handler sleeps (/slow) must leave nothing behind: the handler's
 * sleep is aborted, the connection is forgotten, and no timer of the server's stays armed for a
 * connection that is gone (the scenario invariants only see timers after teardown has fired them
 * all, so a leaked 30 s timer passes there unnoticed; this looks right after the reset).
 */
export default defineScenario({
  name: 'h2/reset-leaves-no-timer',
  description: 'client RST while /slow sleeps on an h2 connection: once the server forgets the connection, no timer of its is left',
  faults: { clientToServer: CHOPPY, serverToClient: CHOPPY },
  async run({ connect, sim, check, rng, openConnections, sleep }) {
    const h = connectH2({ connect, sim }, { credit: 'auto' });
    h.preface([]);
    h.request(1, 'GET', `/slow?ms=${rng.int(500, 5000)}`);
    h.request(3, 'GET', '/hello');
    await h.until(() => !h.view(3).open);
    check(h.view(3).status === 200, `GET /hello: ${describeStream(h.view(3))}`);
    await sim.sleep(rng.int(0, 100));
    h.conn.client.reset();
    check(await untilServerForgets({ openConnections, sleep }), `the server still holds ${openConnections()} connection(s) after the reset`);
    // Long enough for every segment of the dead links to have been dropped.
    await sleep(100);
    check(sim.clock.pendingTimers === 0, `${sim.clock.pendingTimers} timer(s) still armed after the reset connection was forgotten`);
  },
});

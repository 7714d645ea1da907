import { defineScenario } from '../../harness/runner/scenario.js';
import { CHOPPY } from '../../harness/sim/faults.js';
import { SIM_TLS } from '../support.js';

const HEADERS_MS = 3000;

/**
 * A handshake that cannot finish in time: the link towards the server stalls for longer than
 * the handshake may take (the headers timeout, 3 s here). The server must give up at the
 * timeout, on virtual time, and close; the client sees the handshake fail. A 3-second wait costs
 * no real time.
 */
export default defineScenario({
  name: 'tls/handshake-timeout',
  description: `client->server link stalls 5..20 s during the handshake: the server abandons it at headersMs (${HEADERS_MS} ms)`,
  faults: {
    clientToServer: { maxSegment: [1, 200], stallChance: [1, 1], stallMs: [5000, 20_000] },
    serverToClient: CHOPPY,
  },
  server: { tls: SIM_TLS, timeouts: { headersMs: HEADERS_MS } },
  async run({ sim, connectTls, check, openConnections }) {
    const started = sim.clock.time;
    const t = connectTls();
    const secured = await t.handshake;
    const took = sim.clock.time - started;
    check(!secured, 'the handshake completed over a link stalled for longer than the timeout');
    // The server's close reaches the client after at most the link's one-way delay (<= 30 ms).
    check(took >= HEADERS_MS && took <= HEADERS_MS + 100, `the handshake ended after ${took} ms, expected the ${HEADERS_MS} ms timeout`);
    check(openConnections() === 0, `the server still holds ${openConnections()} connection(s) or handshake(s)`);
  },
});

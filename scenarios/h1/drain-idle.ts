import { defineScenario } from '../../harness/runner/scenario.js';
import { CHOPPY } from '../../harness/sim/faults.js';
import { get } from '../support.js';

/**
 * Graceful drain with nothing in flight: a kept-alive connection that has been answered and a
 * connection that never sent a byte must both be closed at once (a FIN, no reset, no bytes
 * written), not left until keepAliveMs; a connection attempted after the drain began is refused.
 * The clients answer the FIN by closing their side, as HTTP clients do on EOF, so close() must
 * resolve as soon as that reaches the server (a staged close has nothing left to wait for).
 */
export default defineScenario({
  name: 'h1/drain-idle',
  description: 'server.close() with idle connections: they close at once, close() resolves, new connections are refused',
  faults: { clientToServer: CHOPPY, serverToClient: { ...CHOPPY, stallChance: [0, 0] } },
  server: { timeouts: { keepAliveMs: 60_000 } },
  differential: { skip: "drives aeronet's graceful drain, server.close({ deadlineMs }), which node:http has no equivalent of" },
  async run({ sim, server, connect, responses, check }) {
    const used = connect();
    const silent = connect();
    await used.client.write(get('/hello'));
    const [r] = await responses(used, 1);
    check(r?.status === 200 && r.header('connection') !== 'close', 'the kept-alive request was not answered normally');
    const before = used.client.receivedBytes;
    const started = sim.clock.time;
    let resolvedAt = -1;
    const closing = server.close({ deadlineMs: 10_000 }).then(() => (resolvedAt = sim.clock.time - started));
    const late = connect({});
    for (const c of [used, silent]) await c.client.until(() => c.client.ended || c.client.closed);
    const took = sim.clock.time - started;
    for (const c of [used, silent]) c.client.end();
    check(took <= used.faults.serverToClient.latencyMs + used.faults.serverToClient.jitterMs + silent.faults.serverToClient.latencyMs + silent.faults.serverToClient.jitterMs + 1, `idle connections took ${took} ms to close on drain`);
    check(used.client.receivedBytes === before && silent.client.receivedBytes === 0, 'the drain wrote bytes to idle connections');
    check(used.client.error === null && silent.client.error === null, 'an idle connection was reset instead of closed');
    await closing;
    // Our FINs cross the client->server links once.
    const back = Math.max(...[used, silent].map((c) => c.faults.clientToServer.latencyMs + c.faults.clientToServer.jitterMs + c.faults.clientToServer.stallMs));
    check(resolvedAt >= 0 && resolvedAt <= took + back + 1, `close() resolved ${resolvedAt} ms after it was called; the idle connections had closed by ${took + back} ms`);
    await late.client.untilClosed();
    check(late.client.error === 'ECONNRESET' && late.client.receivedBytes === 0, `a connection opened during the drain ended with ${late.client.error}`);
    check(server.connectionCount === 0, 'connections remain after the drain');
  },
});

import { defineScenario } from '../../harness/runner/scenario.js';
import { CHOPPY } from '../../harness/sim/faults.js';
import { get } from '../support.js';

/**
 * Graceful drain with work in flight: server.close({ deadlineMs: 5000 }) is called while
 * /slow?ms=500 is being handled (and, on a second connection, a streamed /stream whose head went
 * out before the drain). Both must finish in full; the /slow response, whose head is written after
 * the drain began, must say `connection: close`; each connection then closes cleanly (no reset);
 * close() resolves once they are gone, well before the deadline.
 */
export default defineScenario({
  name: 'h1/drain-in-flight',
  description: 'server.close() during /slow?ms=500 and a /stream: both complete, connection: close, clean close, close() resolves',
  // No stalls on the request path: each request must be at the server before the drain starts.
  faults: { clientToServer: { ...CHOPPY, stallChance: [0, 0] }, serverToClient: CHOPPY },
  differential: { skip: "drives aeronet's graceful drain, server.close({ deadlineMs }), which node:http has no equivalent of" },
  async run({ sim, server, connect, responses, check, rng }) {
    const slow = connect();
    const streaming = connect();
    await slow.client.write(get('/slow?ms=500'));
    await streaming.client.write(get('/stream?chunks=5&size=100&delay=150'));
    await sim.sleep(rng.int(60, 400));
    let closedAt = -1;
    const closing = server.close({ deadlineMs: 5000 }).then(() => (closedAt = sim.clock.time));
    const [r] = await responses(slow, 1);
    const [s] = await responses(streaming, 1);
    check(r?.status === 200 && r.body.toString() === 'slept 500 ms\n', `the in-flight /slow got ${r?.status} ${JSON.stringify(r?.body.toString())}`);
    check(r!.header('connection') === 'close', `the response finished during the drain says connection: ${r!.header('connection')}`);
    check(s?.status === 200 && s.body.length === 500, `the in-flight /stream got ${s?.status} with ${s?.body.length} bytes`);
    await Promise.all([slow.client.until(() => slow.client.ended || slow.client.closed), streaming.client.until(() => streaming.client.ended || streaming.client.closed)]);
    check(slow.client.error === null && streaming.client.error === null, `a drained connection was reset (${slow.client.error}, ${streaming.client.error})`);
    await closing;
    check(closedAt >= 500 && closedAt < 5000, `close() resolved at ${closedAt} ms, expected after the work and before the deadline`);
    check(server.connectionCount === 0, 'connections remain after the drain');
  },
});

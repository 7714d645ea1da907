import { defineScenario } from '../../harness/runner/scenario.js';
import { CHOPPY } from '../../harness/sim/faults.js';
import { patternBytes } from '../../server/demo/demo-routes.js';
import { get } from '../support.js';

/**
 * A client that resets while a large streamed response (/bytes/200000, written chunk by chunk
 * with backpressure) is on its way. The handler is blocked in res.write() on a window the peer
 * will never open again: the reset must release it (its signal aborts, the write settles), the
 * connection must be forgotten, and nothing may keep a timer alive. Whatever arrived before the
 * reset must be a correct prefix of the pattern.
 */
export default defineScenario({
  name: 'h1/reset-client-mid-response',
  description: 'RST from the client while /bytes/200000 streams; no crash, no leak, the prefix received is correct',
  faults: { clientToServer: CHOPPY, serverToClient: { ...CHOPPY, windowBytes: [1024, 16384] } },
  async run({ sim, openConnections, connect, responses, check, rng }) {
    const conn = connect();
    const total = 200_000;
    await conn.client.write(get(`/bytes/${total}`));
    const resetAt = rng.int(1, 150_000);
    await conn.client.until(() => conn.client.receivedBytes >= resetAt);
    conn.client.reset();
    const received = conn.client.received;
    const headEnd = received.indexOf('\r\n\r\n');
    check(headEnd > 0 && received.subarray(0, 12).toString() === 'HTTP/1.1 200', 'the response head did not arrive first');
    const body = received.subarray(headEnd + 4);
    check(body.length < total, 'the whole body arrived before the reset; the scenario did not test anything');
    check(body.equals(patternBytes(0, body.length)), 'the part of the body received before the reset is corrupt');
    await sim.sleep(conn.faults.clientToServer.latencyMs + 1);
    check(openConnections() === 0, `the server still holds ${openConnections()} connection(s) after the reset`);
    const next = connect({});
    await next.client.write(get('/bytes/100'));
    const [r] = await responses(next, 1);
    check(r?.status === 200 && r.body.equals(patternBytes(0, 100)), 'the server did not serve a new connection after the reset');
  },
});

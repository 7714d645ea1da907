import { defineScenario } from '../../harness/runner/scenario.js';
import { CHOPPY } from '../../harness/sim/faults.js';

/**
 * A request body that stops arriving (the client sent the head and part of the body, then went
 * silent) must not hold the connection forever: after bodyMs of silence the server answers 408
 * with `connection: close` and closes. The handler (echo) is already waiting on the body, so the
 * timeout must both fail that read and replace the response. Works for Content-Length and
 * chunked bodies alike.
 */
const BODY_MS = 1500;

export default defineScenario({
  name: 'h1/timeout-body-stall',
  description: `a body that stalls part-way (Content-Length or chunked): 408 after bodyMs ${BODY_MS}, then close`,
  faults: { clientToServer: { ...CHOPPY, stallChance: [0, 0] }, serverToClient: { ...CHOPPY, stallChance: [0, 0] } },
  server: { timeouts: { bodyMs: BODY_MS } },
  differential: { skip: 'node:http checks headersTimeout and requestTimeout on a real-time interval, which cannot run on the virtual clock' },
  async run({ sim, connect, responses, check, rng }) {
    const conn = connect();
    const chunked = rng.chance(0.5);
    const partial = 'p'.repeat(rng.int(0, 40));
    await conn.client.write(
      chunked
        ? `POST /echo HTTP/1.1\r\nHost: sim\r\nTransfer-Encoding: chunked\r\n\r\n${partial.length > 0 ? `50\r\n${partial}` : ''}`
        : `POST /echo HTTP/1.1\r\nHost: sim\r\nContent-Length: 100\r\n\r\n${partial}`,
    );
    const sentAt = sim.clock.time;
    const got = await responses(conn, 1);
    const answeredAfter = sim.clock.time - sentAt;
    await conn.client.until(() => conn.client.ended || conn.client.closed);
    const delays = conn.faults.clientToServer.latencyMs + conn.faults.clientToServer.jitterMs + conn.faults.serverToClient.latencyMs + conn.faults.serverToClient.jitterMs;
    check(got.length === 1 && got[0]!.status === 408, `expected 408, got ${got.map((r) => r.status).join(',') || 'nothing'} (${chunked ? 'chunked' : 'content-length'}, ${partial.length} body bytes)`);
    check(got[0]!.header('connection') === 'close', '408 without connection: close');
    check(answeredAfter >= BODY_MS && answeredAfter <= BODY_MS + delays + 1, `408 arrived ${answeredAfter} ms after the body stopped, expected ~${BODY_MS}`);
    check(conn.client.ended && conn.client.error === null, 'the server did not close cleanly after the 408');
  },
});

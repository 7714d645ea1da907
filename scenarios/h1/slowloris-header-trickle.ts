import { defineScenario } from '../../harness/runner/scenario.js';
import { CHOPPY } from '../../harness/sim/faults.js';
import { writeIgnoringReset } from '../support.js';

/**
 * Slowloris: a client that trickles its header section one byte per second never completes it
 * within headersMs (10 s, the default). The server must answer 408 with `connection: close` and
 * close about 10 s after the first byte arrived (measured in virtual time), not when the header
 * would have completed (over a minute later), and never serve the request. The bytes go out at 0 s, then at
 * 1.5 s, 2.5 s, ... so that the deadline falls between two bytes rather than racing one.
 */
const HEADERS_MS = 10_000;

export default defineScenario({
  name: 'h1/slowloris-header-trickle',
  description: 'a header trickled 1 byte/s against headersMs 10 s: 408 and close at ~10 s of virtual time',
  faults: { clientToServer: { ...CHOPPY, stallChance: [0, 0] }, serverToClient: { ...CHOPPY, stallChance: [0, 0] } },
  server: { timeouts: { headersMs: HEADERS_MS } },
  differential: { skip: 'node:http checks headersTimeout and requestTimeout on a real-time interval, which cannot run on the virtual clock' },
  async run({ sim, connect, responses, check }) {
    const conn = connect();
    const header = 'GET /hello HTTP/1.1\r\nHost: sim\r\nUser-Agent: slowloris/1.0 (one byte at a time)\r\n\r\n';
    const started = sim.clock.time;
    // When the server's FIN reaches the client, exactly (until() resolves at that virtual instant).
    const closedAt = conn.client.until(() => conn.client.ended || conn.client.closed).then(() => sim.clock.time - started);
    let sent = 0;
    for (const ch of header) {
      if (conn.client.ended || conn.client.closed) break;
      if (!(await writeIgnoringReset(conn, ch))) break;
      sent++;
      await sim.sleep(sent === 1 ? 1500 : 1000);
    }
    const got = await responses(conn, 1);
    const closedMs = await closedAt;
    // Measured from when the first byte was sent; the first byte and the FIN each cross a link once.
    const oneWayEach = conn.faults.clientToServer.latencyMs + conn.faults.clientToServer.jitterMs + conn.faults.serverToClient.latencyMs + conn.faults.serverToClient.jitterMs;
    check(sent < header.length, `the whole header (${header.length} bytes) went out: the server never timed it out`);
    check(got.length === 1 && got[0]!.status === 408, `expected 408, got ${got.map((r) => r.status).join(',') || 'nothing'}`);
    check(got[0]!.header('connection') === 'close', '408 without connection: close');
    check(conn.client.error === null, `the connection was reset (${conn.client.error}) instead of closed after the 408`);
    check(!conn.client.received.toString('latin1').includes('hello, world'), 'the trickled request was served');
    check(closedMs >= HEADERS_MS && closedMs <= HEADERS_MS + oneWayEach + 1, `closed after ${closedMs} ms of virtual time, expected ${HEADERS_MS} ms + link delays (${oneWayEach} ms at most)`);
  },
});

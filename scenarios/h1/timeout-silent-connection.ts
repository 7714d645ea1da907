import { defineScenario } from '../../harness/runner/scenario.js';
import { CHOPPY } from '../../harness/sim/faults.js';

/**
 * A connection on which the client never sends a byte is idle from the start: the server must
 * close it after keepAliveMs, with a plain FIN and without writing anything (there is no request
 * to answer, so no 408). Several such connections opened at different times each close on
 * their own schedule, and the registry ends empty.
 */
const KEEP_ALIVE_MS = 3000;

export default defineScenario({
  name: 'h1/timeout-silent-connection',
  description: `connections that never send a byte are closed silently after keepAliveMs ${KEEP_ALIVE_MS}`,
  faults: { clientToServer: CHOPPY, serverToClient: { ...CHOPPY, stallChance: [0, 0] } },
  server: { timeouts: { keepAliveMs: KEEP_ALIVE_MS } },
  differential: { skip: 'node:http checks headersTimeout and requestTimeout on a real-time interval, which cannot run on the virtual clock' },
  async run({ sim, openConnections, connect, check, rng }) {
    const opened: Array<{ conn: ReturnType<typeof connect>; at: number; closedAt: Promise<number> }> = [];
    for (let i = 0; i < 3; i++) {
      const conn = connect();
      // The exact virtual instant each one's FIN arrives.
      opened.push({ conn, at: sim.clock.time, closedAt: conn.client.until(() => conn.client.ended || conn.client.closed).then(() => sim.clock.time) });
      await sim.sleep(rng.int(0, 1000));
    }
    check(openConnections() === 3, `expected 3 live connections, the server has ${openConnections()}`);
    for (const { conn, at, closedAt } of opened) {
      const after = (await closedAt) - at;
      const lat = conn.faults.serverToClient.latencyMs + conn.faults.serverToClient.jitterMs;
      check(after >= KEEP_ALIVE_MS && after <= KEEP_ALIVE_MS + lat + 1, `a silent connection closed after ${after} ms, expected ${KEEP_ALIVE_MS} ms`);
      check(conn.client.receivedBytes === 0, `the server wrote ${conn.client.receivedBytes} bytes to a connection that sent nothing`);
      check(conn.client.error === null, `closed by a reset (${conn.client.error})`);
    }
  },
});

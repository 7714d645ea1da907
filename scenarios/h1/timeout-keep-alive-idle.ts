import { defineScenario } from '../../harness/runner/scenario.js';
import { CHOPPY } from '../../harness/sim/faults.js';
import { get } from '../support.js';

/**
 * keepAliveMs is the idle time allowed between requests. A request that comes before it runs
 * out restarts the clock (the connection survives an idle gap shorter than keepAliveMs); once
 * the connection has been idle for keepAliveMs after a response the server closes it cleanly
 * (FIN, no reset, no unsolicited bytes), at keepAliveMs after the response left.
 */
const KEEP_ALIVE_MS = 2000;

export default defineScenario({
  name: 'h1/timeout-keep-alive-idle',
  description: `keepAliveMs ${KEEP_ALIVE_MS}: a shorter idle gap keeps the connection, then idling closes it at ~${KEEP_ALIVE_MS} ms`,
  faults: { clientToServer: { ...CHOPPY, stallChance: [0, 0] }, serverToClient: { ...CHOPPY, stallChance: [0, 0] } },
  server: { timeouts: { keepAliveMs: KEEP_ALIVE_MS } },
  async run({ sim, connect, responses, check, rng }) {
    const conn = connect();
    await conn.client.write(get('/hello'));
    await responses(conn, 1);
    // Idle for less than keepAliveMs (minus the round trip), then use the connection again.
    await sim.sleep(rng.int(0, KEEP_ALIVE_MS - 200));
    check(!conn.client.ended, 'the server closed before keepAliveMs had passed');
    await conn.client.write(get('/hello'));
    const got = await responses(conn, 2);
    const answeredAt = sim.clock.time;
    check(got.length === 2 && got[1]!.status === 200, 'the second request after a short idle gap was not answered');
    await conn.client.until(() => conn.client.ended || conn.client.closed);
    const idle = sim.clock.time - answeredAt;
    const jitter = conn.faults.serverToClient.jitterMs;
    check(conn.client.error === null, `idle close was a reset (${conn.client.error})`);
    check(idle >= KEEP_ALIVE_MS - jitter - 1 && idle <= KEEP_ALIVE_MS + jitter + 1, `the idle connection closed ${idle} ms after the last response arrived, expected ~${KEEP_ALIVE_MS}`);
    const statusLines = conn.client.received.toString('latin1').split('HTTP/1.1 ').length - 1;
    check(statusLines === 2, `the server sent ${statusLines} status lines, expected just the two responses`);
  },
});

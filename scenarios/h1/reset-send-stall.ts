import { defineScenario } from '../../harness/runner/scenario.js';
import { CHOPPY } from '../../harness/sim/faults.js';
import { get } from '../support.js';

/**
 * A client that asks for a large response and never reads it (its receive window stays shut)
 * would pin the handler, its buffers and the connection forever. sendStallMs bounds how long a
 * write may wait for a peer that does not read: after that the server resets the connection, and
 * the client sees ECONNRESET. It must happen about sendStallMs after the window closed — not at
 * once, and not never — and the server must hold no more than a window plus a chunk meanwhile.
 */
const SEND_STALL_MS = 1000;

export default defineScenario({
  name: 'h1/reset-send-stall',
  description: `a client that never reads /bytes/1000000 is reset after sendStallMs ${SEND_STALL_MS}; it sees ECONNRESET`,
  faults: { clientToServer: CHOPPY, serverToClient: { ...CHOPPY, windowBytes: [1024, 32768] } },
  server: { timeouts: { sendStallMs: SEND_STALL_MS } },
  differential: { skip: 'node:http has no send-stall timeout' },
  async run({ sim, server, connect, check }) {
    const conn = connect();
    conn.client.pause();
    const sentAt = sim.clock.time;
    await conn.client.write(get('/bytes/1000000'));
    await conn.client.untilClosed();
    const after = sim.clock.time - sentAt;
    check(conn.client.error === 'ECONNRESET', `the stalled client's connection ended with ${conn.client.error ?? 'a clean close'}, expected ECONNRESET`);
    check(conn.client.receivedBytes === 0, 'a paused client received bytes');
    check(after >= SEND_STALL_MS, `reset after ${after} ms, before sendStallMs ${SEND_STALL_MS}`);
    check(after <= SEND_STALL_MS + 500, `reset only after ${after} ms, long past sendStallMs ${SEND_STALL_MS}`);
    // At most the window, one /bytes chunk (16 KiB) and the head were queued for the paused peer.
    check(conn.s2c.sentBytes <= conn.faults.serverToClient.windowBytes + 16 * 1024 + 512, `the server queued ${conn.s2c.sentBytes} bytes for a peer that reads nothing (window ${conn.faults.serverToClient.windowBytes})`);
    check(server.connectionCount === 0, 'the reset connection is still registered');
  },
});

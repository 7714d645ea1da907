import type { AeronetServer } from '../../server/server.js';
import type { Sim } from '../sim/sim.js';

/**
 * What must hold after every scenario, whatever it did (the invariants):
 * - no state corruption: on a link that was not reset, every byte sent was delivered;
 * - graceful teardown: every connection closed, no timer left on the virtual clock;
 * - no leaks: the server's connection registry is empty.
 * Returns the violations, empty when all hold.
 */
export function checkInvariants(sim: Sim, server: AeronetServer): string[] {
  const problems: string[] = [];
  for (const conn of sim.connections) {
    if (!conn.isReset) {
      for (const link of [conn.c2s, conn.s2c]) {
        if (link.delivered !== link.sentBytes) problems.push(`${link.name}: sent ${link.sentBytes} bytes but delivered ${link.delivered} on a link that was never reset`);
      }
    }
    if (!conn.server.closed) problems.push(`c${conn.id}: the server's end is still open after teardown`);
    if (!conn.client.closed) problems.push(`c${conn.id}: the client's end is still open after teardown`);
  }
  if (server.connectionCount !== 0) problems.push(`the server still has ${server.connectionCount} connection(s) in its registry`);
  if (sim.clock.pendingTimers !== 0) problems.push(`${sim.clock.pendingTimers} timer(s) left on the virtual clock`);
  return problems;
}

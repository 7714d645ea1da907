import type { Sim } from '../sim/sim.js';
import type { TestConnection } from '../sim/test-socket.js';
import { parseResponses } from '../http/response-parser.js';
import type { MetricsSnapshot } from '../../server/metrics/server-metrics.js';

/** What the invariants read of a server: its registry size, and its metrics when it has them on. */
export interface CheckedServer {
  readonly connectionCount: number;
  readonly metrics?: { snapshot(): MetricsSnapshot } | null;
}

/**
 * What must hold after every scenario, whatever it did (the invariants):
 * - no state corruption: on a link that was not reset, every byte sent was delivered;
 * - graceful teardown: every connection closed, no timer left on the virtual clock;
 * - no leaks: the server's connection registry is empty, and, when the server has metrics on,
 *   its metrics agree: no connection open, no request in flight, no HTTP/2 stream open (every
 *   exchange that started was reported finished, every stream closed).
 *
 * On a hostile link (duplication, reordering, corruption: broken middleboxes), "sent equals
 * delivered" is meaningless and is not checked (it still is for the other direction when that
 * one is reliable). What must hold on a connection with a hostile link instead is
 * that the server fails cleanly: no crash (an exception fails the run before invariants are
 * checked), both ends closed or reset, no timer left, an empty registry (all checked as for any
 * connection), and, when only the client->server direction is hostile (the server's output
 * reaches the client intact), what the client received is well-formed: complete responses in a
 * framing the strict parser accepts, nothing left over after them unless the connection was
 * reset part-way. (That check reads responses as answers to non-HEAD requests: scenarios on a
 * hostile link send no HEAD, and no single bit flip turns GET or POST into HEAD.)
 * Returns the violations, empty when all hold.
 */
export function checkInvariants(sim: Sim, server: CheckedServer): string[] {
  const problems: string[] = [];
  for (const conn of sim.connections) {
    const hostile = conn.c2s.hostile || conn.s2c.hostile;
    if (hostile && !conn.s2c.hostile) problems.push(...malformedResponses(conn));
    if (!conn.isReset) {
      for (const link of [conn.c2s, conn.s2c]) {
        if (!link.hostile && link.delivered !== link.sentBytes) problems.push(`${link.name}: sent ${link.sentBytes} bytes but delivered ${link.delivered} on a link that was never reset`);
      }
    }
    if (!conn.server.closed) problems.push(`c${conn.id}: the server's end is still open after teardown`);
    if (!conn.client.closed) problems.push(`c${conn.id}: the client's end is still open after teardown`);
  }
  if (server.connectionCount !== 0) problems.push(`the server still has ${server.connectionCount} connection(s) in its registry`);
  if (server.metrics) problems.push(...metricsLeaks(server.metrics.snapshot()));
  if (sim.clock.pendingTimers !== 0) problems.push(`${sim.clock.pendingTimers} timer(s) left on the virtual clock`);
  return problems;
}

/** What the server's metrics still count as open after teardown: empty when nothing leaked. */
function metricsLeaks(m: MetricsSnapshot): string[] {
  const problems: string[] = [];
  if (m.connections.open !== 0) problems.push(`the server's metrics count ${m.connections.open} connection(s) still open (${JSON.stringify(m.connections.openByProtocol)})`);
  if (m.requests.inFlight !== 0) problems.push(`the server's metrics count ${m.requests.inFlight} request(s) still in flight`);
  if (m.h2.streamsOpen !== 0) problems.push(`the server's metrics count ${m.h2.streamsOpen} HTTP/2 stream(s) still open`);
  return problems;
}

/** What is wrong with the bytes the server sent on `conn` (delivered intact): empty when well-formed. */
function malformedResponses(conn: TestConnection): string[] {
  let rest: Buffer;
  try {
    rest = parseResponses(conn.client.received, { closed: true }).rest;
  } catch (err) {
    return [`c${conn.id}: the server sent a malformed response on a hostile link (${(err as Error).message})`];
  }
  if (rest.length > 0 && !conn.isReset) return [`c${conn.id}: ${rest.length} byte(s) after the last complete response, on a connection closed without a reset`];
  return [];
}

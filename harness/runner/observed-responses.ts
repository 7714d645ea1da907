import type { ParsedResponse } from '../http/response-parser.js';
import type { TestConnection } from '../sim/test-socket.js';

/**
 * The responses a scenario last read on each connection, as it parsed them (with its own HEAD
 * framing). The differential check compares these between servers: they are exactly what the
 * scenario looked at, no more.
 */
const observed = new WeakMap<TestConnection, ParsedResponse[]>();

export function recordResponses(conn: TestConnection, responses: ParsedResponse[]): ParsedResponse[] {
  observed.set(conn, responses);
  return responses;
}

export function observedResponses(conn: TestConnection): ParsedResponse[] | undefined {
  return observed.get(conn);
}

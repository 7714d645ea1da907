import { DEFAULT_MAX_FRAME_SIZE, SettingId } from '../../../../server/http2/frames/constants.js';
import type { CaseContext, Verdict } from '../case.js';
import type { H2Conn } from '../target.js';
import { describeOutcome, watch, type Expectation } from '../verify.js';

/** Where the frames a case is about start: everything before is the handshake's. */
export function mark(conn: H2Conn): number {
  return conn.client.frames.length;
}

/** Send, then watch from before the sending. */
export async function sendAndWatch(conn: H2Conn, ctx: CaseContext, send: () => void, expectation: Expectation): Promise<Verdict> {
  const from = mark(conn);
  send();
  return watch(conn, ctx, from, expectation);
}

/** The server's SETTINGS_MAX_FRAME_SIZE (default 16,384). */
export function serverMaxFrameSize(ctx: CaseContext): number {
  return ctx.serverSettings.get(SettingId.MAX_FRAME_SIZE) ?? DEFAULT_MAX_FRAME_SIZE;
}

/** The server's SETTINGS_HEADER_TABLE_SIZE (default 4096). */
export function serverHeaderTableSize(ctx: CaseContext): number {
  return ctx.serverSettings.get(SettingId.HEADER_TABLE_SIZE) ?? 4096;
}

export function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

/** A POST request's fields with a content-length, as h2spec's POST cases send. */
export function postFields(ctx: CaseContext, contentLength: number | null, path?: string): Array<[string, string]> {
  const fields = ctx.request('POST', path);
  if (contentLength !== null) fields.push(['content-length', String(contentLength)]);
  return fields;
}

/** Eight octets of PING data, distinct per use so an ACK can be matched. */
export function opaque(tag: string): Buffer {
  return Buffer.from(tag.padEnd(8, '_').slice(0, 8), 'latin1');
}

/**
 * A case whose rule is about frames that follow a request's HEADERS on the same stream, run in
 * both orders a server can see them in, on two connections:
 *
 * - back to back, as h2spec writes them: the rest may reach the server while the stream is open;
 * - held back until the server has read the HEADERS (a PING sent behind them is acknowledged):
 *   a server that answers at once has then ended its response, so the rest reaches a stream in
 *   half-closed (local) state.
 *
 * Which of the two h2spec produces depends on scheduling; against a server that answers `/` at
 * once it was the second, every time. RFC 9113 §5.1 and §8.1.1 hold in both states, so the case
 * passes only if both do. `actual` shows both.
 */
export async function inBothOrders(conn: H2Conn, ctx: CaseContext, request: (conn: H2Conn) => void, rest: (conn: H2Conn) => void, expectation: Expectation): Promise<Verdict> {
  const together = await sendAndWatch(conn, ctx, () => {
    request(conn);
    rest(conn);
  }, expectation);
  const other = await ctx.connect();
  const from = mark(other);
  request(other);
  const barrier = opaque('answered');
  other.client.ping(barrier);
  const read = () => other.client.frames.slice(from).some((f) => f.type === 'PING' && f.ack && f.opaque.equals(barrier));
  await other.until(() => read() || other.closed, ctx.timeoutMs);
  if (!read() && !other.closed) {
    return { passed: false, expected: expectation.expected, actual: `back to back: ${together.actual}; held back: no PING ACK within ${ctx.timeoutMs} ms after the request HEADERS (${describeOutcome(other, other.client.frames.slice(from), true, ctx.timeoutMs)})` };
  }
  rest(other);
  const held = await watch(other, ctx, from, expectation);
  return {
    passed: together.passed && held.passed,
    expected: `${held.expected}, whether the frames come back to back or after the server has answered`,
    actual: `back to back: ${together.actual}; after the server read the HEADERS: ${held.actual}`,
  };
}

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

/**
 * Wait until the response on `streamId` is complete (END_STREAM received), the stream is reset,
 * or the connection closed. Returns a failed verdict to hand back when that did not happen.
 */
export async function awaitStreamEnd(conn: H2Conn, ctx: CaseContext, streamId: number): Promise<Verdict | null> {
  const from = mark(conn);
  const ended = () => conn.client.response(streamId).ended || conn.client.rstOn(streamId) !== undefined;
  const ok = await conn.until(() => ended() || conn.closed, ctx.timeoutMs);
  if (ok && ended()) return null;
  return {
    passed: false,
    expected: `the response on stream ${streamId} to complete first (the case needs a closed stream)`,
    actual: describeOutcome(conn, conn.client.frames.slice(from), !conn.closed, ctx.timeoutMs),
  };
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

/** Priority fields of HEADERS and PRIORITY (§6.3): E bit and dependency, then weight - 1. */
export function priorityFields(dependency: number, weight: number, exclusive = false): Buffer {
  return Buffer.concat([u32((exclusive ? 0x8000_0000 : 0) + dependency), Buffer.from([weight - 1])]);
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

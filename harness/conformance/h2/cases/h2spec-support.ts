import { CONNECTION_PREFACE, ErrorCode } from '../../../../server/http2/frames/constants.js';
import type { CaseContext, Verdict } from '../case.js';
import { commonHeaders, dummyHeaders, h2spec, H2SPEC_PREFACE_SETTINGS, type GoPriority } from '../h2spec-client.js';
import { firstFrame, verifyConnectionError } from '../h2spec-verify.js';
import type { H2Conn } from '../target.js';
import { watch } from '../verify.js';
import { mark, sendAndWatch } from './support.js';

/* What h2spec's cases share: its requests, its preface by hand, and spec.ServerDataLength. */

/** The header of h2spec's unknown frame: 8 octets, type 0x16, stream 0 (its 8 zero octets go in a second write). */
export const UNKNOWN_FRAME_HEADER = '\x00\x00\x08\x16\x00\x00\x00\x00\x00';

/** Go's PriorityParam{StreamDep: dependency, Exclusive: exclusive, Weight: weight} (the wire weight, 0..255). */
export const prio = (dependency: number, weight: number, exclusive = false): GoPriority => ({ dependency, exclusive, weight });

/** A complete GET on `streamId`: HEADERS with END_STREAM and END_HEADERS. */
export function get(conn: H2Conn, ctx: CaseContext, streamId = 1, path?: string): void {
  const h = h2spec(conn);
  h.writeHeaders({ streamId, endStream: true, endHeaders: true, block: h.encodeHeaders(commonHeaders(ctx, 'GET', path)) });
}

/** A GET's HEADERS on `streamId` without END_STREAM (the stream stays open), as h2spec sends many. */
export function openGet(conn: H2Conn, ctx: CaseContext, streamId = 1): void {
  const h = h2spec(conn);
  h.writeHeaders({ streamId, endStream: false, endHeaders: true, block: h.encodeHeaders(commonHeaders(ctx)) });
}

/** A POST's HEADERS on stream 1 without END_STREAM (h2spec: CommonHeaders with :method POST), `extra` fields after. */
export function post(conn: H2Conn, ctx: CaseContext, extra: Array<[string, string]> = []): void {
  const h = h2spec(conn);
  h.writeHeaders({ streamId: 1, endStream: false, endHeaders: true, block: h.encodeHeaders([...commonHeaders(ctx, 'POST'), ...extra]) });
}

/** h2spec's connection preface by hand (3.5/1, generic/1/1): the magic, then its SETTINGS in another write. */
export function sendPreface(conn: H2Conn): void {
  h2spec(conn).send(CONNECTION_PREFACE).writeSettings(...H2SPEC_PREFACE_SETTINGS);
}

/** RFC 9113 §3.4: the server's SETTINGS "MUST be the first frame the server sends"; h2spec reads one frame. */
export const firstFrameIsSettings = firstFrame('SETTINGS frame (flags:0x00) as the first frame', (f) => f.type === 'SETTINGS' && !f.ack);

/**
 * spec.ServerDataLength: on a connection of its own, GET `path` and add up the DATA until a frame
 * ends the stream. Cases that need a response body skip when it is shorter than `atLeast`
 * (h2spec's ErrSkipped); when the response does not end, the case fails, as in h2spec ("Unable
 * to get server data length"). Returns null when the case may go on, else its verdict.
 */
export async function requireServerData(ctx: CaseContext, atLeast: number, expected: string, path = ctx.largePath): Promise<Verdict | null> {
  const other = await ctx.connect();
  const from = mark(other);
  get(other, ctx, 1, path);
  let length = 0;
  const v = await watch(other, ctx, from, {
    expected: `a complete response to GET ${path} (h2spec measures its DATA first)`,
    judge: (f) => {
      if (f.type === 'DATA') {
        length += f.flowLength;
        return f.endStream ? true : undefined;
      }
      return f.type === 'HEADERS' && f.endStream ? true : undefined;
    },
    onClose: false,
  });
  if (!v.passed) return { passed: false, expected, actual: `unable to get the server's data length: ${v.actual}` };
  if (length < atLeast) return { passed: false, skipped: true, expected, actual: `GET ${path} answers ${length} octet${length === 1 ? '' : 's'} of DATA, h2spec skips the case below ${atLeast} (give --large-path)` };
  return null;
}

/**
 * §4.3 / §6.2: a field block is one contiguous sequence of frames. h2spec tests an interruption
 * twice (4.3/2 and 6.2/1: a PRIORITY; 4.3/3 and 6.2/2: HEADERS on another stream) with the same
 * bytes: HEADERS on stream 1 without END_HEADERS, the intruder, then the CONTINUATION.
 */
export function interruptFieldBlock(intruder: 'priority' | 'headers'): (conn: H2Conn, ctx: CaseContext) => Promise<Verdict> {
  return (conn, ctx) => {
    const h = h2spec(conn);
    return sendAndWatch(conn, ctx, () => {
      h.writeHeaders({ streamId: 1, endStream: false, endHeaders: false, block: h.encodeHeaders(commonHeaders(ctx)) });
      if (intruder === 'priority') h.writePriority(1, prio(0, 255));
      else h.writeHeaders({ streamId: 3, endStream: true, endHeaders: true, block: h.encodeHeaders(commonHeaders(ctx)) });
      h.writeContinuation(1, true, h.encodeHeaders(dummyHeaders(1)));
    }, verifyConnectionError(ErrorCode.PROTOCOL_ERROR));
  };
}

import { ErrorCode, FrameFlag, FrameType, SettingId } from '../../../../server/http2/frames/constants.js';
import type { CaseContext, H2Case, Verdict } from '../case.js';
import type { H2Conn } from '../target.js';
import { connectionError, pingAck, streamError, watch, type Expectation } from '../verify.js';
import { awaitStreamEnd, inBothOrders, mark, opaque, priorityFields, sendAndWatch } from './support.js';

/* h2spec's http2/5: stream states, identifiers, concurrency, priority, error handling, extensions. */

const { CONTINUATION, HEADERS, PING, PRIORITY } = FrameType;
const { END_HEADERS, END_STREAM } = FrameFlag;
const { PROTOCOL_ERROR, STREAM_CLOSED } = ErrorCode;

/** A field block fragment for stray CONTINUATION frames (a complete, harmless block). */
function fragment(conn: H2Conn): Buffer {
  return conn.client.encoder.encode([['x-conformance', 'continuation']]);
}

/** Stream 1 half-closed (remote): a complete request, the response possibly under way. */
function halfClosedRemote(conn: H2Conn, ctx: CaseContext): void {
  conn.client.headers(1, ctx.get(), { endStream: true });
}

/**
 * Stream 1 opened (a GET without END_STREAM, as h2spec sends) and then closed by our RST_STREAM
 * (§5.1: "closed" via RST_STREAM). The HEADERS and the RST_STREAM go in both orders' request part:
 * the server may have answered before the reset arrives.
 */
function openStream(ctx: CaseContext): (conn: H2Conn) => void {
  return (conn) => conn.client.headers(1, ctx.get());
}

/** After the stream is open: our RST_STREAM, then `then`. */
function resetThen(then: (conn: H2Conn) => void): (conn: H2Conn) => void {
  return (conn) => {
    conn.client.rst(1, ErrorCode.CANCEL);
    then(conn);
  };
}

/** Stream 1 closed after END_STREAM both ways: request sent, response read to its end. */
async function closedStream(conn: H2Conn, ctx: CaseContext, then: () => void, expectation: Expectation): Promise<Verdict> {
  halfClosedRemote(conn, ctx);
  const notClosed = await awaitStreamEnd(conn, ctx, 1);
  if (notClosed !== null) return notClosed;
  return sendAndWatch(conn, ctx, then, expectation);
}

/** More streams than this are not opened to test the concurrency limit. */
const MAX_STREAMS_TO_EXCEED = 10_000;

export const HTTP2_5_CASES: H2Case[] = [
  // 5.1 Stream States. Idle: only HEADERS and PRIORITY; anything else is a connection PROTOCOL_ERROR.
  {
    id: 'http2/5.1/1',
    title: 'idle: Sends a DATA frame',
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => conn.client.data(1, 'test'), connectionError(PROTOCOL_ERROR)),
  },
  {
    id: 'http2/5.1/2',
    title: 'idle: Sends a RST_STREAM frame',
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => conn.client.rst(1, ErrorCode.CANCEL), connectionError(PROTOCOL_ERROR)),
  },
  {
    id: 'http2/5.1/3',
    title: 'idle: Sends a WINDOW_UPDATE frame',
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => conn.client.windowUpdate(1, 100), connectionError(PROTOCOL_ERROR)),
  },
  {
    id: 'http2/5.1/4',
    title: 'idle: Sends a CONTINUATION frame',
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => conn.client.continuation(1, conn.client.encoder.encode(ctx.get()), true), connectionError(PROTOCOL_ERROR)),
  },
  // Half-closed (remote): frames other than WINDOW_UPDATE, PRIORITY, RST_STREAM are STREAM_CLOSED.
  {
    id: 'http2/5.1/5',
    title: 'half closed (remote): Sends a DATA frame',
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => { halfClosedRemote(conn, ctx); conn.client.data(1, 'test'); }, streamError(1, STREAM_CLOSED)),
  },
  {
    id: 'http2/5.1/6',
    title: 'half closed (remote): Sends a HEADERS frame',
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => { halfClosedRemote(conn, ctx); conn.client.headers(1, [['x-trailer', 'late']], { endStream: true }); }, streamError(1, STREAM_CLOSED)),
  },
  {
    id: 'http2/5.1/7',
    title: 'half closed (remote): Sends a CONTINUATION frame',
    // Also a CONTINUATION without a preceding field block: PROTOCOL_ERROR (§6.10) is as right.
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => { halfClosedRemote(conn, ctx); conn.client.continuation(1, fragment(conn), true); }, streamError(1, STREAM_CLOSED, PROTOCOL_ERROR)),
  },
  // Closed by RST_STREAM: "MUST treat that as a stream error of type STREAM_CLOSED".
  {
    id: 'http2/5.1/8',
    title: 'closed: Sends a DATA frame after sending RST_STREAM frame',
    run: (conn, ctx) => inBothOrders(conn, ctx, openStream(ctx), resetThen((c) => c.client.data(1, 'test')), streamError(1, STREAM_CLOSED)),
  },
  {
    id: 'http2/5.1/9',
    title: 'closed: Sends a HEADERS frame after sending RST_STREAM frame',
    run: (conn, ctx) => inBothOrders(conn, ctx, openStream(ctx), resetThen((c) => c.client.headers(1, ctx.get(), { endStream: true })), streamError(1, STREAM_CLOSED)),
  },
  {
    id: 'http2/5.1/10',
    title: 'closed: Sends a CONTINUATION frame after sending RST_STREAM frame',
    run: (conn, ctx) => inBothOrders(conn, ctx, openStream(ctx), resetThen((c) => c.client.continuation(1, fragment(c), true)), streamError(1, STREAM_CLOSED, PROTOCOL_ERROR)),
  },
  // Closed after END_STREAM both ways: STREAM_CLOSED, as a stream or connection error.
  {
    id: 'http2/5.1/11',
    title: 'closed: Sends a DATA frame',
    run: (conn, ctx) => closedStream(conn, ctx, () => conn.client.data(1, 'test'), streamError(1, STREAM_CLOSED)),
  },
  {
    id: 'http2/5.1/12',
    title: 'closed: Sends a HEADERS frame',
    run: (conn, ctx) => closedStream(conn, ctx, () => conn.client.headers(1, ctx.get(), { endStream: true }), streamError(1, STREAM_CLOSED)),
  },
  {
    id: 'http2/5.1/13',
    title: 'closed: Sends a CONTINUATION frame',
    run: (conn, ctx) => closedStream(conn, ctx, () => conn.client.continuation(1, fragment(conn), true), streamError(1, STREAM_CLOSED, PROTOCOL_ERROR)),
  },

  // 5.1.1 Stream Identifiers
  {
    id: 'http2/5.1.1/1',
    title: 'Sends even-numbered stream identifier',
    // "Streams initiated by a client MUST use odd-numbered stream identifiers"; an unexpected id is a connection PROTOCOL_ERROR.
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => conn.client.headers(2, ctx.get(), { endStream: true }), connectionError(PROTOCOL_ERROR)),
  },
  {
    id: 'http2/5.1.1/2',
    title: 'Sends stream identifier that is numerically smaller than previous',
    // "The identifier of a newly established stream MUST be numerically greater than all streams
    // that the initiating endpoint has opened"; "An endpoint that receives an unexpected stream
    // identifier MUST respond with a connection error of type PROTOCOL_ERROR."
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => conn.client.headers(5, ctx.get(), { endStream: true }).headers(3, ctx.get(), { endStream: true }), connectionError(PROTOCOL_ERROR)),
  },

  // 5.1.2 Stream Concurrency
  {
    id: 'http2/5.1.2/1',
    title: 'Sends HEADERS frames that causes their advertised concurrent stream limit to be exceeded',
    // "An endpoint that receives a HEADERS frame that causes its advertised concurrent stream limit
    // to be exceeded MUST treat this as a stream error of type PROTOCOL_ERROR or REFUSED_STREAM."
    // As h2spec: our SETTINGS_INITIAL_WINDOW_SIZE of 0 keeps every response from sending DATA, so
    // complete GET requests stay open (half-closed (remote)) whatever the path's handler does.
    settings: [[SettingId.INITIAL_WINDOW_SIZE, 0]],
    run: async (conn, ctx) => {
      const limit = ctx.serverSettings.get(SettingId.MAX_CONCURRENT_STREAMS);
      const expected = 'RST_STREAM or GOAWAY frame (error code: PROTOCOL_ERROR or REFUSED_STREAM) for the stream past the limit, or the connection closed';
      if (limit === undefined) return { passed: false, skipped: true, expected, actual: 'the server advertises no SETTINGS_MAX_CONCURRENT_STREAMS: there is no limit to exceed' };
      if (limit >= MAX_STREAMS_TO_EXCEED) return { passed: false, skipped: true, expected, actual: `SETTINGS_MAX_CONCURRENT_STREAMS is ${limit}: more streams than this suite opens (${MAX_STREAMS_TO_EXCEED})` };
      const from = mark(conn);
      const fields = ctx.get();
      for (let k = 0; k <= limit; k++) conn.client.headers(2 * k + 1, fields, { endStream: true });
      const last = 2 * limit + 1;
      const verdict = await watch(conn, ctx, from, streamError(last, PROTOCOL_ERROR, ErrorCode.REFUSED_STREAM));
      return { ...verdict, actual: `opened ${limit + 1} streams (limit ${limit}): ${verdict.actual}` };
    },
  },

  // 5.3.1 Stream Dependencies: "A stream cannot depend on itself ... stream error of type PROTOCOL_ERROR."
  {
    id: 'http2/5.3.1/1',
    title: 'Sends HEADERS frame that depends on itself',
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => conn.client.headers(1, ctx.get(), { endStream: true, priority: { exclusive: false, dependency: 1, weight: 16 } }), streamError(1, PROTOCOL_ERROR)),
  },
  {
    id: 'http2/5.3.1/2',
    title: 'Sends PRIORITY frame that depend on itself',
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => conn.client.frame(PRIORITY, 0, 1, priorityFields(1, 16)), streamError(1, PROTOCOL_ERROR)),
  },

  // 5.4.1 Connection Error Handling: a PING of 6 octets is a connection error (FRAME_SIZE_ERROR, §6.7).
  {
    id: 'http2/5.4.1/1',
    title: 'Sends an invalid PING frame for connection close',
    // "After sending the GOAWAY frame for an error condition, the endpoint MUST close the TCP connection."
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => conn.client.frame(PING, 0, 0, Buffer.from('123456')), { expected: 'the connection closed', judge: () => undefined, onClose: true }),
  },
  {
    id: 'http2/5.4.1/2',
    title: 'Sends an invalid PING frame to receive GOAWAY frame',
    strict: true,
    // "An endpoint that encounters a connection error SHOULD first send a GOAWAY frame".
    run: (conn, ctx) =>
      sendAndWatch(conn, ctx, () => conn.client.frame(PING, 0, 0, Buffer.from('123456')), { expected: 'GOAWAY frame', judge: (f) => (f.type === 'GOAWAY' ? true : undefined), onClose: false }),
  },

  // 5.5 Extending HTTP/2: unknown frame types are ignored, except inside a field block.
  {
    id: 'http2/5.5/1',
    title: 'Sends an unknown extension frame',
    run: (conn, ctx) => {
      const data = opaque('5.5-1');
      return sendAndWatch(conn, ctx, () => conn.client.frame(0xff, 0, 0, Buffer.from('extension frame')).ping(data), pingAck(data));
    },
  },
  {
    id: 'http2/5.5/2',
    title: 'Sends an unknown extension frame in the middle of a header block',
    // §5.5: "Extension frames that appear in the middle of a field block ... MUST be treated as a connection error of type PROTOCOL_ERROR."
    run: (conn, ctx) => {
      const block = conn.client.encoder.encode(ctx.get());
      const half = Math.ceil(block.length / 2);
      return sendAndWatch(conn, ctx, () =>
        conn.client
          .frame(HEADERS, END_STREAM, 1, block.subarray(0, half))
          .frame(0xff, 0, 1, Buffer.from('extension frame'))
          .frame(CONTINUATION, END_HEADERS, 1, block.subarray(half)), connectionError(PROTOCOL_ERROR));
    },
  },
];

import { ErrorCode, SettingId } from '../../../../server/http2/frames/constants.js';
import type { CaseContext, H2Case, Verdict } from '../case.js';
import { commonHeaders, dummyHeaders, h2spec, pingData } from '../h2spec-client.js';
import { verifyConnectionClose, verifyConnectionError, verifyPingFrameWithAck, verifyStreamClose, verifyStreamError, waitEventByType } from '../h2spec-verify.js';
import type { H2Conn } from '../target.js';
import { get, openGet, prio, UNKNOWN_FRAME_HEADER } from './h2spec-support.js';
import { inBothOrders, mark, sendAndWatch } from './support.js';
import { watch, type Expectation } from '../verify.js';

/* h2spec's http2/5: stream states, identifiers, concurrency, priority, error handling, extensions. */

const { CANCEL, PROTOCOL_ERROR, REFUSED_STREAM, STREAM_CLOSED } = ErrorCode;

/** Stream 1 open: a GET without END_STREAM. */
const open = (ctx: CaseContext) => (conn: H2Conn) => openGet(conn, ctx);

/** Our RST_STREAM on stream 1 (§5.1: "closed" via RST_STREAM), then `then`. */
function resetThen(then: (conn: H2Conn) => void): (conn: H2Conn) => void {
  return (conn) => {
    h2spec(conn).writeRSTStream(1, CANCEL);
    then(conn);
  };
}

/** A CONTINUATION on stream 1 carrying one dummy field (spec.DummyHeaders(c, 1)). */
const strayContinuation = (conn: H2Conn) => {
  const h = h2spec(conn);
  h.writeContinuation(1, true, h.encodeHeaders(dummyHeaders(1)));
};

/**
 * Stream 1 closed after END_STREAM both ways: a complete GET, its response read to its end
 * (spec.VerifyStreamClose), then `then` and its rule.
 */
async function closedStream(conn: H2Conn, ctx: CaseContext, then: () => void, expectation: Expectation): Promise<Verdict> {
  const closed = await sendAndWatch(conn, ctx, () => get(conn, ctx), verifyStreamClose());
  if (!closed.passed) return { ...closed, expected: `${closed.expected}, first (the case needs a closed stream)` };
  return sendAndWatch(conn, ctx, then, expectation);
}

/** The PING of 5.4.1: 8 octets on stream 3 (a PING's stream must be 0, §6.7), header and payload in two writes. */
function invalidPing(conn: H2Conn): void {
  h2spec(conn).send('\x00\x00\x08\x06\x00\x00\x00\x00\x03').send(Buffer.alloc(8));
}

/** More streams than this are not opened to test the concurrency limit. */
const MAX_STREAMS_TO_EXCEED = 10_000;

export const HTTP2_5_CASES: H2Case[] = [
  // 5.1 Stream States. Idle: only HEADERS and PRIORITY; anything else is a connection PROTOCOL_ERROR.
  {
    id: 'http2/5.1/1',
    title: 'idle: Sends a DATA frame',
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => h2spec(conn).writeData(1, true, 'test'), verifyConnectionError(PROTOCOL_ERROR)),
  },
  {
    id: 'http2/5.1/2',
    title: 'idle: Sends a RST_STREAM frame',
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => h2spec(conn).writeRSTStream(1, CANCEL), verifyConnectionError(PROTOCOL_ERROR)),
  },
  {
    id: 'http2/5.1/3',
    title: 'idle: Sends a WINDOW_UPDATE frame',
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => h2spec(conn).writeWindowUpdate(1, 100), verifyConnectionError(PROTOCOL_ERROR)),
  },
  {
    id: 'http2/5.1/4',
    title: 'idle: Sends a CONTINUATION frame',
    run: (conn, ctx) => {
      const h = h2spec(conn);
      return sendAndWatch(conn, ctx, () => h.writeContinuation(1, true, h.encodeHeaders(commonHeaders(ctx))), verifyConnectionError(PROTOCOL_ERROR));
    },
  },
  // Half-closed (remote): frames other than WINDOW_UPDATE, PRIORITY, RST_STREAM are STREAM_CLOSED.
  {
    id: 'http2/5.1/5',
    title: 'half closed (remote): Sends a DATA frame',
    run: (conn, ctx) =>
      sendAndWatch(conn, ctx, () => {
        get(conn, ctx);
        h2spec(conn).writeData(1, true, 'test');
      }, verifyStreamError(STREAM_CLOSED)),
  },
  {
    id: 'http2/5.1/6',
    title: 'half closed (remote): Sends a HEADERS frame',
    // h2spec's second HEADERS is the request's fields again, with END_STREAM.
    run: (conn, ctx) =>
      sendAndWatch(conn, ctx, () => {
        get(conn, ctx);
        get(conn, ctx);
      }, verifyStreamError(STREAM_CLOSED)),
  },
  {
    id: 'http2/5.1/7',
    title: 'half closed (remote): Sends a CONTINUATION frame',
    // The request's block sent again, as a CONTINUATION. Also a CONTINUATION without a preceding
    // field block: PROTOCOL_ERROR (§6.10) is as right.
    run: (conn, ctx) => {
      const h = h2spec(conn);
      const block = h.encodeHeaders(commonHeaders(ctx));
      return sendAndWatch(conn, ctx, () => h.writeHeaders({ streamId: 1, endStream: true, endHeaders: true, block }).writeContinuation(1, true, block), verifyStreamError(STREAM_CLOSED, PROTOCOL_ERROR));
    },
  },
  // Closed by RST_STREAM: "MUST treat that as a stream error of type STREAM_CLOSED" (RFC 7540 §5.1).
  {
    id: 'http2/5.1/8',
    title: 'closed: Sends a DATA frame after sending RST_STREAM frame',
    run: (conn, ctx) => inBothOrders(conn, ctx, open(ctx), resetThen((c) => h2spec(c).writeData(1, true, 'test')), verifyStreamError(STREAM_CLOSED)),
  },
  {
    id: 'http2/5.1/9',
    title: 'closed: Sends a HEADERS frame after sending RST_STREAM frame',
    run: (conn, ctx) => inBothOrders(conn, ctx, open(ctx), resetThen((c) => get(c, ctx)), verifyStreamError(STREAM_CLOSED)),
  },
  {
    id: 'http2/5.1/10',
    title: 'closed: Sends a CONTINUATION frame after sending RST_STREAM frame',
    run: (conn, ctx) => inBothOrders(conn, ctx, open(ctx), resetThen(strayContinuation), verifyStreamError(STREAM_CLOSED, PROTOCOL_ERROR)),
  },
  // Closed after END_STREAM both ways. DATA: a stream error STREAM_CLOSED (RFC 9113 §6.1 keeps
  // it a MUST). HEADERS and CONTINUATION: h2spec asks for a connection error (RFC 7540 §5.1,
  // "closed": "MUST treat that as a connection error of type STREAM_CLOSED"): an RST_STREAM
  // alone does not pass them.
  {
    id: 'http2/5.1/11',
    title: 'closed: Sends a DATA frame',
    run: (conn, ctx) => closedStream(conn, ctx, () => h2spec(conn).writeData(1, true, 'test'), verifyStreamError(STREAM_CLOSED)),
  },
  {
    id: 'http2/5.1/12',
    title: 'closed: Sends a HEADERS frame',
    run: (conn, ctx) => closedStream(conn, ctx, () => get(conn, ctx), verifyConnectionError(STREAM_CLOSED)),
  },
  {
    id: 'http2/5.1/13',
    title: 'closed: Sends a CONTINUATION frame',
    run: (conn, ctx) => closedStream(conn, ctx, () => strayContinuation(conn), verifyConnectionError(STREAM_CLOSED, PROTOCOL_ERROR)),
  },

  // 5.1.1 Stream Identifiers
  {
    id: 'http2/5.1.1/1',
    title: 'Sends even-numbered stream identifier',
    // "Streams initiated by a client MUST use odd-numbered stream identifiers"; an unexpected id is a connection PROTOCOL_ERROR.
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => get(conn, ctx, 2), verifyConnectionError(PROTOCOL_ERROR)),
  },
  {
    id: 'http2/5.1.1/2',
    title: 'Sends stream identifier that is numerically smaller than previous',
    // "The identifier of a newly established stream MUST be numerically greater than all streams
    // that the initiating endpoint has opened"; "An endpoint that receives an unexpected stream
    // identifier MUST respond with a connection error of type PROTOCOL_ERROR."
    run: (conn, ctx) =>
      sendAndWatch(conn, ctx, () => {
        get(conn, ctx, 5);
        get(conn, ctx, 3);
      }, verifyConnectionError(PROTOCOL_ERROR)),
  },

  // 5.1.2 Stream Concurrency
  {
    id: 'http2/5.1.2/1',
    title: 'Sends HEADERS frames that causes their advertised concurrent stream limit to be exceeded',
    // "An endpoint that receives a HEADERS frame that causes its advertised concurrent stream limit
    // to be exceeded MUST treat this as a stream error of type PROTOCOL_ERROR or REFUSED_STREAM."
    // As h2spec: SETTINGS_INITIAL_WINDOW_SIZE 0 (not waited for) keeps every response from
    // sending DATA, so the complete GETs stay open whatever the path's handler does; then limit + 1
    // HEADERS frames carrying the same block.
    run: async (conn, ctx) => {
      const limit = ctx.serverSettings.get(SettingId.MAX_CONCURRENT_STREAMS);
      const expected = 'RST_STREAM or GOAWAY frame (error code: PROTOCOL_ERROR or REFUSED_STREAM), or the connection closed';
      if (limit === undefined) return { passed: false, skipped: true, expected, actual: 'the server advertises no SETTINGS_MAX_CONCURRENT_STREAMS: there is no limit to exceed' };
      if (limit >= MAX_STREAMS_TO_EXCEED) return { passed: false, skipped: true, expected, actual: `SETTINGS_MAX_CONCURRENT_STREAMS is ${limit}: more streams than this suite opens (${MAX_STREAMS_TO_EXCEED})` };
      const h = h2spec(conn);
      const from = mark(conn);
      h.writeSettings([SettingId.INITIAL_WINDOW_SIZE, 0]);
      const block = h.encodeHeaders(commonHeaders(ctx));
      for (let k = 0; k <= limit; k++) h.writeHeaders({ streamId: 2 * k + 1, endStream: true, endHeaders: true, block });
      const verdict = await watch(conn, ctx, from, verifyStreamError(PROTOCOL_ERROR, REFUSED_STREAM));
      return { ...verdict, actual: `opened ${limit + 1} streams (limit ${limit}): ${verdict.actual}` };
    },
  },

  // 5.3.1 Stream Dependencies: "A stream cannot depend on itself ... stream error of type PROTOCOL_ERROR."
  {
    id: 'http2/5.3.1/1',
    title: 'Sends HEADERS frame that depends on itself',
    run: (conn, ctx) => {
      const h = h2spec(conn);
      return sendAndWatch(conn, ctx, () => h.writeHeaders({ streamId: 1, endStream: true, endHeaders: true, block: h.encodeHeaders(commonHeaders(ctx)), priority: prio(1, 255) }), verifyStreamError(PROTOCOL_ERROR));
    },
  },
  {
    id: 'http2/5.3.1/2',
    title: 'Sends PRIORITY frame that depend on itself',
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => h2spec(conn).writePriority(1, prio(1, 255)), verifyStreamError(PROTOCOL_ERROR)),
  },

  // 5.4.1 Connection Error Handling: h2spec's invalid frame is a PING on stream 3 (§6.7: "If a
  // PING frame is received with a Stream Identifier field value other than 0x00, the recipient
  // MUST respond with a connection error (Section 5.4.1) of type PROTOCOL_ERROR"), 8 octets long.
  {
    id: 'http2/5.4.1/1',
    title: 'Sends an invalid PING frame for connection close',
    // §5.4.1: "After sending the GOAWAY frame for an error condition, the endpoint MUST close the
    // TCP connection." As h2spec's VerifyConnectionClose: only the close counts.
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => invalidPing(conn), verifyConnectionClose()),
  },
  {
    id: 'http2/5.4.1/2',
    title: 'Sends an invalid PING frame to receive GOAWAY frame',
    strict: true,
    // §5.4.1: "An endpoint that encounters a connection error SHOULD first send a GOAWAY frame";
    // h2spec takes any GOAWAY (WaitEventByType), whatever its code.
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => invalidPing(conn), waitEventByType('GOAWAY', 'GOAWAY frame')),
  },

  // 5.5 Extending HTTP/2: unknown frame types are ignored, except inside a field block.
  {
    id: 'http2/5.5/1',
    title: 'Sends an unknown extension frame',
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => h2spec(conn).send(UNKNOWN_FRAME_HEADER).send(Buffer.alloc(8)).writePing(false, pingData()), verifyPingFrameWithAck(pingData())),
  },
  {
    id: 'http2/5.5/2',
    title: 'Sends an unknown extension frame in the middle of a header block',
    // §5.5: "Extension frames that appear in the middle of a field block ... MUST be treated as a
    // connection error of type PROTOCOL_ERROR." h2spec's: HEADERS without END_HEADERS, then the
    // unknown frame (on stream 0), and no CONTINUATION.
    run: (conn, ctx) => {
      const h = h2spec(conn);
      return sendAndWatch(conn, ctx, () => h.writeHeaders({ streamId: 1, endStream: true, endHeaders: false, block: h.encodeHeaders(commonHeaders(ctx)) }).send(UNKNOWN_FRAME_HEADER).send(Buffer.alloc(8)), verifyConnectionError(PROTOCOL_ERROR));
    },
  },
];

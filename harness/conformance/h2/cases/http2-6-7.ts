import { ErrorCode, MAX_WINDOW_SIZE, SettingId } from '../../../../server/http2/frames/constants.js';
import type { H2Case, Verdict } from '../case.js';
import { commonHeaders, dummyHeaders, h2spec, pingData } from '../h2spec-client.js';
import { goawayWithCode, rstStreamWithCode, verifyConnectionError, verifyEventType, verifyHeadersFrame, verifyPingFrameOrConnectionClose, verifyPingFrameWithAck, verifySettingsFrameWithAck, verifyStreamError } from '../h2spec-verify.js';
import { get, openGet, post, requireServerData } from './h2spec-support.js';
import { firstDataOfOneOctet } from './http2-6.js';
import { inBothOrders, sendAndWatch } from './support.js';
import type { Expectation } from '../verify.js';

/* h2spec's http2/6.7-6.10 and http2/7: PING, GOAWAY, WINDOW_UPDATE, flow control, CONTINUATION, error codes. */

const { FLOW_CONTROL_ERROR, FRAME_SIZE_ERROR, PROTOCOL_ERROR } = ErrorCode;
const { INITIAL_WINDOW_SIZE } = SettingId;

export const HTTP2_6_7_CASES: H2Case[] = [
  // 6.7 PING
  {
    id: 'http2/6.7/1',
    title: 'Sends a PING frame',
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => h2spec(conn).writePing(false, pingData('h2spec')), verifyPingFrameWithAck(pingData('h2spec'))),
  },
  {
    id: 'http2/6.7/2',
    title: 'Sends a PING frame with ACK',
    // "An endpoint MUST NOT respond to PING frames containing this flag": the first PING back must
    // be the ACK of the second one (RFC 9113 §6.7).
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => h2spec(conn).writePing(true, pingData('invalid')).writePing(false, pingData('h2spec')), verifyPingFrameWithAck(pingData('h2spec'))),
  },
  {
    id: 'http2/6.7/3',
    title: 'Sends a PING frame with a stream identifier field value other than 0x0',
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => h2spec(conn).send('\x00\x00\x08\x06\x00\x00\x00\x00\x01').send(Buffer.alloc(8)), verifyConnectionError(PROTOCOL_ERROR)),
  },
  {
    id: 'http2/6.7/4',
    title: 'Sends a PING frame with a length field value other than 8',
    // "Receipt of a PING frame with a length field value other than 8 MUST be treated as a
    // connection error of type FRAME_SIZE_ERROR": 6 zero octets on stream 0.
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => h2spec(conn).send('\x00\x00\x06\x06\x00\x00\x00\x00\x00').send(Buffer.alloc(6)), verifyConnectionError(FRAME_SIZE_ERROR)),
  },

  // 6.8 GOAWAY
  {
    id: 'http2/6.8/1',
    title: 'Sends a GOAWAY frame with a stream identifier other than 0x0',
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => h2spec(conn).send('\x00\x00\x08\x07\x00\x00\x00\x00\x01').send(Buffer.alloc(8)), verifyConnectionError(PROTOCOL_ERROR)),
  },

  // 6.9 WINDOW_UPDATE: an increment of 0 is a stream error on a stream, a connection error on 0.
  {
    id: 'http2/6.9/1',
    title: 'Sends a WINDOW_UPDATE frame with a flow control window increment of 0',
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => h2spec(conn).writeWindowUpdate(0, 0), verifyConnectionError(PROTOCOL_ERROR)),
  },
  {
    id: 'http2/6.9/2',
    title: 'Sends a WINDOW_UPDATE frame with a flow control window increment of 0 on a stream',
    run: (conn, ctx) => inBothOrders(conn, ctx, (c) => openGet(c, ctx), (c) => h2spec(c).writeWindowUpdate(1, 0), verifyStreamError(PROTOCOL_ERROR)),
  },
  {
    id: 'http2/6.9/3',
    title: 'Sends a WINDOW_UPDATE frame with a length other than 4 octets',
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => h2spec(conn).send('\x00\x00\x03\x08\x00\x00\x00\x00\x00').send('\x00\x00\x01'), verifyConnectionError(FRAME_SIZE_ERROR)),
  },

  // 6.9.1 The Flow-Control Window
  {
    id: 'http2/6.9.1/1',
    title: 'Sends SETTINGS frame to set the initial window size to 1 and sends HEADERS frame',
    // "The sender MUST NOT send a flow-controlled frame with a length that exceeds the space
    // available": with an initial window of 1 (acknowledged first), the first DATA has 1 octet.
    run: async (conn, ctx) => {
      const skip = await requireServerData(ctx, 1, firstDataOfOneOctet.expected);
      if (skip !== null) return skip;
      const acked = await sendAndWatch(conn, ctx, () => h2spec(conn).writeSettings([INITIAL_WINDOW_SIZE, 1]), verifySettingsFrameWithAck());
      if (!acked.passed) return acked;
      return sendAndWatch(conn, ctx, () => get(conn, ctx, 1, ctx.largePath), firstDataOfOneOctet);
    },
  },
  {
    id: 'http2/6.9.1/2',
    title: 'Sends multiple WINDOW_UPDATE frames increasing the flow control window to above 2^31-1',
    // §6.9.1: "If a sender receives a WINDOW_UPDATE that causes a flow-control window to exceed
    // this maximum, it MUST terminate either the stream or the connection, as appropriate. For
    // streams, the sender sends a RST_STREAM with an error code of FLOW_CONTROL_ERROR; for the
    // connection, a GOAWAY frame with an error code of FLOW_CONTROL_ERROR is sent." h2spec waits
    // for a GOAWAY (WaitEventByType) and checks its code: a close without one fails, and so does
    // a GOAWAY with another code (node:http2 sends INTERNAL_ERROR here, and h2spec fails it).
    // Two increments of 2^31-1 pass the maximum whatever the window holds.
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => h2spec(conn).writeWindowUpdate(0, MAX_WINDOW_SIZE).writeWindowUpdate(0, MAX_WINDOW_SIZE), goawayWithCode(FLOW_CONTROL_ERROR)),
  },
  {
    id: 'http2/6.9.1/3',
    title: 'Sends multiple WINDOW_UPDATE frames increasing the flow control window to above 2^31-1 on a stream',
    // The same on stream 1: h2spec waits for an RST_STREAM and checks its code (a GOAWAY, even
    // with FLOW_CONTROL_ERROR, does not pass; nor does a close). Two increments of 2^31-1 pass the
    // maximum even after the server has spent some of the window on a response.
    run: (conn, ctx) =>
      inBothOrders(conn, ctx, (c) => openGet(c, ctx), (c) => h2spec(c).writeWindowUpdate(1, MAX_WINDOW_SIZE).writeWindowUpdate(1, MAX_WINDOW_SIZE), rstStreamWithCode(1, FLOW_CONTROL_ERROR)),
  },

  // 6.9.2 Initial Flow-Control Window Size
  {
    id: 'http2/6.9.2/1',
    title: 'Changes SETTINGS_INITIAL_WINDOW_SIZE after sending HEADERS frame',
    // "When the value of SETTINGS_INITIAL_WINDOW_SIZE changes, a receiver MUST adjust the size of
    // all stream flow-control windows": 0 (acknowledged), the request, then 1: one octet may go.
    run: async (conn, ctx) => {
      const skip = await requireServerData(ctx, 1, firstDataOfOneOctet.expected);
      if (skip !== null) return skip;
      const acked = await sendAndWatch(conn, ctx, () => h2spec(conn).writeSettings([INITIAL_WINDOW_SIZE, 0]), verifySettingsFrameWithAck());
      if (!acked.passed) return acked;
      return sendAndWatch(conn, ctx, () => {
        get(conn, ctx, 1, ctx.largePath);
        h2spec(conn).writeSettings([INITIAL_WINDOW_SIZE, 1]);
      }, firstDataOfOneOctet);
    },
  },
  {
    id: 'http2/6.9.2/2',
    title: 'Sends a SETTINGS frame for window size to be negative',
    // "A sender MUST track the negative flow-control window and MUST NOT send new flow-controlled
    // frames until it receives WINDOW_UPDATE frames that cause the flow-control window to become
    // positive." h2spec's steps: initial window 3 (acknowledged), the request, its first DATA, the
    // initial window down to 2 (acknowledged: the window is now 2 - 3 = -1), +2 on stream 1
    // (window 1): the next DATA carries 1 octet. Skipped for a response under 5 octets.
    run: async (conn, ctx) => {
      const skip = await requireServerData(ctx, 5, firstDataOfOneOctet.expected);
      if (skip !== null) return skip;
      const h = h2spec(conn);
      const seen: string[] = [];
      const step = async (send: () => void, expectation: Expectation): Promise<Verdict> => {
        const v = await sendAndWatch(conn, ctx, send, expectation);
        seen.push(v.actual);
        return { ...v, actual: seen.join('; then ') };
      };
      let v = await step(() => h.writeSettings([INITIAL_WINDOW_SIZE, 3]), verifySettingsFrameWithAck());
      if (v.passed) v = await step(() => get(conn, ctx, 1, ctx.largePath), verifyEventType('DATA'));
      if (v.passed) v = await step(() => h.writeSettings([INITIAL_WINDOW_SIZE, 2]), verifySettingsFrameWithAck());
      if (v.passed) v = await step(() => h.writeWindowUpdate(1, 2), firstDataOfOneOctet);
      return v;
    },
  },
  {
    id: 'http2/6.9.2/3',
    title: 'Sends a SETTINGS_INITIAL_WINDOW_SIZE settings with an exceeded maximum window size value',
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => h2spec(conn).send('\x00\x00\x06\x04\x00\x00\x00\x00\x00').send('\x00\x04\x80\x00\x00\x00'), verifyConnectionError(FLOW_CONTROL_ERROR)),
  },

  // 6.10 CONTINUATION (the dummy fragments are spec.DummyHeaders(c, 1), each encoded anew)
  {
    id: 'http2/6.10/1',
    title: 'Sends multiple CONTINUATION frames preceded by a HEADERS frame',
    run: (conn, ctx) => {
      const h = h2spec(conn);
      return sendAndWatch(conn, ctx, () =>
        h
          .writeHeaders({ streamId: 1, endStream: true, endHeaders: false, block: h.encodeHeaders(commonHeaders(ctx)) })
          .writeContinuation(1, false, h.encodeHeaders(dummyHeaders(1)))
          .writeContinuation(1, true, h.encodeHeaders(dummyHeaders(1))), verifyHeadersFrame(1));
    },
  },
  {
    id: 'http2/6.10/2',
    title: 'Sends a CONTINUATION frame followed by any frame other than CONTINUATION',
    run: (conn, ctx) => {
      const h = h2spec(conn);
      return sendAndWatch(conn, ctx, () =>
        h
          .writeHeaders({ streamId: 1, endStream: false, endHeaders: false, block: h.encodeHeaders(commonHeaders(ctx, 'POST')) })
          .writeContinuation(1, false, h.encodeHeaders(dummyHeaders(1)))
          .writeData(1, true, 'test'), verifyConnectionError(PROTOCOL_ERROR));
    },
  },
  {
    id: 'http2/6.10/3',
    title: 'Sends a CONTINUATION frame with 0x0 stream identifier',
    run: (conn, ctx) => {
      const h = h2spec(conn);
      return sendAndWatch(conn, ctx, () =>
        h.writeHeaders({ streamId: 1, endStream: true, endHeaders: false, block: h.encodeHeaders(commonHeaders(ctx)) }).writeContinuation(0, true, h.encodeHeaders(dummyHeaders(1))), verifyConnectionError(PROTOCOL_ERROR));
    },
  },
  {
    id: 'http2/6.10/4',
    title: 'Sends a CONTINUATION frame preceded by a HEADERS frame with END_HEADERS flag',
    run: (conn, ctx) => {
      const h = h2spec(conn);
      return sendAndWatch(conn, ctx, () => {
        get(conn, ctx);
        h.writeContinuation(1, true, h.encodeHeaders(dummyHeaders(1)));
      }, verifyConnectionError(PROTOCOL_ERROR));
    },
  },
  {
    id: 'http2/6.10/5',
    title: 'Sends a CONTINUATION frame preceded by a CONTINUATION frame with END_HEADERS flag',
    run: (conn, ctx) => {
      const h = h2spec(conn);
      return sendAndWatch(conn, ctx, () =>
        h
          .writeHeaders({ streamId: 1, endStream: true, endHeaders: false, block: h.encodeHeaders(commonHeaders(ctx)) })
          .writeContinuation(1, true, h.encodeHeaders(dummyHeaders(1)))
          .writeContinuation(1, true, h.encodeHeaders(dummyHeaders(1))), verifyConnectionError(PROTOCOL_ERROR));
    },
  },
  {
    id: 'http2/6.10/6',
    title: 'Sends a CONTINUATION frame preceded by a DATA frame',
    // h2spec's: a POST's HEADERS without END_HEADERS, DATA, a CONTINUATION, and one on stream 0.
    run: (conn, ctx) => {
      const h = h2spec(conn);
      return sendAndWatch(conn, ctx, () =>
        h
          .writeHeaders({ streamId: 1, endStream: false, endHeaders: false, block: h.encodeHeaders(commonHeaders(ctx, 'POST')) })
          .writeData(1, true, 'test')
          .writeContinuation(1, false, h.encodeHeaders(dummyHeaders(1)))
          .writeContinuation(0, true, h.encodeHeaders(dummyHeaders(1))), verifyConnectionError(PROTOCOL_ERROR));
    },
  },

  // 7. Error Codes: "Unknown or unsupported error codes MUST NOT trigger any special behavior."
  {
    id: 'http2/7/1',
    title: 'Sends a GOAWAY frame with unknown error code',
    // After the peer's GOAWAY a server may close (§6.8); h2spec passes a PING ACK or a close.
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => h2spec(conn).writeGoAway(0, 0xff).writePing(false, pingData('h2spec')), verifyPingFrameOrConnectionClose(pingData('h2spec'))),
  },
  {
    id: 'http2/7/2',
    title: 'Sends a RST_STREAM frame with unknown error code',
    run: (conn, ctx) =>
      sendAndWatch(conn, ctx, () => {
        post(conn, ctx);
        h2spec(conn).writeRSTStream(1, 0xff).writePing(false, pingData());
      }, verifyPingFrameWithAck(pingData())),
  },
];

import { ErrorCode, FrameFlag, FrameType, MAX_WINDOW_SIZE, SettingId } from '../../../../server/http2/frames/constants.js';
import type { H2Case } from '../case.js';
import { connectionError, dataOfLength, pingAck, pingAckOrClose, response, streamError, watch } from '../verify.js';
import { inBothOrders, mark, opaque, postFields, sendAndWatch, u32 } from './support.js';

/* h2spec's http2/6.7-6.10 and http2/7: PING, GOAWAY, WINDOW_UPDATE, flow control, CONTINUATION, error codes. */

const { CONTINUATION, DATA, GOAWAY, HEADERS, PING, WINDOW_UPDATE } = FrameType;
const { END_HEADERS, END_STREAM } = FrameFlag;
const { FLOW_CONTROL_ERROR, FRAME_SIZE_ERROR, PROTOCOL_ERROR } = ErrorCode;
const { INITIAL_WINDOW_SIZE } = SettingId;

export const HTTP2_6_7_CASES: H2Case[] = [
  // 6.7 PING
  {
    id: 'http2/6.7/1',
    title: 'Sends a PING frame',
    run: (conn, ctx) => {
      const data = opaque('6.7-1');
      return sendAndWatch(conn, ctx, () => conn.client.ping(data), pingAck(data));
    },
  },
  {
    id: 'http2/6.7/2',
    title: 'Sends a PING frame with ACK',
    // "An endpoint MUST NOT respond to PING frames containing this flag": the only ACK must be for the second PING.
    run: (conn, ctx) => {
      const unsolicited = opaque('6.7-2ack');
      const data = opaque('6.7-2');
      return sendAndWatch(conn, ctx, () => conn.client.ping(unsolicited, true).ping(data), pingAck(data));
    },
  },
  {
    id: 'http2/6.7/3',
    title: 'Sends a PING frame with a stream identifier field value other than 0x0',
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => conn.client.frame(PING, 0, 1, opaque('6.7-3')), connectionError(PROTOCOL_ERROR)),
  },
  {
    id: 'http2/6.7/4',
    title: 'Sends a PING frame with a length field value other than 8',
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => conn.client.frame(PING, 0, 0, Buffer.from('123456')), connectionError(FRAME_SIZE_ERROR)),
  },

  // 6.8 GOAWAY
  {
    id: 'http2/6.8/1',
    title: 'Sends a GOAWAY frame with a stream identifier other than 0x0',
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => conn.client.frame(GOAWAY, 0, 1, Buffer.concat([u32(0), u32(ErrorCode.NO_ERROR)])), connectionError(PROTOCOL_ERROR)),
  },

  // 6.9 WINDOW_UPDATE: an increment of 0 is a stream error on a stream, a connection error on 0.
  {
    id: 'http2/6.9/1',
    title: 'Sends a WINDOW_UPDATE frame with a flow control window increment of 0',
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => conn.client.frame(WINDOW_UPDATE, 0, 0, u32(0)), connectionError(PROTOCOL_ERROR)),
  },
  {
    id: 'http2/6.9/2',
    title: 'Sends a WINDOW_UPDATE frame with a flow control window increment of 0 on a stream',
    run: (conn, ctx) => inBothOrders(conn, ctx, (c) => c.client.headers(1, ctx.get()), (c) => c.client.frame(WINDOW_UPDATE, 0, 1, u32(0)), streamError(1, PROTOCOL_ERROR)),
  },
  {
    id: 'http2/6.9/3',
    title: 'Sends a WINDOW_UPDATE frame with a length other than 4 octets',
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => conn.client.frame(WINDOW_UPDATE, 0, 0, Buffer.from([0, 0, 1])), connectionError(FRAME_SIZE_ERROR)),
  },

  // 6.9.1 The Flow-Control Window
  {
    id: 'http2/6.9.1/1',
    title: 'Sends SETTINGS frame to set the initial window size to 1 and sends HEADERS frame',
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => conn.client.settings([[INITIAL_WINDOW_SIZE, 1]]).headers(1, ctx.get(ctx.largePath), { endStream: true }), dataOfLength(1, 1)),
  },
  {
    id: 'http2/6.9.1/2',
    title: 'Sends multiple WINDOW_UPDATE frames increasing the flow control window to above 2^31-1',
    // h2spec's frames: two increments of 2^31-1, which pass the maximum whatever the window holds.
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => conn.client.windowUpdate(0, MAX_WINDOW_SIZE).windowUpdate(0, MAX_WINDOW_SIZE), connectionError(FLOW_CONTROL_ERROR)),
  },
  {
    id: 'http2/6.9.1/3',
    title: 'Sends multiple WINDOW_UPDATE frames increasing the flow control window to above 2^31-1 on a stream',
    // Two increments of 2^31-1, as h2spec sends: the window passes the maximum even after the
    // server has spent some of it on a response (an increment sized for an untouched window would not).
    run: (conn, ctx) =>
      inBothOrders(conn, ctx, (c) => c.client.headers(1, ctx.get()), (c) => c.client.windowUpdate(1, MAX_WINDOW_SIZE).windowUpdate(1, MAX_WINDOW_SIZE), streamError(1, FLOW_CONTROL_ERROR)),
  },

  // 6.9.2 Initial Flow-Control Window Size
  {
    id: 'http2/6.9.2/1',
    title: 'Changes SETTINGS_INITIAL_WINDOW_SIZE after sending HEADERS frame',
    // "A change to SETTINGS_INITIAL_WINDOW_SIZE can cause ... adjust the size of all stream flow-control windows": 0 -> 1 lets one octet go.
    settings: [[INITIAL_WINDOW_SIZE, 0]],
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => conn.client.headers(1, ctx.get(ctx.largePath), { endStream: true }).settings([[INITIAL_WINDOW_SIZE, 1]]), dataOfLength(1, 1)),
  },
  {
    id: 'http2/6.9.2/2',
    title: 'Sends a SETTINGS frame for window size to be negative',
    // Window 3, 3 octets received, then the initial size drops to 1: the window is -2 and "the
    // sender MUST NOT send new flow-controlled frames until it receives WINDOW_UPDATE frames that
    // cause the flow-control window to become positive". +3 makes it 1: one more octet.
    settings: [[INITIAL_WINDOW_SIZE, 3]],
    run: async (conn, ctx) => {
      const client = conn.client;
      const received = () => client.framesOf('DATA', 1).reduce((n, f) => n + f.flowLength, 0);
      const from = mark(conn);
      client.headers(1, ctx.get(ctx.largePath), { endStream: true });
      const expected = 'DATA frames on stream 1: 3 octets, then after the window went to -2 and back to 1, 1 octet';
      if (!(await conn.until(() => received() >= 3 || conn.closed, ctx.timeoutMs)) || received() !== 3) {
        const v = await watch(conn, ctx, from, dataOfLength(1, 3));
        return { passed: false, expected, actual: `before the change: ${received()} octets; ${v.actual}` };
      }
      const settingsFrom = mark(conn);
      client.settings([[INITIAL_WINDOW_SIZE, 1]]);
      const acked = await conn.until(() => client.frames.slice(settingsFrom).some((f) => f.type === 'SETTINGS' && f.ack) || conn.closed, ctx.timeoutMs);
      if (!acked || conn.closed) return { passed: false, expected, actual: 'no SETTINGS ACK for the new initial window size' };
      if (received() !== 3) return { passed: false, expected, actual: `${received() - 3} octets sent with a negative window` };
      const v = await sendAndWatch(conn, ctx, () => client.windowUpdate(1, 3), dataOfLength(1, 1));
      return { ...v, expected };
    },
  },
  {
    id: 'http2/6.9.2/3',
    title: 'Sends a SETTINGS_INITIAL_WINDOW_SIZE settings with an exceeded maximum window size value',
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => conn.client.settings([[INITIAL_WINDOW_SIZE, MAX_WINDOW_SIZE + 1]]), connectionError(FLOW_CONTROL_ERROR)),
  },

  // 6.10 CONTINUATION
  {
    id: 'http2/6.10/1',
    title: 'Sends multiple CONTINUATION frames preceded by a HEADERS frame',
    run: (conn, ctx) => {
      const block = conn.client.encoder.encode(ctx.get());
      return sendAndWatch(conn, ctx, () => conn.client.headerBlock(1, block, { endStream: true, continuationBytes: Math.max(1, Math.ceil(block.length / 4)) }), response(1));
    },
  },
  {
    id: 'http2/6.10/2',
    title: 'Sends a CONTINUATION frame followed by any frame other than CONTINUATION',
    run: (conn, ctx) => {
      const block = conn.client.encoder.encode(postFields(ctx, null));
      const third = Math.ceil(block.length / 3);
      return sendAndWatch(conn, ctx, () =>
        conn.client
          .frame(HEADERS, 0, 1, block.subarray(0, third))
          .frame(CONTINUATION, 0, 1, block.subarray(third, 2 * third))
          .frame(DATA, 0, 1, Buffer.from('test')), connectionError(PROTOCOL_ERROR));
    },
  },
  {
    id: 'http2/6.10/3',
    title: 'Sends a CONTINUATION frame with 0x0 stream identifier',
    run: (conn, ctx) => {
      const block = conn.client.encoder.encode(ctx.get());
      const half = Math.ceil(block.length / 2);
      return sendAndWatch(conn, ctx, () => conn.client.frame(HEADERS, END_STREAM, 1, block.subarray(0, half)).frame(CONTINUATION, END_HEADERS, 0, block.subarray(half)), connectionError(PROTOCOL_ERROR));
    },
  },
  {
    id: 'http2/6.10/4',
    title: 'Sends a CONTINUATION frame preceded by a HEADERS frame with END_HEADERS flag',
    run: (conn, ctx) =>
      sendAndWatch(conn, ctx, () => conn.client.headers(1, postFields(ctx, null)).frame(CONTINUATION, END_HEADERS, 1, conn.client.encoder.encode([['x-conformance', 'continuation']])), connectionError(PROTOCOL_ERROR)),
  },
  {
    id: 'http2/6.10/5',
    title: 'Sends a CONTINUATION frame preceded by a CONTINUATION frame with END_HEADERS flag',
    run: (conn, ctx) => {
      const block = conn.client.encoder.encode(postFields(ctx, null));
      const half = Math.ceil(block.length / 2);
      return sendAndWatch(conn, ctx, () =>
        conn.client
          .frame(HEADERS, 0, 1, block.subarray(0, half))
          .frame(CONTINUATION, END_HEADERS, 1, block.subarray(half))
          .frame(CONTINUATION, END_HEADERS, 1, conn.client.encoder.encode([['x-conformance', 'continuation']])), connectionError(PROTOCOL_ERROR));
    },
  },
  {
    id: 'http2/6.10/6',
    title: 'Sends a CONTINUATION frame preceded by a DATA frame',
    run: (conn, ctx) =>
      sendAndWatch(conn, ctx, () => conn.client.headers(1, postFields(ctx, null)).data(1, 'test').frame(CONTINUATION, END_HEADERS, 1, conn.client.encoder.encode([['x-conformance', 'continuation']])), connectionError(PROTOCOL_ERROR)),
  },

  // 7. Error Codes: "Unknown or unsupported error codes MUST NOT trigger any special behavior."
  {
    id: 'http2/7/1',
    title: 'Sends a GOAWAY frame with unknown error code',
    run: (conn, ctx) => {
      const data = opaque('7-1');
      return sendAndWatch(conn, ctx, () => conn.client.goaway(0, 0xff).ping(data), pingAckOrClose(data));
    },
  },
  {
    id: 'http2/7/2',
    title: 'Sends a RST_STREAM frame with unknown error code',
    run: (conn, ctx) => {
      const data = opaque('7-2');
      return sendAndWatch(conn, ctx, () => conn.client.headers(1, postFields(ctx, null)).rst(1, 0xff).ping(data), pingAck(data));
    },
  },
];



import { ErrorCode, FrameFlag, FrameType, MAX_WINDOW_SIZE, SettingId } from '../../../../server/http2/frames/constants.js';
import type { H2Case } from '../case.js';
import { connectionError, dataOfLength, settingsAck, streamError } from '../verify.js';
import { postFields, priorityFields, sendAndWatch, u32 } from './support.js';

/* h2spec's http2/6.1-6.5.3: DATA, HEADERS, PRIORITY, RST_STREAM, SETTINGS. */

const { DATA, HEADERS, PRIORITY, RST_STREAM, SETTINGS } = FrameType;
const { ACK, END_HEADERS, END_STREAM, PADDED } = FrameFlag;
const { FLOW_CONTROL_ERROR, FRAME_SIZE_ERROR, PROTOCOL_ERROR, STREAM_CLOSED } = ErrorCode;
const { ENABLE_PUSH, INITIAL_WINDOW_SIZE, MAX_FRAME_SIZE } = SettingId;

export const HTTP2_6_CASES: H2Case[] = [
  // 6.1 DATA
  {
    id: 'http2/6.1/1',
    title: 'Sends a DATA frame with 0x0 stream identifier',
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => conn.client.frame(DATA, END_STREAM, 0, Buffer.from('test')), connectionError(PROTOCOL_ERROR)),
  },
  {
    id: 'http2/6.1/2',
    title: 'Sends a DATA frame on the stream that is not in "open" or "half-closed (local)" state',
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => conn.client.headers(1, ctx.get(), { endStream: true }).data(1, 'test', true), streamError(1, STREAM_CLOSED)),
  },
  {
    id: 'http2/6.1/3',
    title: 'Sends a DATA frame with invalid pad length',
    // "If the length of the padding is the length of the frame payload or greater, the recipient MUST treat this as a connection error of type PROTOCOL_ERROR."
    run: (conn, ctx) =>
      sendAndWatch(conn, ctx, () => conn.client.headers(1, postFields(ctx, 4)).frame(DATA, PADDED | END_STREAM, 1, Buffer.concat([Buffer.from([5]), Buffer.from('test')])), connectionError(PROTOCOL_ERROR)),
  },

  // 6.2 HEADERS
  {
    id: 'http2/6.2/1',
    title: 'Sends a HEADERS frame without the END_HEADERS flag, and a PRIORITY frame',
    // A HEADERS frame without END_HEADERS MUST be followed by a CONTINUATION frame for the same stream.
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => conn.client.headers(1, ctx.get(), { endStream: true, leaveOpen: true }).frame(PRIORITY, 0, 3, priorityFields(0, 16)), connectionError(PROTOCOL_ERROR)),
  },
  {
    id: 'http2/6.2/2',
    title: 'Sends a HEADERS frame to another stream while sending a HEADERS frame',
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => conn.client.headers(1, ctx.get(), { endStream: true, leaveOpen: true }).headers(3, ctx.get(), { endStream: true }), connectionError(PROTOCOL_ERROR)),
  },
  {
    id: 'http2/6.2/3',
    title: 'Sends a HEADERS frame with 0x0 stream identifier',
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => conn.client.frame(HEADERS, END_STREAM | END_HEADERS, 0, conn.client.encoder.encode(ctx.get())), connectionError(PROTOCOL_ERROR)),
  },
  {
    id: 'http2/6.2/4',
    title: 'Sends a HEADERS frame with invalid pad length',
    // Pad Length equal to the whole payload length: a connection PROTOCOL_ERROR.
    run: (conn, ctx) => {
      const block = conn.client.encoder.encode(ctx.get());
      return sendAndWatch(conn, ctx, () => conn.client.frame(HEADERS, PADDED | END_STREAM | END_HEADERS, 1, Buffer.concat([Buffer.from([block.length + 1]), block])), connectionError(PROTOCOL_ERROR));
    },
  },

  // 6.3 PRIORITY
  {
    id: 'http2/6.3/1',
    title: 'Sends a PRIORITY frame with 0x0 stream identifier',
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => conn.client.frame(PRIORITY, 0, 0, priorityFields(1, 16)), connectionError(PROTOCOL_ERROR)),
  },
  {
    id: 'http2/6.3/2',
    title: 'Sends a PRIORITY frame with a length other than 5 octets',
    // "A PRIORITY frame with a length other than 5 octets MUST be treated as a stream error of type FRAME_SIZE_ERROR."
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => conn.client.headers(1, postFields(ctx, null)).frame(PRIORITY, 0, 1, priorityFields(0, 16).subarray(0, 4)), streamError(1, FRAME_SIZE_ERROR)),
  },

  // 6.4 RST_STREAM
  {
    id: 'http2/6.4/1',
    title: 'Sends a RST_STREAM frame with 0x0 stream identifier',
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => conn.client.frame(RST_STREAM, 0, 0, u32(ErrorCode.CANCEL)), connectionError(PROTOCOL_ERROR)),
  },
  {
    id: 'http2/6.4/2',
    title: 'Sends a RST_STREAM frame on a idle stream',
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => conn.client.rst(1, ErrorCode.CANCEL), connectionError(PROTOCOL_ERROR)),
  },
  {
    id: 'http2/6.4/3',
    title: 'Sends a RST_STREAM frame with a length other than 4 octets',
    // "A RST_STREAM frame with a length other than 4 octets MUST be treated as a connection error of type FRAME_SIZE_ERROR."
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => conn.client.headers(1, postFields(ctx, null)).frame(RST_STREAM, 0, 1, Buffer.from([0, 0, 0])), connectionError(FRAME_SIZE_ERROR)),
  },

  // 6.5 SETTINGS
  {
    id: 'http2/6.5/1',
    title: 'Sends a SETTINGS frame with ACK flag and payload',
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => conn.client.frame(SETTINGS, ACK, 0, Buffer.from([0, 3, 0, 0, 0, 100])), connectionError(FRAME_SIZE_ERROR)),
  },
  {
    id: 'http2/6.5/2',
    title: 'Sends a SETTINGS frame with a stream identifier other than 0x0',
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => conn.client.frame(SETTINGS, 0, 1, Buffer.from([0, 3, 0, 0, 0, 100])), connectionError(PROTOCOL_ERROR)),
  },
  {
    id: 'http2/6.5/3',
    title: 'Sends a SETTINGS frame with a length other than a multiple of 6 octets',
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => conn.client.frame(SETTINGS, 0, 0, Buffer.from([0, 3, 0])), connectionError(FRAME_SIZE_ERROR)),
  },

  // 6.5.2 Defined SETTINGS Parameters
  {
    id: 'http2/6.5.2/1',
    title: 'SETTINGS_ENABLE_PUSH (0x2): Sends the value other than 0 or 1',
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => conn.client.settings([[ENABLE_PUSH, 2]]), connectionError(PROTOCOL_ERROR)),
  },
  {
    id: 'http2/6.5.2/2',
    title: 'SETTINGS_INITIAL_WINDOW_SIZE (0x4): Sends the value above the maximum flow control window size',
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => conn.client.settings([[INITIAL_WINDOW_SIZE, MAX_WINDOW_SIZE + 1]]), connectionError(FLOW_CONTROL_ERROR)),
  },
  {
    id: 'http2/6.5.2/3',
    title: 'SETTINGS_MAX_FRAME_SIZE (0x5): Sends the value below the initial value',
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => conn.client.settings([[MAX_FRAME_SIZE, 16_383]]), connectionError(PROTOCOL_ERROR)),
  },
  {
    id: 'http2/6.5.2/4',
    title: 'SETTINGS_MAX_FRAME_SIZE (0x5): Sends the value above the maximum allowed frame size',
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => conn.client.settings([[MAX_FRAME_SIZE, 16_777_216]]), connectionError(PROTOCOL_ERROR)),
  },
  {
    id: 'http2/6.5.2/5',
    title: 'Sends a SETTINGS frame with unknown identifier',
    // "An endpoint that receives a SETTINGS frame with any unknown or unsupported identifier MUST ignore that setting."
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => conn.client.settings([[0xff, 1]]), settingsAck()),
  },

  // 6.5.3 Settings Synchronization
  {
    id: 'http2/6.5.3/1',
    title: 'Sends multiple values of SETTINGS_INITIAL_WINDOW_SIZE',
    // "The values in the SETTINGS frame MUST be processed in the order they appear": the last (1) wins.
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => conn.client.settings([[INITIAL_WINDOW_SIZE, 100], [INITIAL_WINDOW_SIZE, 1]]).headers(1, ctx.get(ctx.largePath), { endStream: true }), dataOfLength(1, 1)),
  },
  {
    id: 'http2/6.5.3/2',
    title: 'Sends a SETTINGS frame without ACK flag',
    // "Upon receiving a SETTINGS frame with the ACK flag not set, the receiver MUST ... emit a SETTINGS frame with the ACK flag set".
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => conn.client.settings([[SettingId.MAX_CONCURRENT_STREAMS, 100]]), settingsAck()),
  },
];

import { ErrorCode, MAX_WINDOW_SIZE, SettingId } from '../../../../server/http2/frames/constants.js';
import type { H2Case } from '../case.js';
import { commonHeaders, h2spec, pingData } from '../h2spec-client.js';
import { verifyConnectionError, verifyPingFrameWithAck, verifySettingsFrameWithAck, verifyStreamError, waitEventByType } from '../h2spec-verify.js';
import { get, post, prio, requireServerData, interruptFieldBlock } from './h2spec-support.js';
import { sendAndWatch } from './support.js';

/* h2spec's http2/6.1-6.5.3: DATA, HEADERS, PRIORITY, RST_STREAM, SETTINGS. */

const { CANCEL, FLOW_CONTROL_ERROR, FRAME_SIZE_ERROR, PROTOCOL_ERROR, STREAM_CLOSED } = ErrorCode;
const { ENABLE_PUSH, INITIAL_WINDOW_SIZE, MAX_FRAME_SIZE } = SettingId;

/** The first DATA frame on the connection carries exactly one octet (h2spec: DATA Frame (length:1)). */
export const firstDataOfOneOctet = waitEventByType('DATA', 'DATA frame (length:1, stream_id:1)', (f) => f.flowLength === 1);

export const HTTP2_6_CASES: H2Case[] = [
  // 6.1 DATA
  {
    id: 'http2/6.1/1',
    title: 'Sends a DATA frame with 0x0 stream identifier',
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => h2spec(conn).writeData(0, true, 'test'), verifyConnectionError(PROTOCOL_ERROR)),
  },
  {
    id: 'http2/6.1/2',
    title: 'Sends a DATA frame on the stream that is not in "open" or "half-closed (local)" state',
    // A complete POST (END_STREAM on its HEADERS), then DATA: stream error STREAM_CLOSED.
    run: (conn, ctx) => {
      const h = h2spec(conn);
      return sendAndWatch(conn, ctx, () => h.writeHeaders({ streamId: 1, endStream: true, endHeaders: true, block: h.encodeHeaders(commonHeaders(ctx, 'POST')) }).writeData(1, true, 'test'), verifyStreamError(STREAM_CLOSED));
    },
  },
  {
    id: 'http2/6.1/3',
    title: 'Sends a DATA frame with invalid pad length',
    // "If the length of the padding is the length of the frame payload or greater, the recipient
    // MUST treat this as a connection error of type PROTOCOL_ERROR." h2spec's frame: 5 octets,
    // END_STREAM|PADDED, Pad Length 6, then "Test".
    run: (conn, ctx) =>
      sendAndWatch(conn, ctx, () => {
        post(conn, ctx, [['content-length', '4']]);
        h2spec(conn).send('\x00\x00\x05\x00\x09\x00\x00\x00\x01').send('\x06\x54\x65\x73\x74');
      }, verifyConnectionError(PROTOCOL_ERROR)),
  },

  // 6.2 HEADERS
  {
    id: 'http2/6.2/1',
    title: 'Sends a HEADERS frame without the END_HEADERS flag, and a PRIORITY frame',
    // A HEADERS frame without END_HEADERS MUST be followed by a CONTINUATION frame for the same stream.
    run: interruptFieldBlock('priority'),
  },
  {
    id: 'http2/6.2/2',
    title: 'Sends a HEADERS frame to another stream while sending a HEADERS frame',
    run: interruptFieldBlock('headers'),
  },
  {
    id: 'http2/6.2/3',
    title: 'Sends a HEADERS frame with 0x0 stream identifier',
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => get(conn, ctx, 0), verifyConnectionError(PROTOCOL_ERROR)),
  },
  {
    id: 'http2/6.2/4',
    title: 'Sends a HEADERS frame with invalid pad length',
    // "Padding that exceeds the size remaining for the header block fragment MUST be treated as a
    // PROTOCOL_ERROR." h2spec's frame, in three writes: END_STREAM|END_HEADERS|PADDED, a length of
    // the block plus one (its low octet: the field's upper octets stay 0), a Pad Length of the
    // block plus two, then the block. h2spec accepts a stream error.
    run: (conn, ctx) => {
      const h = h2spec(conn);
      const block = h.encodeHeaders(commonHeaders(ctx));
      return sendAndWatch(conn, ctx, () => h.send(Buffer.from([0, 0, (block.length + 1) & 0xff, 0x01, 0x0d, 0, 0, 0, 1])).send(Buffer.from([(block.length + 2) & 0xff])).send(block), verifyStreamError(PROTOCOL_ERROR));
    },
  },

  // 6.3 PRIORITY
  {
    id: 'http2/6.3/1',
    title: 'Sends a PRIORITY frame with 0x0 stream identifier',
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => h2spec(conn).writePriority(0, prio(0, 255)), verifyConnectionError(PROTOCOL_ERROR)),
  },
  {
    id: 'http2/6.3/2',
    title: 'Sends a PRIORITY frame with a length other than 5 octets',
    // "A PRIORITY frame with a length other than 5 octets MUST be treated as a stream error of type
    // FRAME_SIZE_ERROR." h2spec's: 4 octets (0x80000001) on stream 1 after a complete GET.
    run: (conn, ctx) =>
      sendAndWatch(conn, ctx, () => {
        get(conn, ctx);
        h2spec(conn).send('\x00\x00\x04\x02\x00\x00\x00\x00\x01').send('\x80\x00\x00\x01');
      }, verifyStreamError(FRAME_SIZE_ERROR)),
  },

  // 6.4 RST_STREAM
  {
    id: 'http2/6.4/1',
    title: 'Sends a RST_STREAM frame with 0x0 stream identifier',
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => h2spec(conn).writeRSTStream(0, CANCEL), verifyConnectionError(PROTOCOL_ERROR)),
  },
  {
    id: 'http2/6.4/2',
    title: 'Sends a RST_STREAM frame on a idle stream',
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => h2spec(conn).writeRSTStream(1, CANCEL), verifyConnectionError(PROTOCOL_ERROR)),
  },
  {
    id: 'http2/6.4/3',
    title: 'Sends a RST_STREAM frame with a length other than 4 octets',
    // "A RST_STREAM frame with a length other than 4 octets MUST be treated as a connection error
    // of type FRAME_SIZE_ERROR"; h2spec's verifier accepts a stream error too.
    run: (conn, ctx) =>
      sendAndWatch(conn, ctx, () => {
        get(conn, ctx);
        h2spec(conn).send('\x00\x00\x03\x03\x00\x00\x00\x00\x01').send('\x00\x00\x00');
      }, verifyStreamError(FRAME_SIZE_ERROR)),
  },

  // 6.5 SETTINGS
  {
    id: 'http2/6.5/1',
    title: 'Sends a SETTINGS frame with ACK flag and payload',
    // A SETTINGS ACK of one octet: FRAME_SIZE_ERROR.
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => h2spec(conn).send('\x00\x00\x01\x04\x01\x00\x00\x00\x00').send('\x00'), verifyConnectionError(FRAME_SIZE_ERROR)),
  },
  {
    id: 'http2/6.5/2',
    title: 'Sends a SETTINGS frame with a stream identifier other than 0x0',
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => h2spec(conn).send('\x00\x00\x06\x04\x00\x00\x00\x00\x01').send('\x00\x03\x00\x00\x00\x64'), verifyConnectionError(PROTOCOL_ERROR)),
  },
  {
    id: 'http2/6.5/3',
    title: 'Sends a SETTINGS frame with a length other than a multiple of 6 octets',
    // FRAME_SIZE_ERROR (§6.5); h2spec's verifier takes PROTOCOL_ERROR too ("badly formed"), as a stream or connection error.
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => h2spec(conn).send('\x00\x00\x03\x04\x00\x00\x00\x00\x00').send('\x00\x03\x00'), verifyStreamError(PROTOCOL_ERROR, FRAME_SIZE_ERROR)),
  },

  // 6.5.2 Defined SETTINGS Parameters
  {
    id: 'http2/6.5.2/1',
    title: 'SETTINGS_ENABLE_PUSH (0x2): Sends the value other than 0 or 1',
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => h2spec(conn).writeSettings([ENABLE_PUSH, 2]), verifyConnectionError(PROTOCOL_ERROR)),
  },
  {
    id: 'http2/6.5.2/2',
    title: 'SETTINGS_INITIAL_WINDOW_SIZE (0x4): Sends the value above the maximum flow control window size',
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => h2spec(conn).writeSettings([INITIAL_WINDOW_SIZE, MAX_WINDOW_SIZE + 1]), verifyConnectionError(FLOW_CONTROL_ERROR)),
  },
  {
    id: 'http2/6.5.2/3',
    title: 'SETTINGS_MAX_FRAME_SIZE (0x5): Sends the value below the initial value',
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => h2spec(conn).writeSettings([MAX_FRAME_SIZE, 16_383]), verifyConnectionError(PROTOCOL_ERROR)),
  },
  {
    id: 'http2/6.5.2/4',
    title: 'SETTINGS_MAX_FRAME_SIZE (0x5): Sends the value above the maximum allowed frame size',
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => h2spec(conn).writeSettings([MAX_FRAME_SIZE, 16_777_216]), verifyConnectionError(PROTOCOL_ERROR)),
  },
  {
    id: 'http2/6.5.2/5',
    title: 'Sends a SETTINGS frame with unknown identifier',
    // "An endpoint that receives a SETTINGS frame with any unknown or unsupported identifier MUST
    // ignore that setting": the connection goes on (a PING is answered).
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => h2spec(conn).writeSettings([0xff, 1]).writePing(false, pingData()), verifyPingFrameWithAck(pingData())),
  },

  // 6.5.3 Settings Synchronization
  {
    id: 'http2/6.5.3/1',
    title: 'Sends multiple values of SETTINGS_INITIAL_WINDOW_SIZE',
    // "The values in the SETTINGS frame MUST be processed in the order they appear": the last (1)
    // wins. As h2spec: skipped when the response has no body; the SETTINGS ACK awaited first.
    run: async (conn, ctx) => {
      const expected = firstDataOfOneOctet.expected;
      const skip = await requireServerData(ctx, 1, expected);
      if (skip !== null) return skip;
      const acked = await sendAndWatch(conn, ctx, () => h2spec(conn).writeSettings([INITIAL_WINDOW_SIZE, 100], [INITIAL_WINDOW_SIZE, 1]), verifySettingsFrameWithAck());
      if (!acked.passed) return acked;
      return sendAndWatch(conn, ctx, () => get(conn, ctx, 1, ctx.largePath), firstDataOfOneOctet);
    },
  },
  {
    id: 'http2/6.5.3/2',
    title: 'Sends a SETTINGS frame without ACK flag',
    // "Upon receiving a SETTINGS frame with the ACK flag not set, the receiver MUST ... emit a SETTINGS frame with the ACK flag set".
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => h2spec(conn).writeSettings([ENABLE_PUSH, 0]), verifySettingsFrameWithAck()),
  },
];

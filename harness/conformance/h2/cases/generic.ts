import { ErrorCode, SettingId } from '../../../../server/http2/frames/constants.js';
import type { H2Case } from '../case.js';
import { commonHeaders, h2spec, pingData } from '../h2spec-client.js';
import { verifyEventType, verifyHeadersFrame, verifyPingFrameOrConnectionClose, verifyPingFrameWithAck, verifySettingsFrameWithAck, verifyStreamClose } from '../h2spec-verify.js';
import { firstFrameIsSettings, get, post, prio, sendPreface } from './h2spec-support.js';
import { sendAndWatch } from './support.js';

/*
 * h2spec's "generic" group (generic/*.go): ordinary use of every frame type and HTTP exchange; a
 * conformant server answers. Sections 1-4 here, 5 (HPACK representations) in generic-hpack.ts.
 * Each case sends what h2spec's does, frame for frame, and judges as its verifier does.
 */

const { CANCEL, NO_ERROR } = ErrorCode;

export const GENERIC_CASES: H2Case[] = [
  {
    id: 'generic/1/1',
    title: 'Sends a client connection preface',
    handshake: false,
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => sendPreface(conn), firstFrameIsSettings),
  },

  // 2. Streams and Multiplexing (RFC 9113 §5.1)
  {
    id: 'generic/2/1',
    title: 'Sends a PRIORITY frame on idle stream',
    // PRIORITY is allowed on an idle stream; the connection goes on (a PING is answered).
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => h2spec(conn).writePriority(1, prio(0, 255)).writePing(false, pingData()), verifyPingFrameWithAck(pingData())),
  },
  {
    id: 'generic/2/2',
    title: 'Sends a WINDOW_UPDATE frame on half-closed (remote) stream',
    // SETTINGS_INITIAL_WINDOW_SIZE 0 keeps the response open; WINDOW_UPDATE is allowed in
    // half-closed (remote), and its credit lets DATA come.
    run: (conn, ctx) =>
      sendAndWatch(conn, ctx, () => {
        h2spec(conn).writeSettings([SettingId.INITIAL_WINDOW_SIZE, 0]);
        get(conn, ctx);
        h2spec(conn).writeWindowUpdate(1, 1);
      }, verifyEventType('DATA')),
  },
  {
    id: 'generic/2/3',
    title: 'Sends a PRIORITY frame on half-closed (remote) stream',
    run: (conn, ctx) =>
      sendAndWatch(conn, ctx, () => {
        h2spec(conn).writeSettings([SettingId.INITIAL_WINDOW_SIZE, 0]);
        get(conn, ctx);
        h2spec(conn).writePriority(1, prio(0, 255)).writeWindowUpdate(1, 1);
      }, verifyEventType('DATA')),
  },
  {
    id: 'generic/2/4',
    title: 'Sends a RST_STREAM frame on half-closed (remote) stream',
    // §5.1: RST_STREAM is allowed in half-closed (remote); the connection goes on.
    run: (conn, ctx) =>
      sendAndWatch(conn, ctx, () => {
        get(conn, ctx);
        h2spec(conn).writeRSTStream(1, CANCEL).writePing(false, pingData());
      }, verifyPingFrameWithAck(pingData())),
  },
  {
    id: 'generic/2/5',
    title: 'Sends a PRIORITY frame on closed stream',
    // §5.1: PRIORITY may be sent on a closed stream; the connection goes on.
    run: async (conn, ctx) => {
      const closed = await sendAndWatch(conn, ctx, () => get(conn, ctx), verifyStreamClose());
      if (!closed.passed) return closed;
      return sendAndWatch(conn, ctx, () => h2spec(conn).writePriority(1, prio(0, 255)).writePing(false, pingData()), verifyPingFrameWithAck(pingData()));
    },
  },

  // 3.1 DATA
  {
    id: 'generic/3.1/1',
    title: 'Sends a DATA frame',
    run: (conn, ctx) =>
      sendAndWatch(conn, ctx, () => {
        post(conn, ctx);
        h2spec(conn).writeData(1, true, 'test');
      }, verifyHeadersFrame(1)),
  },
  {
    id: 'generic/3.1/2',
    title: 'Sends multiple DATA frames',
    run: (conn, ctx) =>
      sendAndWatch(conn, ctx, () => {
        post(conn, ctx);
        h2spec(conn).writeData(1, false, 'test').writeData(1, true, 'test');
      }, verifyHeadersFrame(1)),
  },
  {
    id: 'generic/3.1/3',
    title: 'Sends a DATA frame with padding',
    run: (conn, ctx) =>
      sendAndWatch(conn, ctx, () => {
        post(conn, ctx);
        h2spec(conn).writeDataPadded(1, true, 'test', Buffer.alloc(5));
      }, verifyHeadersFrame(1)),
  },

  // 3.2 HEADERS
  {
    id: 'generic/3.2/1',
    title: 'Sends a HEADERS frame',
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => get(conn, ctx), verifyHeadersFrame(1)),
  },
  {
    id: 'generic/3.2/2',
    title: 'Sends a HEADERS frame with padding',
    run: (conn, ctx) => {
      const h = h2spec(conn);
      return sendAndWatch(conn, ctx, () => h.writeHeaders({ streamId: 1, endStream: true, endHeaders: true, block: h.encodeHeaders(commonHeaders(ctx)), padLength: 8 }), verifyHeadersFrame(1));
    },
  },
  {
    id: 'generic/3.2/3',
    title: 'Sends a HEADERS frame with priority',
    run: (conn, ctx) => {
      const h = h2spec(conn);
      return sendAndWatch(conn, ctx, () => h.writeHeaders({ streamId: 1, endStream: true, endHeaders: true, block: h.encodeHeaders(commonHeaders(ctx)), priority: prio(0, 255) }), verifyHeadersFrame(1));
    },
  },

  // 3.3 PRIORITY: "It can be sent in any stream state, including idle or closed streams" (RFC 7540 §6.3).
  {
    id: 'generic/3.3/1',
    title: 'Sends a PRIORITY frame with priority 1',
    run: (conn, ctx) =>
      sendAndWatch(conn, ctx, () => {
        h2spec(conn).writePriority(1, prio(0, 0));
        get(conn, ctx);
      }, verifyHeadersFrame(1)),
  },
  {
    id: 'generic/3.3/2',
    title: 'Sends a PRIORITY frame with priority 256',
    run: (conn, ctx) =>
      sendAndWatch(conn, ctx, () => {
        h2spec(conn).writePriority(1, prio(0, 255));
        get(conn, ctx);
      }, verifyHeadersFrame(1)),
  },
  {
    id: 'generic/3.3/3',
    title: 'Sends a PRIORITY frame with stream dependency',
    run: (conn, ctx) =>
      sendAndWatch(conn, ctx, () => {
        h2spec(conn).writePriority(3, prio(1, 0));
        get(conn, ctx);
      }, verifyHeadersFrame(1)),
  },
  {
    id: 'generic/3.3/4',
    title: 'Sends a PRIORITY frame with exclusive',
    run: (conn, ctx) =>
      sendAndWatch(conn, ctx, () => {
        h2spec(conn).writePriority(1, prio(0, 0, true));
        get(conn, ctx);
      }, verifyHeadersFrame(1)),
  },
  {
    id: 'generic/3.3/5',
    title: 'Sends a PRIORITY frame for an idle stream, then send a HEADER frame for a lower stream ID',
    // PRIORITY does not open a stream (§5.1), so stream 1 is still idle and may be opened.
    run: (conn, ctx) =>
      sendAndWatch(conn, ctx, () => {
        h2spec(conn).writePriority(3, prio(0, 255));
        get(conn, ctx);
      }, verifyHeadersFrame(1)),
  },

  // 3.4 RST_STREAM
  {
    id: 'generic/3.4/1',
    title: 'Sends a RST_STREAM frame',
    run: (conn, ctx) => {
      const h = h2spec(conn);
      return sendAndWatch(conn, ctx, () => {
        h.writeHeaders({ streamId: 1, endStream: false, endHeaders: true, block: h.encodeHeaders(commonHeaders(ctx)) });
        h.writeRSTStream(1, CANCEL).writePing(false, pingData());
      }, verifyPingFrameWithAck(pingData()));
    },
  },

  // 3.5 SETTINGS: every defined parameter at a legal value, acknowledged (§6.5.3).
  {
    id: 'generic/3.5/1',
    title: 'Sends a SETTINGS frame',
    run: (conn, ctx) =>
      sendAndWatch(conn, ctx, () =>
        h2spec(conn).writeSettings(
          [SettingId.HEADER_TABLE_SIZE, 4096],
          [SettingId.ENABLE_PUSH, 1],
          [SettingId.MAX_CONCURRENT_STREAMS, 100],
          [SettingId.INITIAL_WINDOW_SIZE, 65_535],
          [SettingId.MAX_FRAME_SIZE, 16_384],
          [SettingId.MAX_HEADER_LIST_SIZE, 100],
        ), verifySettingsFrameWithAck()),
  },

  // 3.7 PING
  {
    id: 'generic/3.7/1',
    title: 'Sends a PING frame',
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => h2spec(conn).writePing(false, pingData('h2spec')), verifyPingFrameWithAck(pingData('h2spec'))),
  },

  // 3.8 GOAWAY
  {
    id: 'generic/3.8/1',
    title: 'Sends a GOAWAY frame',
    // §6.8: after the peer's GOAWAY a server may still answer, or close once idle.
    run: (conn, ctx) =>
      sendAndWatch(conn, ctx, () => h2spec(conn).writeGoAway(0, NO_ERROR, 'h2spec').writePing(false, pingData('h2spec')), verifyPingFrameOrConnectionClose(pingData('h2spec'))),
  },

  // 3.9 WINDOW_UPDATE
  {
    id: 'generic/3.9/1',
    title: 'Sends a WINDOW_UPDATE frame with stream ID 0',
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => h2spec(conn).writeWindowUpdate(0, 1).writePing(false, pingData()), verifyPingFrameWithAck(pingData())),
  },
  {
    id: 'generic/3.9/2',
    title: 'Sends a WINDOW_UPDATE frame with stream ID 1',
    run: (conn, ctx) =>
      sendAndWatch(conn, ctx, () => {
        get(conn, ctx);
        h2spec(conn).writeWindowUpdate(1, 1);
      }, verifyHeadersFrame(1)),
  },

  // 3.10 CONTINUATION: the block cut after 5 octets (and 10).
  {
    id: 'generic/3.10/1',
    title: 'Sends a CONTINUATION frame',
    run: (conn, ctx) => {
      const h = h2spec(conn);
      const block = h.encodeHeaders(commonHeaders(ctx));
      return sendAndWatch(conn, ctx, () => h.writeHeaders({ streamId: 1, endStream: true, endHeaders: false, block: block.subarray(0, 5) }).writeContinuation(1, true, block.subarray(5)), verifyHeadersFrame(1));
    },
  },
  {
    id: 'generic/3.10/2',
    title: 'Sends multiple CONTINUATION frames',
    run: (conn, ctx) => {
      const h = h2spec(conn);
      const block = h.encodeHeaders(commonHeaders(ctx));
      return sendAndWatch(conn, ctx, () =>
        h.writeHeaders({ streamId: 1, endStream: true, endHeaders: false, block: block.subarray(0, 5) }).writeContinuation(1, false, block.subarray(5, 10)).writeContinuation(1, true, block.subarray(10)), verifyHeadersFrame(1));
    },
  },

  // 4. HTTP Message Exchanges
  {
    id: 'generic/4/1',
    title: 'Sends a GET request',
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => get(conn, ctx), verifyHeadersFrame(1)),
  },
  {
    id: 'generic/4/2',
    title: 'Sends a HEAD request',
    run: (conn, ctx) => {
      const h = h2spec(conn);
      return sendAndWatch(conn, ctx, () => h.writeHeaders({ streamId: 1, endStream: true, endHeaders: true, block: h.encodeHeaders(commonHeaders(ctx, 'HEAD')) }), verifyHeadersFrame(1));
    },
  },
  {
    id: 'generic/4/3',
    title: 'Sends a POST request',
    run: (conn, ctx) =>
      sendAndWatch(conn, ctx, () => {
        post(conn, ctx);
        h2spec(conn).writeData(1, true, 'test');
      }, verifyHeadersFrame(1)),
  },
  {
    id: 'generic/4/4',
    title: 'Sends a POST request with trailers',
    // §8.1: a trailer section is a second field block that ends the stream.
    run: (conn, ctx) => {
      const h = h2spec(conn);
      return sendAndWatch(conn, ctx, () => {
        post(conn, ctx, [['trailer', 'x-test']]);
        h.writeData(1, false, 'test').writeHeaders({ streamId: 1, endStream: true, endHeaders: true, block: h.encodeHeaders([['x-test', 'ok']]) });
      }, verifyHeadersFrame(1));
    },
  },
];

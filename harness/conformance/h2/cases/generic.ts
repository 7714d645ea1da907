import { ErrorCode, FrameFlag, FrameType, SettingId } from '../../../../server/http2/frames/constants.js';
import type { H2Case } from '../case.js';
import { pingAck, pingAckOrClose, response, settingsAck } from '../verify.js';
import { awaitStreamEnd, opaque, postFields, sendAndWatch } from './support.js';

/*
 * h2spec's "generic" group: ordinary use of every frame type and HTTP exchange; a conformant
 * server answers. Sections 1-4 here, 5 (HPACK representations) in generic-hpack.ts.
 */

const { DATA } = FrameType;
const { END_STREAM, PADDED } = FrameFlag;

export const GENERIC_CASES: H2Case[] = [
  {
    id: 'generic/1/1',
    title: 'Sends a client connection preface',
    handshake: false,
    run: (conn, ctx) =>
      sendAndWatch(conn, ctx, () => conn.client.preface(), {
        expected: 'SETTINGS frame',
        judge: (f) => (f.type === 'SETTINGS' && !f.ack ? true : f.type === 'GOAWAY' ? false : undefined),
        onClose: false,
      }),
  },

  // 2. Streams and Multiplexing
  {
    id: 'generic/2/1',
    title: 'Sends a PRIORITY frame on idle stream',
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => conn.client.priority(1, { exclusive: false, dependency: 0, weight: 256 }).headers(1, ctx.get(), { endStream: true }), response(1)),
  },
  {
    id: 'generic/2/2',
    title: 'Sends a WINDOW_UPDATE frame on half-closed (remote) stream',
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => conn.client.headers(1, ctx.get(), { endStream: true }).windowUpdate(1, 1), response(1)),
  },
  {
    id: 'generic/2/3',
    title: 'Sends a PRIORITY frame on half-closed (remote) stream',
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => conn.client.headers(1, ctx.get(), { endStream: true }).priority(1, { exclusive: false, dependency: 0, weight: 256 }), response(1)),
  },
  {
    id: 'generic/2/4',
    title: 'Sends a RST_STREAM frame on half-closed (remote) stream',
    // §5.1: RST_STREAM is allowed in half-closed (remote); the connection goes on.
    run: (conn, ctx) => {
      const data = opaque('g2-4');
      return sendAndWatch(conn, ctx, () => conn.client.headers(1, ctx.get(), { endStream: true }).rst(1, ErrorCode.CANCEL).ping(data), pingAck(data));
    },
  },
  {
    id: 'generic/2/5',
    title: 'Sends a PRIORITY frame on closed stream',
    // §5.1: PRIORITY may be sent on a closed stream; a new request is then answered as usual.
    run: async (conn, ctx) => {
      conn.client.headers(1, ctx.get(), { endStream: true });
      const notClosed = await awaitStreamEnd(conn, ctx, 1);
      if (notClosed !== null) return notClosed;
      return sendAndWatch(conn, ctx, () => conn.client.priority(1, { exclusive: false, dependency: 0, weight: 256 }).headers(3, ctx.get(), { endStream: true }), response(3));
    },
  },

  // 3.1 DATA
  {
    id: 'generic/3.1/1',
    title: 'Sends a DATA frame',
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => conn.client.headers(1, postFields(ctx, 4)).data(1, 'test', true), response(1)),
  },
  {
    id: 'generic/3.1/2',
    title: 'Sends multiple DATA frames',
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => conn.client.headers(1, postFields(ctx, 8)).data(1, 'test').data(1, 'test', true), response(1)),
  },
  {
    id: 'generic/3.1/3',
    title: 'Sends a DATA frame with padding',
    run: (conn, ctx) =>
      sendAndWatch(conn, ctx, () => conn.client.headers(1, postFields(ctx, 4)).frame(DATA, PADDED | END_STREAM, 1, Buffer.concat([Buffer.from([8]), Buffer.from('test'), Buffer.alloc(8)])), response(1)),
  },

  // 3.2 HEADERS
  {
    id: 'generic/3.2/1',
    title: 'Sends a HEADERS frame',
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => conn.client.headers(1, ctx.get(), { endStream: true }), response(1)),
  },
  {
    id: 'generic/3.2/2',
    title: 'Sends a HEADERS frame with padding',
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => conn.client.headers(1, ctx.get(), { endStream: true, padding: 8 }), response(1)),
  },
  {
    id: 'generic/3.2/3',
    title: 'Sends a HEADERS frame with priority',
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => conn.client.headers(1, ctx.get(), { endStream: true, priority: { exclusive: false, dependency: 0, weight: 255 } }), response(1)),
  },

  // 3.3 PRIORITY
  {
    id: 'generic/3.3/1',
    title: 'Sends a PRIORITY frame with priority 1',
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => conn.client.priority(1, { exclusive: false, dependency: 0, weight: 1 }).headers(1, ctx.get(), { endStream: true }), response(1)),
  },
  {
    id: 'generic/3.3/2',
    title: 'Sends a PRIORITY frame with priority 256',
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => conn.client.priority(1, { exclusive: false, dependency: 0, weight: 256 }).headers(1, ctx.get(), { endStream: true }), response(1)),
  },
  {
    id: 'generic/3.3/3',
    title: 'Sends a PRIORITY frame with stream dependency',
    run: (conn, ctx) =>
      sendAndWatch(conn, ctx, () => conn.client.headers(1, ctx.get(), { endStream: true }).priority(3, { exclusive: false, dependency: 1, weight: 16 }).headers(3, ctx.get(), { endStream: true }), response(3)),
  },
  {
    id: 'generic/3.3/4',
    title: 'Sends a PRIORITY frame with exclusive',
    run: (conn, ctx) =>
      sendAndWatch(conn, ctx, () => conn.client.headers(1, ctx.get(), { endStream: true }).priority(3, { exclusive: true, dependency: 1, weight: 16 }).headers(3, ctx.get(), { endStream: true }), response(3)),
  },
  {
    id: 'generic/3.3/5',
    title: 'Sends a PRIORITY frame for an idle stream, then send a HEADER frame for a lower stream ID',
    // PRIORITY does not open a stream (§5.1), so stream 1 is still idle and may be opened.
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => conn.client.priority(3, { exclusive: false, dependency: 0, weight: 16 }).headers(1, ctx.get(), { endStream: true }), response(1)),
  },

  // 3.4 RST_STREAM
  {
    id: 'generic/3.4/1',
    title: 'Sends a RST_STREAM frame',
    run: (conn, ctx) => {
      const data = opaque('g3.4-1');
      return sendAndWatch(conn, ctx, () => conn.client.headers(1, postFields(ctx, null)).rst(1, ErrorCode.CANCEL).ping(data), pingAck(data));
    },
  },

  // 3.5 SETTINGS
  {
    id: 'generic/3.5/1',
    title: 'Sends a SETTINGS frame',
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => conn.client.settings([[SettingId.MAX_CONCURRENT_STREAMS, 100], [SettingId.INITIAL_WINDOW_SIZE, 65_535]]), settingsAck()),
  },

  // 3.7 PING
  {
    id: 'generic/3.7/1',
    title: 'Sends a PING frame',
    run: (conn, ctx) => {
      const data = opaque('g3.7-1');
      return sendAndWatch(conn, ctx, () => conn.client.ping(data), pingAck(data));
    },
  },

  // 3.8 GOAWAY
  {
    id: 'generic/3.8/1',
    title: 'Sends a GOAWAY frame',
    // §6.8: after the peer's GOAWAY a server may still answer, or close once idle; not an error.
    run: (conn, ctx) => {
      const data = opaque('g3.8-1');
      return sendAndWatch(conn, ctx, () => conn.client.goaway(0, ErrorCode.NO_ERROR).ping(data), pingAckOrClose(data));
    },
  },

  // 3.9 WINDOW_UPDATE
  {
    id: 'generic/3.9/1',
    title: 'Sends a WINDOW_UPDATE frame with stream ID 0',
    run: (conn, ctx) => {
      const data = opaque('g3.9-1');
      return sendAndWatch(conn, ctx, () => conn.client.windowUpdate(0, 1).ping(data), pingAck(data));
    },
  },
  {
    id: 'generic/3.9/2',
    title: 'Sends a WINDOW_UPDATE frame with stream ID 1',
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => conn.client.headers(1, postFields(ctx, 4)).windowUpdate(1, 1).data(1, 'test', true), response(1)),
  },

  // 3.10 CONTINUATION
  {
    id: 'generic/3.10/1',
    title: 'Sends a CONTINUATION frame',
    run: (conn, ctx) => {
      const block = conn.client.encoder.encode(ctx.get());
      return sendAndWatch(conn, ctx, () => conn.client.headerBlock(1, block, { endStream: true, continuationBytes: Math.ceil(block.length / 2) }), response(1));
    },
  },
  {
    id: 'generic/3.10/2',
    title: 'Sends multiple CONTINUATION frames',
    run: (conn, ctx) => {
      const block = conn.client.encoder.encode(ctx.get());
      return sendAndWatch(conn, ctx, () => conn.client.headerBlock(1, block, { endStream: true, continuationBytes: Math.max(1, Math.ceil(block.length / 4)) }), response(1));
    },
  },

  // 4. HTTP Message Exchanges
  {
    id: 'generic/4/1',
    title: 'Sends a GET request',
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => conn.client.headers(1, ctx.get(), { endStream: true }), response(1)),
  },
  {
    id: 'generic/4/2',
    title: 'Sends a HEAD request',
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => conn.client.headers(1, ctx.request('HEAD', ctx.path), { endStream: true }), response(1)),
  },
  {
    id: 'generic/4/3',
    title: 'Sends a POST request',
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => conn.client.headers(1, postFields(ctx, 4)).data(1, 'test', true), response(1)),
  },
  {
    id: 'generic/4/4',
    title: 'Sends a POST request with trailers',
    // §8.1: a trailer section is a second field block that ends the stream.
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => conn.client.headers(1, postFields(ctx, 4)).data(1, 'test').headers(1, [['x-trailer', 'done']], { endStream: true }), response(1)),
  },
];

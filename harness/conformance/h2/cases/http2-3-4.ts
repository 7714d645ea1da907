import { ErrorCode, FrameFlag, FrameType } from '../../../../server/http2/frames/constants.js';
import { encodeFrame } from '../../../../server/http2/frames/frame-writer.js';
import type { CaseContext, H2Case } from '../case.js';
import { literal, plainBlock } from '../hpack-blocks.js';
import { connectionError, pingAck, response, streamError } from '../verify.js';
import { opaque, postFields, sendAndWatch, serverMaxFrameSize } from './support.js';

/* h2spec's http2/3 (starting HTTP/2) and http2/4 (frames: format, size, field blocks). */

const { HEADERS, PING, DATA } = FrameType;
const { END_STREAM, END_HEADERS } = FrameFlag;

/** A GET request's block padded with one literal field to exactly `size` octets. */
function blockOfSize(ctx: CaseContext, size: number): Buffer {
  const base = plainBlock(ctx.get());
  for (let value = Math.max(0, size - base.length - 16); ; value++) {
    const block = Buffer.concat([base, literal('without', 'x-dummy', 'a'.repeat(value), { newName: true })]);
    if (block.length === size) return block;
    if (block.length > size) throw new Error(`cannot pad a field block to ${size} octets`);
  }
}

export const HTTP2_3_4_CASES: H2Case[] = [
  // 3.5 HTTP/2 Connection Preface
  {
    id: 'http2/3.5/1',
    title: 'Sends client connection preface',
    handshake: false,
    // §3.4: "The server connection preface consists of a potentially empty SETTINGS frame that MUST be the first frame the server sends".
    run: (conn, ctx) => {
      let first = true;
      return sendAndWatch(conn, ctx, () => conn.client.preface(), {
        expected: 'SETTINGS frame as the first frame',
        judge: (f) => {
          const ok = first && f.type === 'SETTINGS' && !f.ack;
          first = false;
          return ok;
        },
        onClose: false,
      });
    },
  },
  {
    id: 'http2/3.5/2',
    title: 'Sends invalid connection preface',
    handshake: false,
    // §3.4: an invalid preface is a connection error of type PROTOCOL_ERROR, and "a GOAWAY frame
    // MAY be omitted in this case": even strict mode accepts a close without one. An answer that
    // is not HTTP/2 fails, as in h2spec, which reads it as a frame cut short ("unexpected EOF"):
    // a cleartext port that also serves HTTP/1.1 must not answer these bytes with a 400.
    run: (conn, ctx) => {
      const rule = connectionError(ErrorCode.PROTOCOL_ERROR);
      return sendAndWatch(conn, ctx, () => conn.client.raw(Buffer.from('INVALID CONNECTION PREFACE\r\n\r\n')), { ...rule, strict: { ...rule.strict, expected: 'GOAWAY frame (error code: PROTOCOL_ERROR) or the connection closed without one', onClose: true } });
    },
  },

  // 4.1 Frame Format
  {
    id: 'http2/4.1/1',
    title: 'Sends a frame with unknown type',
    // §4.1: "Implementations MUST ignore and discard frames of unknown types."
    run: (conn, ctx) => {
      const data = opaque('4.1-1');
      return sendAndWatch(conn, ctx, () => conn.client.frame(0x16, 0, 0, Buffer.from('unknown!')).ping(data), pingAck(data));
    },
  },
  {
    id: 'http2/4.1/2',
    title: 'Sends a frame with undefined flag',
    // §4.1: unused flags MUST be ignored on receipt. 0x16 leaves ACK (0x1) clear.
    run: (conn, ctx) => {
      const data = opaque('4.1-2');
      return sendAndWatch(conn, ctx, () => conn.client.frame(PING, 0x16, 0, data), pingAck(data));
    },
  },
  {
    id: 'http2/4.1/3',
    title: 'Sends a frame with reserved field bit',
    // §4.1: the reserved bit "MUST remain unset (0x0) when sending and MUST be ignored when receiving".
    run: (conn, ctx) => {
      const block = conn.client.encoder.encode(ctx.get());
      return sendAndWatch(conn, ctx, () => conn.client.raw(encodeFrame(HEADERS, END_STREAM | END_HEADERS, 0x8000_0001, block)), response(1));
    },
  },

  // 4.2 Frame Size
  {
    id: 'http2/4.2/1',
    title: 'Sends a DATA frame with 2^14 octets in length',
    // §4.2: every implementation MUST be capable of receiving frames up to 2^14 octets.
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => conn.client.headers(1, postFields(ctx, 16_384)).data(1, Buffer.alloc(16_384, 0x61), true), response(1)),
  },
  {
    id: 'http2/4.2/2',
    title: 'Sends a large size DATA frame that exceeds the SETTINGS_MAX_FRAME_SIZE',
    // §4.2: FRAME_SIZE_ERROR; a stream error is enough for DATA.
    run: (conn, ctx) =>
      sendAndWatch(conn, ctx, () => conn.client.headers(1, postFields(ctx, null)).raw(encodeFrame(DATA, 0, 1, Buffer.alloc(serverMaxFrameSize(ctx) + 1, 0x61))), streamError(1, ErrorCode.FRAME_SIZE_ERROR)),
  },
  {
    id: 'http2/4.2/3',
    title: 'Sends a large size HEADERS frame that exceeds the SETTINGS_MAX_FRAME_SIZE',
    // §4.2: a frame that can alter connection state (a field block) MUST be a connection error.
    run: (conn, ctx) =>
      sendAndWatch(conn, ctx, () => conn.client.raw(encodeFrame(HEADERS, END_STREAM | END_HEADERS, 1, blockOfSize(ctx, serverMaxFrameSize(ctx) + 1))), connectionError(ErrorCode.FRAME_SIZE_ERROR)),
  },

  // 4.3 Field Section Compression and Decompression
  {
    id: 'http2/4.3/1',
    title: 'Sends invalid header block fragment',
    // §4.3: a field block that cannot be decoded is a connection error of type COMPRESSION_ERROR.
    // Here: a literal whose value claims 10 octets and has 3.
    run: (conn, ctx) =>
      sendAndWatch(conn, ctx, () => conn.client.headerBlock(1, Buffer.concat([plainBlock(ctx.get()), Buffer.from([0x40, 0x01, 0x78, 0x0a, 0x61, 0x62, 0x63])]), { endStream: true }), connectionError(ErrorCode.COMPRESSION_ERROR)),
  },
  {
    id: 'http2/4.3/2',
    title: 'Sends a PRIORITY frame while sending the header blocks',
    // §4.3: a field block is a contiguous sequence of frames, with no frame of any other type or stream.
    run: (conn, ctx) =>
      sendAndWatch(conn, ctx, () => conn.client.headers(1, ctx.get(), { endStream: true, leaveOpen: true }).priority(1, { exclusive: false, dependency: 0, weight: 16 }), connectionError(ErrorCode.PROTOCOL_ERROR)),
  },
  {
    id: 'http2/4.3/3',
    title: 'Sends a HEADERS frame to another stream while sending the header blocks',
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => conn.client.headers(1, ctx.get(), { endStream: true, leaveOpen: true }).headers(3, ctx.get(), { endStream: true }), connectionError(ErrorCode.PROTOCOL_ERROR)),
  },
];

import { ErrorCode } from '../../../../server/http2/frames/constants.js';
import type { H2Case } from '../case.js';
import { commonHeaders, dummyBytes, dummyHeaders, h2spec, pingData } from '../h2spec-client.js';
import { verifyConnectionError, verifyEventType, verifyHeadersFrame, verifyPingFrameWithAck, verifyStreamError } from '../h2spec-verify.js';
import { firstFrameIsSettings, interruptFieldBlock, post, sendPreface, UNKNOWN_FRAME_HEADER } from './h2spec-support.js';
import { sendAndWatch, serverMaxFrameSize } from './support.js';

/* h2spec's http2/3 (starting HTTP/2) and http2/4 (frames: format, size, field blocks). */

const { COMPRESSION_ERROR, FRAME_SIZE_ERROR, PROTOCOL_ERROR } = ErrorCode;

export const HTTP2_3_4_CASES: H2Case[] = [
  // 3.5 HTTP/2 Connection Preface
  {
    id: 'http2/3.5/1',
    title: 'Sends client connection preface',
    handshake: false,
    // §3.4: "The server connection preface consists of a potentially empty SETTINGS frame that MUST be the first frame the server sends".
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => sendPreface(conn), firstFrameIsSettings),
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
      const rule = verifyConnectionError(PROTOCOL_ERROR);
      return sendAndWatch(conn, ctx, () => h2spec(conn).send('INVALID CONNECTION PREFACE\r\n\r\n'), { ...rule, strict: { ...rule.strict, expected: 'GOAWAY frame (error code: PROTOCOL_ERROR) or the connection closed without one', onClose: true } });
    },
  },

  // 4.1 Frame Format
  {
    id: 'http2/4.1/1',
    title: 'Sends a frame with unknown type',
    // §4.1: "Implementations MUST ignore and discard frames of unknown types."
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => h2spec(conn).send(UNKNOWN_FRAME_HEADER).send(Buffer.alloc(8)).writePing(false, pingData()), verifyPingFrameWithAck(pingData())),
  },
  {
    id: 'http2/4.1/2',
    title: 'Sends a frame with undefined flag',
    // §4.1: flags with no meaning for the type MUST be ignored: a PING with flags 0x16 (ACK clear)
    // is still a PING; h2spec asks for any PING frame back.
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => h2spec(conn).send('\x00\x00\x08\x06\x16\x00\x00\x00\x00').send(Buffer.alloc(8)), verifyEventType('PING')),
  },
  {
    id: 'http2/4.1/3',
    title: 'Sends a frame with reserved field bit',
    // §4.1: the reserved bit "MUST remain unset (0x0) when sending and MUST be ignored when
    // receiving": the same PING with R set in the stream identifier field (still stream 0).
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => h2spec(conn).send('\x00\x00\x08\x06\x16\x80\x00\x00\x00').send(Buffer.alloc(8)), verifyEventType('PING')),
  },

  // 4.2 Frame Size: frames up to SETTINGS_MAX_FRAME_SIZE are accepted, larger ones are FRAME_SIZE_ERROR.
  {
    id: 'http2/4.2/1',
    title: 'Sends a DATA frame with 2^14 octets in length',
    // §4.2: every implementation MUST be capable of receiving frames up to 2^14 octets; h2spec
    // sends one of the server's SETTINGS_MAX_FRAME_SIZE (2^14 unless it said otherwise).
    run: (conn, ctx) =>
      sendAndWatch(conn, ctx, () => {
        post(conn, ctx);
        h2spec(conn).writeData(1, true, dummyBytes(serverMaxFrameSize(ctx)));
      }, verifyHeadersFrame(1)),
  },
  {
    id: 'http2/4.2/2',
    title: 'Sends a large size DATA frame that exceeds the SETTINGS_MAX_FRAME_SIZE',
    // §4.2: FRAME_SIZE_ERROR; a stream error is enough for DATA.
    run: (conn, ctx) =>
      sendAndWatch(conn, ctx, () => {
        post(conn, ctx);
        h2spec(conn).writeData(1, true, dummyBytes(serverMaxFrameSize(ctx) + 1));
      }, verifyStreamError(FRAME_SIZE_ERROR)),
  },
  {
    id: 'http2/4.2/3',
    title: 'Sends a large size HEADERS frame that exceeds the SETTINGS_MAX_FRAME_SIZE',
    // §4.2: a frame that can alter connection state (a field block) MUST be a connection error.
    // h2spec's frame: the common fields and five 4000-octet dummy fields in one HEADERS frame
    // (about 17.5 KB once Huffman-coded: past the default 16,384).
    run: (conn, ctx) => {
      const h = h2spec(conn);
      return sendAndWatch(conn, ctx, () => h.writeHeaders({ streamId: 1, endStream: true, endHeaders: true, block: h.encodeHeaders([...commonHeaders(ctx), ...dummyHeaders(5)]) }), verifyConnectionError(FRAME_SIZE_ERROR));
    },
  },

  // 4.3 Field Section Compression and Decompression
  {
    id: 'http2/4.3/1',
    title: 'Sends invalid header block fragment',
    // §4.3: a field block that cannot be decoded is a connection error of type COMPRESSION_ERROR.
    // h2spec's frame: HEADERS of one octet, 0x40 (a literal with incremental indexing, cut off
    // before its name's length).
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => h2spec(conn).send('\x00\x00\x01\x01\x05\x00\x00\x00\x01\x40'), verifyConnectionError(COMPRESSION_ERROR)),
  },
  {
    id: 'http2/4.3/2',
    title: 'Sends a PRIORITY frame while sending the header blocks',
    // §4.3: a field block is a contiguous sequence of frames, with no frame of any other type or stream.
    run: interruptFieldBlock('priority'),
  },
  {
    id: 'http2/4.3/3',
    title: 'Sends a HEADERS frame to another stream while sending the header blocks',
    run: interruptFieldBlock('headers'),
  },
];

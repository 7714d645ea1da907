import { ErrorCode } from '../../../../server/http2/frames/constants.js';
import type { CaseContext, H2Case } from '../case.js';
import { commonHeaders, h2spec } from '../h2spec-client.js';
import { verifyConnectionError, verifyStreamError } from '../h2spec-verify.js';
import type { H2Conn } from '../target.js';
import { post } from './h2spec-support.js';
import { inBothOrders, sendAndWatch } from './support.js';

/*
 * h2spec's http2/8 (RFC 7540 §8; RFC 9113 §8): malformed requests are stream errors of type
 * PROTOCOL_ERROR (RFC 9113 §8.1.1); a server may answer first, but must reset the stream.
 */

const { PROTOCOL_ERROR } = ErrorCode;

type Fields = Array<[string, string]>;

/** A complete request on stream 1 whose fields are h2spec's CommonHeaders edited by `edit`; a stream PROTOCOL_ERROR expected. */
function malformed(id: string, title: string, edit: (fields: Fields) => Fields): H2Case {
  return {
    id,
    title,
    run: (conn, ctx) => {
      const h = h2spec(conn);
      return sendAndWatch(conn, ctx, () => h.writeHeaders({ streamId: 1, endStream: true, endHeaders: true, block: h.encodeHeaders(edit(commonHeaders(ctx))) }), verifyStreamError(PROTOCOL_ERROR));
    },
  };
}

/** CommonHeaders is [:method, :scheme, :path, :authority]: these keep the ones at `indexes`. */
const only = (...indexes: number[]) => (f: Fields): Fields => indexes.map((k) => f[k]!);
/** The field at `index` once more, appended last (after :authority), as h2spec appends it. */
const again = (index: number) => (f: Fields): Fields => [...f, [f[index]![0], f[index]![1]]];

/** A POST's HEADERS (no END_STREAM), then `rest`: a trailer section that is malformed (§8.1). */
function withTrailers(ctx: CaseContext, trailers: Fields, extra: Fields = []): [(c: H2Conn) => void, (c: H2Conn) => void] {
  return [
    (c) => post(c, ctx, extra),
    (c) => {
      const h = h2spec(c);
      h.writeData(1, false, 'test').writeHeaders({ streamId: 1, endStream: false, endHeaders: true, block: h.encodeHeaders(trailers) });
    },
  ];
}

export const HTTP2_8_CASES: H2Case[] = [
  // 8.1: a second field block on a stream is a trailer section and must carry END_STREAM.
  {
    id: 'http2/8.1/1',
    title: 'Sends a second HEADERS frame without the END_STREAM flag',
    run: (conn, ctx) => inBothOrders(conn, ctx, ...withTrailers(ctx, [['x-test', 'ok']]), verifyStreamError(PROTOCOL_ERROR)),
  },
  // 8.1.2 (RFC 9113 §8.2.1): field names MUST be lower case.
  malformed('http2/8.1.2/1', 'Sends a HEADERS frame that contains the header field name in uppercase letters', (f) => [...f, ['X-TEST', 'ok']]),
  // 8.1.2.1 (RFC 9113 §8.3): only the defined request pseudo-header fields, before regular fields, never in trailers.
  malformed('http2/8.1.2.1/1', 'Sends a HEADERS frame that contains a unknown pseudo-header field', (f) => [...f, [':test', 'ok']]),
  malformed('http2/8.1.2.1/2', 'Sends a HEADERS frame that contains the pseudo-header field defined for response', (f) => [...f, [':status', '200']]),
  {
    id: 'http2/8.1.2.1/3',
    title: 'Sends a HEADERS frame that contains a pseudo-header field as trailers',
    // h2spec's trailer block (:method POST) has no END_STREAM either.
    run: (conn, ctx) => inBothOrders(conn, ctx, ...withTrailers(ctx, [[':method', 'POST']]), verifyStreamError(PROTOCOL_ERROR)),
  },
  malformed('http2/8.1.2.1/4', 'Sends a HEADERS frame that contains a pseudo-header field that appears in a header block after a regular header field', (f) => [['x-test', 'ok'], ...f]),
  // 8.1.2.2 (RFC 9113 §8.2.2): connection-specific fields; TE only with "trailers".
  malformed('http2/8.1.2.2/1', 'Sends a HEADERS frame that contains the connection-specific header field', (f) => [...f, ['connection', 'keep-alive']]),
  malformed('http2/8.1.2.2/2', 'Sends a HEADERS frame that contains the TE header field with any value other than "trailers"', (f) => [...f, ['trailers', 'test'], ['te', 'trailers, deflate']]),
  // 8.1.2.3 (RFC 9113 §8.3.1): :method, :scheme and :path exactly once each, :path not empty.
  malformed('http2/8.1.2.3/1', 'Sends a HEADERS frame with empty ":path" pseudo-header field', (f) => f.map(([n, v]): [string, string] => [n, n === ':path' ? '' : v])),
  // h2spec's "omits :method" request omits :scheme as well (it encodes headers[1:] of [:scheme, :path, :authority]).
  malformed('http2/8.1.2.3/2', 'Sends a HEADERS frame that omits ":method" pseudo-header field', only(2, 3)),
  malformed('http2/8.1.2.3/3', 'Sends a HEADERS frame that omits ":scheme" pseudo-header field', only(0, 2, 3)),
  malformed('http2/8.1.2.3/4', 'Sends a HEADERS frame that omits ":path" pseudo-header field', only(0, 1, 3)),
  malformed('http2/8.1.2.3/5', 'Sends a HEADERS frame with duplicated ":method" pseudo-header field', again(0)),
  malformed('http2/8.1.2.3/6', 'Sends a HEADERS frame with duplicated ":scheme" pseudo-header field', again(1)),
  malformed('http2/8.1.2.3/7', 'Sends a HEADERS frame with duplicated ":path" pseudo-header field', again(2)),
  // 8.1.2.6 (RFC 9113 §8.1.1): content-length must equal the sum of the DATA payloads.
  {
    id: 'http2/8.1.2.6/1',
    title: 'Sends a HEADERS frame with the "content-length" header field which does not equal the DATA frame payload length',
    run: (conn, ctx) => inBothOrders(conn, ctx, (c) => post(c, ctx, [['content-length', '1']]), (c) => h2spec(c).writeData(1, true, 'test'), verifyStreamError(PROTOCOL_ERROR)),
  },
  {
    id: 'http2/8.1.2.6/2',
    title: 'Sends a HEADERS frame with the "content-length" header field which does not equal the sum of the multiple DATA frames payload length',
    run: (conn, ctx) => inBothOrders(conn, ctx, (c) => post(c, ctx, [['content-length', '1']]), (c) => h2spec(c).writeData(1, false, 'test').writeData(1, true, 'test'), verifyStreamError(PROTOCOL_ERROR)),
  },
  // 8.2 (RFC 9113 §8.4): "A client cannot push": a PUSH_PROMISE from it is a connection PROTOCOL_ERROR.
  // h2spec's: on stream 1 (never opened), promising stream 3, carrying a GET's fields.
  {
    id: 'http2/8.2/1',
    title: 'Sends a PUSH_PROMISE frame',
    run: (conn, ctx) => {
      const h = h2spec(conn);
      return sendAndWatch(conn, ctx, () => h.writePushPromise(1, 3, true, h.encodeHeaders(commonHeaders(ctx))), verifyConnectionError(PROTOCOL_ERROR));
    },
  },
];

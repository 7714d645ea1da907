import { ErrorCode, FrameFlag, FrameType } from '../../../../server/http2/frames/constants.js';
import type { CaseContext, H2Case } from '../case.js';
import { connectionError, streamError } from '../verify.js';
import { inBothOrders, postFields, sendAndWatch, u32 } from './support.js';

/*
 * h2spec's http2/8 (RFC 7540 §8; RFC 9113 §8): malformed requests are stream errors of type
 * PROTOCOL_ERROR (RFC 9113 §8.1.1); a server may answer first, but must reset the stream.
 */

const { PUSH_PROMISE } = FrameType;
const { END_HEADERS } = FrameFlag;
const { PROTOCOL_ERROR } = ErrorCode;

/** A GET request edited by `edit`, sent complete on stream 1; a stream PROTOCOL_ERROR expected. */
function malformed(id: string, title: string, edit: (fields: Array<[string, string]>, ctx: CaseContext) => Array<[string, string]>): H2Case {
  return {
    id,
    title,
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => conn.client.headers(1, edit(ctx.get(), ctx), { endStream: true }), streamError(1, PROTOCOL_ERROR)),
  };
}

const pseudo = (fields: Array<[string, string]>) => fields.filter(([n]) => n.startsWith(':'));
const without = (name: string) => (fields: Array<[string, string]>) => fields.filter(([n]) => n !== name);
/** The field `name` twice, the copy right after the first, among the pseudo-header fields. */
const twice = (name: string) => (fields: Array<[string, string]>) => fields.flatMap((f): Array<[string, string]> => (f[0] === name ? [f, [f[0], f[1]]] : [f]));

export const HTTP2_8_CASES: H2Case[] = [
  // 8.1: a second field block on a stream is a trailer section and must carry END_STREAM.
  {
    id: 'http2/8.1/1',
    title: 'Sends a second HEADERS frame without the END_STREAM flag',
    run: (conn, ctx) => inBothOrders(conn, ctx, (c) => c.client.headers(1, postFields(ctx, null)), (c) => c.client.data(1, 'test').headers(1, [['x-test', 'ok']]), streamError(1, PROTOCOL_ERROR)),
  },
  // 8.1.2 (RFC 9113 §8.2.1): field names MUST be lower case.
  malformed('http2/8.1.2/1', 'Sends a HEADERS frame that contains the header field name in uppercase letters', (f) => [...f, ['X-TEST', 'ok']]),
  // 8.1.2.1 (RFC 9113 §8.3): only the defined request pseudo-header fields, before regular fields, never in trailers.
  malformed('http2/8.1.2.1/1', 'Sends a HEADERS frame that contains a unknown pseudo-header field', (f) => [...pseudo(f), [':test', 'ok'], ...f.filter(([n]) => !n.startsWith(':'))]),
  malformed('http2/8.1.2.1/2', 'Sends a HEADERS frame that contains the pseudo-header field defined for response', (f) => [...pseudo(f), [':status', '200'], ...f.filter(([n]) => !n.startsWith(':'))]),
  {
    id: 'http2/8.1.2.1/3',
    title: 'Sends a HEADERS frame that contains a pseudo-header field as trailers',
    run: (conn, ctx) => inBothOrders(conn, ctx, (c) => c.client.headers(1, postFields(ctx, null)), (c) => c.client.data(1, 'test').headers(1, [[':method', 'POST']], { endStream: true }), streamError(1, PROTOCOL_ERROR)),
  },
  malformed('http2/8.1.2.1/4', 'Sends a HEADERS frame that contains a pseudo-header field that appears in a header block after a regular header field', (f) => [
    ...f.filter(([n]) => n !== ':authority'),
    ['x-test', 'ok'],
    [':authority', f.find(([n]) => n === ':authority')?.[1] ?? 'localhost'],
  ]),
  // 8.1.2.2 (RFC 9113 §8.2.2): connection-specific fields; TE only with "trailers".
  malformed('http2/8.1.2.2/1', 'Sends a HEADERS frame that contains the connection-specific header field', (f) => [...f, ['connection', 'keep-alive']]),
  malformed('http2/8.1.2.2/2', 'Sends a HEADERS frame that contains the TE header field with any value other than "trailers"', (f) => [...f, ['te', 'trailers, deflate']]),
  // 8.1.2.3 (RFC 9113 §8.3.1): :method, :scheme and :path exactly once each, :path not empty.
  malformed('http2/8.1.2.3/1', 'Sends a HEADERS frame with empty ":path" pseudo-header field', (f) => f.map(([n, v]): [string, string] => [n, n === ':path' ? '' : v])),
  malformed('http2/8.1.2.3/2', 'Sends a HEADERS frame that omits ":method" pseudo-header field', without(':method')),
  malformed('http2/8.1.2.3/3', 'Sends a HEADERS frame that omits ":scheme" pseudo-header field', without(':scheme')),
  malformed('http2/8.1.2.3/4', 'Sends a HEADERS frame that omits ":path" pseudo-header field', without(':path')),
  malformed('http2/8.1.2.3/5', 'Sends a HEADERS frame with duplicated ":method" pseudo-header field', twice(':method')),
  malformed('http2/8.1.2.3/6', 'Sends a HEADERS frame with duplicated ":scheme" pseudo-header field', twice(':scheme')),
  malformed('http2/8.1.2.3/7', 'Sends a HEADERS frame with duplicated ":path" pseudo-header field', twice(':path')),
  // 8.1.2.6 (RFC 9113 §8.1.1): content-length must equal the sum of the DATA payloads.
  {
    id: 'http2/8.1.2.6/1',
    title: 'Sends a HEADERS frame with the "content-length" header field which does not equal the DATA frame payload length',
    run: (conn, ctx) => inBothOrders(conn, ctx, (c) => c.client.headers(1, postFields(ctx, 1)), (c) => c.client.data(1, 'test', true), streamError(1, PROTOCOL_ERROR)),
  },
  {
    id: 'http2/8.1.2.6/2',
    title: 'Sends a HEADERS frame with the "content-length" header field which does not equal the sum of the multiple DATA frames payload length',
    run: (conn, ctx) => inBothOrders(conn, ctx, (c) => c.client.headers(1, postFields(ctx, 1)), (c) => c.client.data(1, 'test').data(1, 'test', true), streamError(1, PROTOCOL_ERROR)),
  },
  // 8.2 (RFC 9113 §8.4): "A client cannot push": a PUSH_PROMISE from it is a connection PROTOCOL_ERROR.
  {
    id: 'http2/8.2/1',
    title: 'Sends a PUSH_PROMISE frame',
    run: (conn, ctx) =>
      sendAndWatch(conn, ctx, () => conn.client.headers(1, postFields(ctx, null)).frame(PUSH_PROMISE, END_HEADERS, 1, Buffer.concat([u32(2), conn.client.encoder.encode(ctx.get())])), connectionError(PROTOCOL_ERROR)),
  },
];

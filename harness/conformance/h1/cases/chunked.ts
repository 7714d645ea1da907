import type { H1Case } from '../case.js';
import { readsAs, rejectOrRead } from '../verify.js';
import { post } from './support.js';

const TE = 'Transfer-Encoding: chunked\r\n';

/**
 * RFC 9112 §7: the chunked transfer coding, read as the grammar says. Every case here is a valid
 * request: the server must read it (a server that refuses valid input fails too); the malformed
 * chunk lines are in smuggling/chunk-size.
 */
export const CHUNKED_CASES: readonly H1Case[] = [
  {
    id: 'h1/chunked/1',
    title: 'Two chunks (5 and 6 octets) and the last chunk: content "hello world" (RFC 9112 §7.1)',
    run: (conn, ctx) => readsAs(conn, ctx, post(ctx, TE, '5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n'), 'hello world', 'the chunked POST'),
  },
  {
    id: 'h1/chunked/2',
    title: 'Chunk sizes in upper and lower case hex with leading zeros (00A, b) (RFC 9112 §7.1: chunk-size = 1*HEXDIG)',
    run: (conn, ctx) => readsAs(conn, ctx, post(ctx, TE, '00A\r\n0123456789\r\nb\r\nabcdefghijk\r\n0\r\n\r\n'), '0123456789abcdefghijk', 'the chunked POST'),
  },
  {
    id: 'h1/chunked/3',
    title: 'Chunk extensions, token and quoted-string values: ignored (RFC 9112 §7.1.1: a recipient MUST ignore unrecognized extensions)',
    run: (conn, ctx) => readsAs(conn, ctx, post(ctx, TE, '5;name=value\r\nhello\r\n6;flag;q="a \\"quoted\\" b"\r\n world\r\n0\r\n\r\n'), 'hello world', 'the chunked POST'),
  },
  {
    id: 'h1/chunked/4',
    title: 'Chunk extension with whitespace before the semicolon (5 ;a=b): ignored (RFC 9112 §7.1.1 BWS; RFC 9110 §5.6.3: a recipient MUST parse and remove BWS)',
    run: (conn, ctx) => readsAs(conn, ctx, post(ctx, TE, '5 ;a=b\r\nhello\r\n0\r\n\r\n'), 'hello', 'the chunked POST'),
  },
  {
    id: 'h1/chunked/5',
    title: 'Trailer section after the last chunk: not content, and the GET behind it still a request (RFC 9112 §7.1.2)',
    run: (conn, ctx) => readsAs(conn, ctx, post(ctx, TE, '5\r\nhello\r\n0\r\nChecksum: 1234\r\nX-Done: yes\r\n\r\n'), 'hello', 'the chunked POST'),
  },
  {
    id: 'h1/chunked/6',
    title: 'Content-Length in the trailer section does not change the framing (RFC 9110 §6.5.1: framing fields are not allowed in trailers)',
    // A server may refuse the message (and close), or drop the field; it must not read 50 more octets.
    run: (conn, ctx) => rejectOrRead(conn, ctx, post(ctx, TE, '5\r\nhello\r\n0\r\nContent-Length: 50\r\n\r\n'), { body: 'hello', as: 'by the chunked coding (the trailer field ignored)' }),
  },
  {
    id: 'h1/chunked/7',
    title: 'Transfer-Encoding: Chunked (transfer-coding names are case-insensitive, RFC 9112 §7)',
    run: (conn, ctx) => readsAs(conn, ctx, post(ctx, 'Transfer-Encoding: Chunked\r\n', '5\r\nhello\r\n0\r\n\r\n'), 'hello', 'the chunked POST'),
  },
  {
    id: 'h1/chunked/8',
    title: 'Transfer-Encoding: chunked, (an empty list element): chunked (RFC 9110 §5.6.1.2: a recipient MUST ignore empty list elements)',
    run: (conn, ctx) => readsAs(conn, ctx, post(ctx, 'Transfer-Encoding: chunked,\r\n', '5\r\nhello\r\n0\r\n\r\n'), 'hello', 'the chunked POST'),
  },
  {
    id: 'h1/chunked/9',
    title: 'Each chunk in its own write, the chunk-size line split from its data (RFC 9112 §7.1)',
    run: (conn, ctx) => readsAs(conn, ctx, [post(ctx, TE, ''), '5\r\n', 'hello\r\n', '6\r\n wor', 'ld\r\n', '0\r\n', '\r\n'], 'hello world', 'the chunked POST'),
  },
  {
    id: 'h1/chunked/10',
    title: 'Only the last chunk, with an extension (0;done=1): empty content (RFC 9112 §7.1)',
    run: (conn, ctx) => readsAs(conn, ctx, post(ctx, TE, '0;done=1\r\n\r\n'), '', 'the chunked POST'),
  },
];

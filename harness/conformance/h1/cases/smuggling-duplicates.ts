import type { H1Case } from '../case.js';
import { mustRejectAndClose, rejectOrRead, statusIs } from '../verify.js';
import { post } from './support.js';

/**
 * Repeated framing and routing fields: two parsers that pick different lines route or frame the
 * same bytes differently.
 * - Host (RFC 9112 §3.2): "A server MUST respond with a 400 (Bad Request) status code to [...]
 *   any request message that contains more than one Host header field line", equal or not.
 * - Content-Length (RFC 9112 §6.3 rule 5, RFC 9110 §8.6): differing values are an unrecoverable
 *   error (400, then close); identical ones, repeated or as a list, MAY be read as one value.
 */
export const DUPLICATE_CASES: readonly H1Case[] = [
  {
    id: 'smuggling/duplicates/1',
    title: 'Two Host lines with different values: 400 (RFC 9112 §3.2 MUST)',
    run: (conn, ctx) => statusIs(conn, ctx, `GET ${ctx.path} HTTP/1.1\r\nHost: ${ctx.authority}\r\nHost: other.test\r\n\r\n`, (s) => s === 400, '400 Bad Request'),
  },
  {
    id: 'smuggling/duplicates/2',
    title: 'Two Host lines with the same value: 400 (RFC 9112 §3.2 MUST: more than one Host field line)',
    run: (conn, ctx) => statusIs(conn, ctx, `GET ${ctx.path} HTTP/1.1\r\nHost: ${ctx.authority}\r\nHost: ${ctx.authority}\r\n\r\n`, (s) => s === 400, '400 Bad Request'),
  },
  {
    id: 'smuggling/duplicates/3',
    title: 'Two Content-Length lines with different values (3, 5): 400, then closed (RFC 9112 §6.3 MUST)',
    run: (conn, ctx) => mustRejectAndClose(conn, ctx, post(ctx, 'Content-Length: 3\r\nContent-Length: 5\r\n', 'hello'), [400], '400, then the connection closed, nothing answered after it'),
  },
  {
    id: 'smuggling/duplicates/4',
    title: 'Content-Length: 5, 3 (a list of different values): 400, then closed (RFC 9112 §6.3 MUST)',
    run: (conn, ctx) => mustRejectAndClose(conn, ctx, post(ctx, 'Content-Length: 5, 3\r\n', 'hello'), [400], '400, then the connection closed, nothing answered after it'),
  },
  {
    id: 'smuggling/duplicates/5',
    title: 'Two identical Content-Length: 5 lines: read as 5, or refused and closed (RFC 9110 §8.6 MAY)',
    run: (conn, ctx) => rejectOrRead(conn, ctx, post(ctx, 'Content-Length: 5\r\nContent-Length: 5\r\n', 'hello'), { body: 'hello', as: 'as Content-Length: 5' }),
  },
  {
    id: 'smuggling/duplicates/6',
    title: 'Content-Length: 5, 5 (a list of identical values): read as 5, or refused and closed (RFC 9110 §8.6 MAY)',
    run: (conn, ctx) => rejectOrRead(conn, ctx, post(ctx, 'Content-Length: 5, 5\r\n', 'hello'), { body: 'hello', as: 'as Content-Length: 5' }),
  },
];

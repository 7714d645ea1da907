import type { H1Case, H1CaseContext } from '../case.js';
import type { H1Conn } from '../target.js';
import { mustRejectAndClose, observe, rejectOrRead, statusIs, verdict } from '../verify.js';
import { host, post } from './support.js';

/** Write `bytes` and half-close: the server sees a message cut off by the end of input. */
async function truncated(conn: H1Conn, ctx: H1CaseContext, bytes: string) {
  const from = conn.received.length;
  await conn.write(bytes);
  conn.end();
  const o = await observe(conn, ctx, { from, done: (x) => x.closed });
  // RFC 9112 §8: the server MAY send an error before closing; it must not act on half a request.
  return verdict(o.unparseable === null && o.closed && o.finals.every((r) => r.status >= 400), 'the connection closed, with a 4xx before it or nothing (never a 2xx)', o);
}

/**
 * Error statuses, and when the connection must close. A malformed field line or request-line
 * leaves the server unable to know where the message ends, so the pass rule asks for the 400 and
 * the close that RFC 9112 §2.2 recommends ("SHOULD respond with a 400 (Bad Request) response and
 * close the connection"), treated as required.
 */
export const ERROR_CASES: readonly H1Case[] = [
  {
    id: 'h1/errors/1',
    title: 'Unknown method (BREW): refused with 501 (RFC 9110 §9.1 SHOULD), 405 or 400; never served',
    run: (conn, ctx) => statusIs(conn, ctx, `BREW ${ctx.path} HTTP/1.1\r\n${host(ctx)}\r\n`, (s) => s === 501 || s === 405 || s === 400, '501 Not Implemented (or 405, or 400)'),
  },
  {
    id: 'h1/errors/2',
    title: 'Lowercase method (get) is not GET: refused with 501, 405 or 400 (RFC 9110 §9.1: methods are case-sensitive)',
    run: (conn, ctx) => statusIs(conn, ctx, `get ${ctx.path} HTTP/1.1\r\n${host(ctx)}\r\n`, (s) => s === 501 || s === 405 || s === 400, '501 Not Implemented (or 405, or 400)'),
  },
  {
    id: 'h1/errors/3',
    title: 'Content cut short (Content-Length: 10, 3 octets, then FIN): no 2xx; a 400 or just the close (RFC 9112 §8)',
    run: (conn, ctx) => truncated(conn, ctx, post(ctx, 'Content-Length: 10\r\n', 'hel')),
  },
  {
    id: 'h1/errors/4',
    title: 'Header section cut short, then FIN: no 2xx; a 400 or just the close (RFC 9112 §8)',
    run: (conn, ctx) => truncated(conn, ctx, `GET ${ctx.path} HTTP/1.1\r\n${host(ctx)}X-Incomplete: y`),
  },
  {
    id: 'h1/errors/5',
    title: 'A 32 KiB field line: 431 (or 400) and closed, or served if the server takes it (RFC 9110 §15.5.20; RFC 6585 §5)',
    run: (conn, ctx) => rejectOrRead(conn, ctx, `GET ${ctx.path} HTTP/1.1\r\n${host(ctx)}X-Large: ${'a'.repeat(32 * 1024)}\r\n\r\n`, { as: 'as a GET (the server allows large header sections)' }),
  },
  {
    id: 'h1/errors/6',
    title: 'Field name with a delimiter (X(A): 1): 400, then closed (RFC 9110 §5.1: field-name = token; RFC 9112 §2.2)',
    run: (conn, ctx) => mustRejectAndClose(conn, ctx, `GET ${ctx.path} HTTP/1.1\r\n${host(ctx)}X(A): 1\r\n\r\n`, [400]),
  },
  {
    id: 'h1/errors/7',
    title: 'Field line without a colon: 400, then closed (RFC 9112 §5; §2.2)',
    run: (conn, ctx) => mustRejectAndClose(conn, ctx, `GET ${ctx.path} HTTP/1.1\r\n${host(ctx)}NoColon\r\n\r\n`, [400]),
  },
  {
    id: 'h1/errors/8',
    title: 'Empty field name (": value"): 400, then closed (RFC 9110 §5.1; RFC 9112 §2.2)',
    run: (conn, ctx) => mustRejectAndClose(conn, ctx, `GET ${ctx.path} HTTP/1.1\r\n${host(ctx)}: value\r\n\r\n`, [400]),
  },
];

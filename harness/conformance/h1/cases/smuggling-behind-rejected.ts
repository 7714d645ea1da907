import type { H1Case } from '../case.js';
import { exchange, followUp, isErrorStatus, mustRejectAndClose, observe, REJECT_AND_CLOSE, rejectedAndClosed, verdict } from '../verify.js';
import { host, post, smuggled } from './support.js';

/**
 * Bytes pipelined behind a request the server refused. Once a server has answered a malformed
 * message with an error it does not know where that message ends, so nothing after it may be
 * read as a request (RFC 9112 §2.2: "respond with a 400 (Bad Request) response and close the
 * connection"; for framing errors §6.3 makes the close a MUST). A server that goes on parsing
 * answers the request hidden behind (the missing path's 404).
 */
export const BEHIND_REJECTED_CASES: readonly H1Case[] = [
  {
    id: 'smuggling/behind-rejected/1',
    title: 'A request refused for a bad field name, a request right behind it in the same write: only the 400, then closed (RFC 9112 §2.2)',
    run: (conn, ctx) => mustRejectAndClose(conn, ctx, `GET ${ctx.path} HTTP/1.1\r\n${host(ctx)}Bad Name: x\r\n\r\n${smuggled(ctx)}`, [400]),
  },
  {
    id: 'smuggling/behind-rejected/2',
    title: 'A chunked request refused for its chunk size, a request right behind the bad line: only the error, then closed (RFC 9112 §7.1, §2.2)',
    run: (conn, ctx) => mustRejectAndClose(conn, ctx, post(ctx, 'Transfer-Encoding: chunked\r\n', `zz\r\n${smuggled(ctx)}`)),
  },
  {
    id: 'smuggling/behind-rejected/3',
    title: 'Content-Length of 10^12 with a request as the first octets of content: 413 and closed, or waited for; the request never answered (RFC 9110 §15.5.14)',
    async run(conn, ctx) {
      const o = await exchange(conn, ctx, post(ctx, 'Content-Length: 1000000000000\r\n', smuggled(ctx)) + followUp(ctx), 2);
      // A server that takes the length waits for a terabyte: no response yet, and nothing answered.
      const waiting = o.finals.length === 0 && !o.closed;
      return verdict(o.unparseable === null && (rejectedAndClosed(o) || waiting), `${REJECT_AND_CLOSE}; or no response while the server waits for the content`, o);
    },
  },
  {
    id: 'smuggling/behind-rejected/4',
    title: 'A request written after the server refused the one before: no response, the connection closed (RFC 9112 §2.2, §9.6)',
    async run(conn, ctx) {
      const first = await exchange(conn, ctx, `GET ${ctx.path} HTTP/1.1\r\n${host(ctx)}Bad Name: x\r\n\r\n`, 1);
      const expected = 'an error response, then the connection closed; the request sent after it never answered';
      if (first.finals.length !== 1 || !isErrorStatus(first.finals[0]!.status)) return verdict(false, expected, first);
      if (!first.closed) await conn.write(followUp(ctx));
      const o = await observe(conn, ctx, { done: (x) => x.closed || x.finals.length >= 2 });
      return verdict(rejectedAndClosed(o), expected, o);
    },
  },
];

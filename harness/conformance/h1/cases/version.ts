import type { H1Case } from '../case.js';
import { exchange, followUp, is2xx, mustRejectAndClose, verdict } from '../verify.js';
import { host } from './support.js';

/** RFC 9112 §2.3 (HTTP-version) and RFC 9110 §2.5 (protocol versioning). */
export const VERSION_CASES: readonly H1Case[] = [
  {
    id: 'h1/version/1',
    title: 'HTTP/1.2: served as HTTP/1.1 (RFC 9110 §2.5: a higher minor version SHOULD be processed as the highest one implemented; treated as required)',
    async run(conn, ctx) {
      // A future minor version is compatible by design: refusing it breaks what §2.5 promises.
      const o = await exchange(conn, ctx, `GET ${ctx.path} HTTP/1.2\r\n${host(ctx)}\r\n${followUp(ctx)}`, 2);
      return verdict(o.unparseable === null && is2xx(o.finals[0]) && (is2xx(o.finals[1]) || (o.finals.length === 1 && o.closed)), 'a 2xx response, as to HTTP/1.1, then the pipelined GET answered (or the connection closed)', o);
    },
  },
  {
    id: 'h1/version/2',
    title: 'HTTP/2.0 in a request-line on an HTTP/1.1 connection: 505 or 400, then closed (RFC 9110 §15.6.6; RFC 9112 §2.3)',
    run: (conn, ctx) => mustRejectAndClose(conn, ctx, `GET ${ctx.path} HTTP/2.0\r\n${host(ctx)}\r\n`, [505, 400], '505 HTTP Version Not Supported or 400, then the connection closed'),
  },
  {
    id: 'h1/version/3',
    title: 'Lowercase version (http/1.1): 400, then closed (RFC 9112 §2.3: HTTP-name is case-sensitive)',
    run: (conn, ctx) => mustRejectAndClose(conn, ctx, `GET ${ctx.path} http/1.1\r\n${host(ctx)}\r\n`, [400, 505]),
  },
  {
    id: 'h1/version/4',
    title: 'Two digits of minor version (HTTP/1.10): 400, then closed (RFC 9112 §2.3: HTTP-version = HTTP-name "/" DIGIT "." DIGIT)',
    run: (conn, ctx) => mustRejectAndClose(conn, ctx, `GET ${ctx.path} HTTP/1.10\r\n${host(ctx)}\r\n`, [400, 505]),
  },
  {
    id: 'h1/version/5',
    title: 'No version (an HTTP/0.9-style request-line): 400, then closed (RFC 9112 §3; §2.2)',
    run: (conn, ctx) => mustRejectAndClose(conn, ctx, `GET ${ctx.path}\r\n${host(ctx)}\r\n`, [400, 505]),
  },
];

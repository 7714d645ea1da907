import type { H1Case } from '../case.js';
import { exchange, is2xx, mustRejectAndClose, rejectOrRead, statusIs, verdict } from '../verify.js';
import { get, host } from './support.js';

/**
 * RFC 9112 §3 and §3.2: the request-line and the forms of request-target. "Recipients of an
 * invalid request-line SHOULD respond with either a 400 (Bad Request) error or a 301 (Moved
 * Permanently) redirect with the request-target properly encoded" (§3): treated as required,
 * since servers and intermediaries that guess differently where a broken target ends route the
 * same bytes to different resources. Where the octets also break the request-line's structure,
 * the connection must close too (§2.2: "SHOULD respond with a 400 (Bad Request) response and
 * close the connection", likewise treated as required).
 */
export const TARGET_CASES: readonly H1Case[] = [
  {
    id: 'h1/targets/1',
    title: 'absolute-form (http://host/path): answered as the origin-form request is (RFC 9112 §3.2.2: a server MUST accept it)',
    async run(conn, ctx) {
      const o = await exchange(conn, ctx, `${get(ctx)}GET http://${ctx.authority}${ctx.path} HTTP/1.1\r\n${host(ctx)}\r\n`, 2);
      const [a, b] = o.finals;
      return verdict(o.unparseable === null && is2xx(a) && is2xx(b) && a!.status === b!.status, 'the same 2xx status for GET <path> and GET http://<host><path>', o);
    },
  },
  {
    id: 'h1/targets/2',
    title: 'absolute-form whose authority differs from Host: served, Host ignored (RFC 9112 §3.2.2: MUST ignore Host)',
    run: (conn, ctx) => statusIs(conn, ctx, `GET http://${ctx.authority}${ctx.path} HTTP/1.1\r\nHost: other.test\r\n\r\n`, (s) => s >= 200 && s < 300, 'a 2xx response (the target names this server; Host is ignored)'),
  },
  {
    id: 'h1/targets/3',
    title: 'origin-form with a query (path?conformance=1): served (RFC 9112 §3.2.1)',
    run: (conn, ctx) => statusIs(conn, ctx, `GET ${ctx.path}?conformance=1 HTTP/1.1\r\n${host(ctx)}\r\n`, (s) => s >= 200 && s < 300, 'a 2xx response'),
  },
  {
    id: 'h1/targets/4',
    title: 'A fragment in the target (path#frag): 400 or 301 (RFC 9112 §3.2: no fragment in a request-target; §3 SHOULD treated as required)',
    run: (conn, ctx) => statusIs(conn, ctx, `GET ${ctx.path}#frag HTTP/1.1\r\n${host(ctx)}\r\n`, (s) => s === 400 || s === 301, '400 Bad Request or 301 Moved Permanently'),
  },
  {
    id: 'h1/targets/5',
    title: 'A space inside the target (/a b): 400 or 301, then closed (RFC 9112 §3, §2.2)',
    run: (conn, ctx) => mustRejectAndClose(conn, ctx, `GET ${ctx.path}a b HTTP/1.1\r\n${host(ctx)}\r\n`, [400, 301], '400 or 301, then the connection closed, nothing answered after it'),
  },
  {
    id: 'h1/targets/6',
    title: 'A raw octet above 0x7F in the target: 400 or 301, then closed (RFC 9112 §3.2; RFC 3986 §2)',
    run: (conn, ctx) => mustRejectAndClose(conn, ctx, `GET ${ctx.path}caf\xe9 HTTP/1.1\r\n${host(ctx)}\r\n`, [400, 301], '400 or 301, then the connection closed, nothing answered after it'),
  },
  {
    id: 'h1/targets/7',
    title: 'Two spaces between method and target: refused, or read on whitespace boundaries (RFC 9112 §3 MAY)',
    run: (conn, ctx) => rejectOrRead(conn, ctx, `GET  ${ctx.path} HTTP/1.1\r\n${host(ctx)}\r\n`, { as: 'as GET <path>' }),
  },
];

import type { H1Case, H1CaseContext } from '../case.js';
import { exchange, is2xx, statusIs, verdict } from '../verify.js';

/** The authority's host without its port, for building other Host values. */
function hostname(ctx: H1CaseContext): string {
  const a = ctx.authority;
  if (a.startsWith('[')) return a.slice(0, a.indexOf(']') + 1);
  const colon = a.lastIndexOf(':');
  return colon === -1 ? a : a.slice(0, colon);
}

/**
 * RFC 9112 §3.2: "A server MUST respond with a 400 (Bad Request) status code to any HTTP/1.1
 * request message that lacks a Host header field and to any request message that contains more
 * than one Host header field line or a Host header field with an invalid field value."
 * Host = uri-host [ ":" port ] (RFC 9110 §7.2), uri-host and port as RFC 3986 defines them.
 * Whether the connection stays open after the 400 is the server's choice; `actual` records it.
 * (Two Host lines are in smuggling/duplicates.)
 */
const mustBe400 = (id: string, title: string, request: (ctx: H1CaseContext) => string): H1Case => ({
  id,
  title,
  run: (conn, ctx) => statusIs(conn, ctx, request(ctx), (s) => s === 400, '400 Bad Request'),
});

export const HOST_CASES: readonly H1Case[] = [
  mustBe400('h1/host/1', 'HTTP/1.1 request without Host: 400 (RFC 9112 §3.2 MUST)', (ctx) => `GET ${ctx.path} HTTP/1.1\r\n\r\n`),
  mustBe400('h1/host/2', 'Host with a path (host/x): 400 (RFC 9112 §3.2 MUST, invalid value)', (ctx) => `GET ${ctx.path} HTTP/1.1\r\nHost: ${ctx.authority}/x\r\n\r\n`),
  mustBe400('h1/host/3', 'Host with userinfo (user@host): 400 (RFC 9112 §3.2 MUST; RFC 9110 §4.2.4)', (ctx) => `GET ${ctx.path} HTTP/1.1\r\nHost: user@${ctx.authority}\r\n\r\n`),
  mustBe400('h1/host/4', 'Host listing two hosts (host, other.test): 400 (RFC 9112 §3.2 MUST, invalid value)', (ctx) => `GET ${ctx.path} HTTP/1.1\r\nHost: ${ctx.authority}, other.test\r\n\r\n`),
  mustBe400('h1/host/5', 'Host with a non-numeric port (host:8o): 400 (RFC 9112 §3.2 MUST; RFC 3986 port = *DIGIT)', (ctx) => `GET ${ctx.path} HTTP/1.1\r\nHost: ${hostname(ctx)}:8o\r\n\r\n`),
  mustBe400('h1/host/6', 'Host with an unclosed IP-literal bracket ([::1): 400 (RFC 9112 §3.2 MUST; RFC 3986 §3.2.2 IP-literal)', (ctx) => `GET ${ctx.path} HTTP/1.1\r\nHost: [::1\r\n\r\n`),
  {
    id: 'h1/host/7',
    title: 'HTTP/1.0 request without Host: served (Host is required of HTTP/1.1 requests only, RFC 9112 §3.2)',
    async run(conn, ctx) {
      // Without keep-alive the server closes after answering (RFC 9112 §9.3), which ends the wait.
      const o = await exchange(conn, ctx, `GET ${ctx.path} HTTP/1.0\r\n\r\n`, 1, { done: (x) => x.closed });
      return verdict(o.unparseable === null && is2xx(o.finals[0]), 'a 2xx response', o);
    },
  },
  {
    id: 'h1/host/8',
    title: 'Host with an IPv6 literal and a port ([::1]:8080): accepted, not 400 (RFC 9110 §7.2; RFC 3986 §3.2.2)',
    run: (conn, ctx) => statusIs(conn, ctx, `GET ${ctx.path} HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n`, (s) => s !== 400, 'a response other than 400 (the value is valid; a server may still refuse to serve another host, e.g. 421)'),
  },
];

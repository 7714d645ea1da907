import type { H1Case } from '../case.js';
import { answered, exchange, followUp, is2xx, isErrorStatus, observe, readsAs, saysClose, verdict } from '../verify.js';
import { host, post } from './support.js';

/**
 * RFC 9110 §10.1.1, Expect: "Upon receiving an HTTP/1.1 (or later) request that has a method,
 * target URI, and complete header section that contains a 100-continue expectation and an
 * indication that request content will follow, an origin server MUST send either: an immediate
 * response with a final status code, if that status can be determined by examining just the
 * method, target URI, and header fields, or an immediate 100 (Continue) response [...]. The
 * origin server MUST NOT wait for the content before sending the 100 (Continue) response."
 */
export const EXPECT_CASES: readonly H1Case[] = [
  {
    id: 'h1/expect/1',
    title: 'Expect: 100-continue, header section only: 100 or a final status before any content, then the final response (RFC 9110 §10.1.1 MUST)',
    async run(conn, ctx) {
      const expected = '100 (Continue) or a final status before the content is sent; after the content, a final response';
      const head = await exchange(conn, ctx, post(ctx, 'Expect: 100-continue\r\nContent-Length: 5\r\n', ''), 1, { done: (x) => x.responses.length >= 1 });
      if (head.responses.length === 0) return verdict(false, expected, head);
      if (head.finals.length > 0) return verdict(head.unparseable === null, expected, head);
      // 100 came: send the content, then the final response must come.
      await conn.write('hello');
      const o = await observe(conn, ctx, { done: (x) => x.finals.length >= 1 });
      return verdict(o.unparseable === null && o.responses[0]!.status === 100 && answered(o.finals[0], ctx, 'hello'), expected, o, { bodies: [0] });
    },
  },
  {
    id: 'h1/expect/2',
    title: 'Expect: 100-continue with the content sent at once: one final response (a 100 before it is allowed), the GET behind answered (RFC 9110 §10.1.1)',
    run: (conn, ctx) => readsAs(conn, ctx, post(ctx, 'Expect: 100-continue\r\nContent-Length: 5\r\n', 'hello'), 'hello', 'the POST'),
  },
  {
    id: 'h1/expect/3',
    title: 'HTTP/1.0 request with Expect: 100-continue: no 100 (RFC 9110 §10.1.1: MUST ignore the expectation)',
    async run(conn, ctx) {
      const o = await exchange(conn, ctx, `POST ${ctx.postPath} HTTP/1.0\r\n${host(ctx)}Expect: 100-continue\r\nContent-Length: 5\r\n\r\nhello`, 1);
      const interim = o.responses.filter((r) => r.status < 200);
      return verdict(o.unparseable === null && interim.length === 0 && answered(o.finals[0], ctx, 'hello'), 'a final response and no 100 (Continue) before it', o, { bodies: ctx.echoPath !== null ? [0] : [] });
    },
  },
  {
    id: 'h1/expect/4',
    title: 'Expect: 200-ok (an expectation the server does not know): 417, or served; then the GET behind answered or the connection closed (RFC 9110 §10.1.1 MAY 417)',
    async run(conn, ctx) {
      const o = await exchange(conn, ctx, post(ctx, 'Expect: 200-ok\r\nContent-Length: 5\r\n', 'hello') + followUp(ctx), 2);
      const [first, second] = o.finals;
      const next = (o.finals.length === 2 && is2xx(second)) || (o.finals.length === 1 && o.closed);
      return verdict(o.unparseable === null && next && (first?.status === 417 || answered(first, ctx)), '417 Expectation Failed or a response to the POST; then the pipelined GET answered (2xx) or the connection closed (never the content read as a request)', o);
    },
  },
  {
    id: 'h1/expect/5',
    title: 'Expect: 100-continue for a missing resource: 404 early is fine, but then the server closes or reads the content (RFC 9110 §10.1.1)',
    async run(conn, ctx) {
      const expected = '100 then 404, or an immediate 404 followed by the close, or by the content being read (the GET sent after it answered 2xx)';
      const request = `POST ${ctx.missingPath} HTTP/1.1\r\n${host(ctx)}Expect: 100-continue\r\nContent-Length: 5\r\n\r\n`;
      const head = await exchange(conn, ctx, request, 1, { done: (x) => x.responses.length >= 1 });
      if (head.responses.length === 0) return verdict(false, expected, head);
      const early = head.finals[0];
      if (early !== undefined) {
        if (!isErrorStatus(early.status)) return verdict(false, expected, head);
        // A final status without the content read: the server closes (and should say so), or it
        // reads on; then the content and a GET must leave it in sync.
        const closes = await observe(conn, ctx, { done: (x) => x.closed, timeoutMs: saysClose(early) ? ctx.timeoutMs : Math.min(ctx.timeoutMs, 200) });
        if (closes.closed) return verdict(closes.unparseable === null && closes.finals.length === 1, expected, closes, { fields: ['connection'] });
      }
      await conn.write(`hello${followUp(ctx)}`);
      const o = await observe(conn, ctx, { done: (x) => x.finals.length >= 2 });
      return verdict(o.unparseable === null && o.finals.length === 2 && o.finals[0]!.status === 404 && is2xx(o.finals[1]), expected, o, { fields: ['connection'] });
    },
  },
];

import type { H1Case, H1CaseContext } from '../case.js';
import type { H1Conn } from '../target.js';
import { exchange, is2xx, observe, saysClose, verdict, type Observation } from '../verify.js';
import { get, host } from './support.js';

/** Send `request`, wait for the close: one 2xx, then closed, is the pass. */
async function answeredThenClosed(conn: H1Conn, ctx: H1CaseContext, request: string, expected: string): Promise<{ passed: boolean; o: Observation; expected: string }> {
  const o = await exchange(conn, ctx, request, 1, { done: (x) => x.closed || x.finals.length >= 2 });
  return { passed: o.unparseable === null && o.finals.length === 1 && is2xx(o.finals[0]) && o.closed, o, expected };
}

/** RFC 9112 §9.3 and §9.6: persistence, and when the server must close. */
export const KEEP_ALIVE_CASES: readonly H1Case[] = [
  {
    id: 'h1/keep-alive/1',
    title: 'A second request after the first response, on the same HTTP/1.1 connection: answered (RFC 9112 §9.3: persistent by default)',
    async run(conn, ctx) {
      const first = await exchange(conn, ctx, get(ctx), 1);
      if (first.finals.length !== 1 || saysClose(first.finals[0]) || first.closed) {
        // A server may close instead, as long as it says so (RFC 9112 §9.6).
        return verdict(is2xx(first.finals[0]) && saysClose(first.finals[0]), 'a 2xx response, then a 2xx response to a second request on the same connection', first, { fields: ['connection'] });
      }
      const o = await exchange(conn, ctx, get(ctx), 2, { from: 0 });
      return verdict(o.unparseable === null && is2xx(o.finals[0]) && is2xx(o.finals[1]), 'a 2xx response, then a 2xx response to a second request on the same connection', o);
    },
  },
  {
    id: 'h1/keep-alive/2',
    title: 'Connection: close: the response, then the server closes (RFC 9112 §9.6 MUST)',
    async run(conn, ctx) {
      const r = await answeredThenClosed(conn, ctx, get(ctx, 'Connection: close\r\n'), 'a 2xx response, then the connection closed');
      return verdict(r.passed, r.expected, r.o, { fields: ['connection'] });
    },
  },
  {
    id: 'h1/keep-alive/3',
    title: 'HTTP/1.0 without keep-alive: the response, then the server closes (RFC 9112 §9.3)',
    async run(conn, ctx) {
      const r = await answeredThenClosed(conn, ctx, `GET ${ctx.path} HTTP/1.0\r\n${host(ctx)}\r\n`, 'a 2xx response, then the connection closed');
      return verdict(r.passed, r.expected, r.o, { fields: ['connection'] });
    },
  },
  {
    id: 'h1/keep-alive/4',
    title: 'HTTP/1.0 with Connection: keep-alive: closed after the response, or kept with "keep-alive" in it and a second request answered (RFC 9112 §9.3, Appendix C.2.2)',
    async run(conn, ctx) {
      const request = `GET ${ctx.path} HTTP/1.0\r\n${host(ctx)}Connection: keep-alive\r\n\r\n`;
      const expected = 'a 2xx response; then either the connection closed, or the response said "Connection: keep-alive" and a second request was answered (2xx)';
      const keeps = (r: Observation['finals'][number] | undefined) => (r?.header('connection') ?? '').toLowerCase().split(',').some((t) => t.trim() === 'keep-alive');
      // Wait for the close too, unless the response says the connection persists.
      const o = await exchange(conn, ctx, request, 1, { done: (x) => x.closed || (x.finals.length >= 1 && keeps(x.finals[0])) });
      const first = o.finals[0];
      if (!is2xx(first) || o.closed || !keeps(first)) return verdict(is2xx(first) && o.closed && !keeps(first), expected, o, { fields: ['connection'] });
      const second = await exchange(conn, ctx, request, 2, { from: 0 });
      return verdict(second.unparseable === null && is2xx(second.finals[1]), expected, second, { fields: ['connection'] });
    },
  },
  {
    id: 'h1/keep-alive/5',
    title: 'Connection: close and a request pipelined behind it: the first answered, the second not, the connection closed (RFC 9112 §9.6: MUST NOT process further requests)',
    async run(conn, ctx) {
      const r = await answeredThenClosed(conn, ctx, `${get(ctx, 'Connection: close\r\n')}${get(ctx)}`, 'a 2xx response to the first request only, then the connection closed');
      return verdict(r.passed, r.expected, r.o, { fields: ['connection'] });
    },
  },
  {
    id: 'h1/keep-alive/6',
    title: 'HTTP/1.0 request and a request pipelined behind it: the first answered, then the connection closed (RFC 9112 §9.3, §9.6)',
    async run(conn, ctx) {
      const r = await answeredThenClosed(conn, ctx, `GET ${ctx.path} HTTP/1.0\r\n${host(ctx)}\r\n${get(ctx)}`, 'a 2xx response to the first request only, then the connection closed');
      return verdict(r.passed, r.expected, r.o, { fields: ['connection'] });
    },
  },
];

/** RFC 9112 §9.3.2: pipelining. */
export const PIPELINING_CASES: readonly H1Case[] = [
  {
    id: 'h1/pipelining/1',
    title: 'Three GETs in one write (path, missing path, path): 2xx, 404, 2xx in that order (RFC 9112 §9.3.2 MUST)',
    async run(conn, ctx) {
      const o = await exchange(conn, ctx, `${get(ctx)}GET ${ctx.missingPath} HTTP/1.1\r\n${host(ctx)}\r\n${get(ctx)}`, 3);
      const [a, b, c] = o.finals;
      return verdict(o.unparseable === null && o.finals.length === 3 && is2xx(a) && b!.status === 404 && is2xx(c), '2xx, then 404, then 2xx', o);
    },
  },
  {
    id: 'h1/pipelining/2',
    title: 'Three POSTs with different content in one write: each echoed, in order (RFC 9112 §9.3.2 MUST)',
    needsEcho: true,
    async run(conn, ctx) {
      const p = (content: string) => `POST ${ctx.postPath} HTTP/1.1\r\n${host(ctx)}Content-Length: ${content.length}\r\n\r\n${content}`;
      const o = await exchange(conn, ctx, p('one') + p('two!') + p('three'), 3);
      const bodies = o.finals.map((r) => r.body.toString('latin1'));
      return verdict(o.unparseable === null && o.finals.every(is2xx) && bodies.join('|') === 'one|two!|three', '2xx responses with content "one", "two!", "three", in that order', o, { bodies: [0, 1, 2] });
    },
  },
  {
    id: 'h1/pipelining/3',
    title: 'Two requests, then a half-close (FIN): both answered before the server closes (RFC 9112 §9.3.2, §9.6)',
    async run(conn, ctx) {
      const from = conn.received.length;
      await conn.write(`${get(ctx)}GET ${ctx.missingPath} HTTP/1.1\r\n${host(ctx)}\r\n`);
      conn.end();
      const o = await observe(conn, ctx, { from, done: (x) => x.closed });
      return verdict(o.unparseable === null && o.finals.length === 2 && is2xx(o.finals[0]) && o.finals[1]!.status === 404 && o.closed, '2xx, then 404, then the connection closed', o);
    },
  },
  {
    id: 'h1/pipelining/4',
    title: 'An empty line (CRLF) before a pipelined request is ignored (RFC 9112 §2.2 SHOULD, treated as required: clients send one after a POST)',
    async run(conn, ctx) {
      const o = await exchange(conn, ctx, `${get(ctx)}\r\n${get(ctx)}`, 2);
      return verdict(o.unparseable === null && is2xx(o.finals[0]) && is2xx(o.finals[1]), 'two 2xx responses', o);
    },
  },
];

import type { H1Case } from '../case.js';
import { exchange, followUp, is2xx, verdict } from '../verify.js';
import { get, host } from './support.js';

/** RFC 9110 §9.3.2 (HEAD) and §9.3.7 (OPTIONS), RFC 9112 §3.2.4 (asterisk-form). */
export const HEAD_OPTIONS_CASES: readonly H1Case[] = [
  {
    id: 'h1/head-options/1',
    title: 'HEAD with a GET pipelined behind: the HEAD response carries no content, both 2xx (RFC 9110 §9.3.2: MUST NOT send content)',
    async run(conn, ctx) {
      // Read as a HEAD response, any content the server sent shows up as bytes that are not the
      // GET's response.
      const o = await exchange(conn, ctx, `HEAD ${ctx.path} HTTP/1.1\r\n${host(ctx)}\r\n${get(ctx)}`, 2, { head: [true, false] });
      return verdict(o.unparseable === null && o.finals.length === 2 && is2xx(o.finals[0]) && is2xx(o.finals[1]), 'a 2xx response without content, then the GET\'s 2xx response', o);
    },
  },
  {
    id: 'h1/head-options/2',
    title: 'HEAD for a missing resource: 404 without content, then the pipelined GET answered (RFC 9110 §9.3.2)',
    async run(conn, ctx) {
      const o = await exchange(conn, ctx, `HEAD ${ctx.missingPath} HTTP/1.1\r\n${host(ctx)}\r\n${get(ctx)}`, 2, { head: [true, false] });
      return verdict(o.unparseable === null && o.finals.length === 2 && o.finals[0]!.status === 404 && is2xx(o.finals[1]), '404 without content, then the GET\'s 2xx response', o);
    },
  },
  {
    id: 'h1/head-options/3',
    title: 'OPTIONS * (asterisk-form): answered, not 400, and the pipelined GET answered (RFC 9112 §3.2.4; RFC 9110 §9.3.7)',
    async run(conn, ctx) {
      const o = await exchange(conn, ctx, `OPTIONS * HTTP/1.1\r\n${host(ctx)}\r\n${followUp(ctx)}`, 2);
      const first = o.finals[0];
      return verdict(o.unparseable === null && first !== undefined && first.status !== 400 && is2xx(o.finals[1]), 'a response other than 400 (a 2xx, typically with Allow), then the GET\'s 2xx response', o, { fields: ['allow'] });
    },
  },
];

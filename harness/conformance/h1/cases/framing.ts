import type { H1Case } from '../case.js';
import { answered, exchange, followUp, is2xx, readsAs, rejectOrRead, saysClose, verdict } from '../verify.js';
import { get, host, post, smuggled } from './support.js';

/** gzip("hello"), as node's zlib writes it (mtime 0, OS unknown): 25 octets. */
const GZIP_HELLO = Buffer.from('1f8b0800000000000003cb48cdc9c9070086a6103605000000', 'hex').toString('latin1');

/** RFC 9112 §6: how a request's content is delimited. */
export const FRAMING_CASES: readonly H1Case[] = [
  {
    id: 'h1/framing/1',
    title: 'Content-Length: 5 and 5 octets of content, a GET pipelined behind (RFC 9112 §6.3 rule 6)',
    run: (conn, ctx) => readsAs(conn, ctx, post(ctx, 'Content-Length: 5\r\n', 'hello'), 'hello', 'the POST'),
  },
  {
    id: 'h1/framing/2',
    title: 'Content-Length: 0, a GET pipelined behind: no content (RFC 9112 §6.3 rule 6)',
    run: (conn, ctx) => readsAs(conn, ctx, post(ctx, 'Content-Length: 0\r\n', ''), '', 'the POST'),
  },
  {
    id: 'h1/framing/3',
    title: 'POST with neither Content-Length nor Transfer-Encoding: no content (RFC 9112 §6.3 rule 7), or 411 (RFC 9110 §15.5.12)',
    async run(conn, ctx) {
      // Whatever follows the head is the next request; a server that waits for content, or that
      // reads the GET as content, fails.
      const o = await exchange(conn, ctx, post(ctx, '', '') + followUp(ctx), 2);
      const [first, second] = o.finals;
      const next = (o.finals.length === 2 && is2xx(second)) || (o.finals.length === 1 && o.closed);
      const passed = o.unparseable === null && next && (first?.status === 411 || answered(first, ctx, ''));
      return verdict(passed, 'the POST answered with no content read (or 411 Length Required), then the pipelined GET answered (2xx) or the connection closed', o, { bodies: ctx.echoPath !== null ? [0] : [] });
    },
  },
  {
    id: 'h1/framing/4',
    title: 'GET with Content-Length whose content is a request: content, not a request (RFC 9112 §6.3; RFC 9110 §9.3.1 allows refusing it)',
    run(conn, ctx) {
      const content = smuggled(ctx);
      return rejectOrRead(conn, ctx, `GET ${ctx.path} HTTP/1.1\r\n${host(ctx)}Content-Length: ${content.length}\r\n\r\n${content}`, { as: `by Content-Length (the ${content.length} octets are content)` });
    },
  },
  {
    id: 'h1/framing/5',
    title: 'Content-Length: 005 is 5 (RFC 9110 §8.6: Content-Length = 1*DIGIT)',
    run: (conn, ctx) => readsAs(conn, ctx, post(ctx, 'Content-Length: 005\r\n', 'hello'), 'hello', 'the POST'),
  },
  {
    id: 'h1/framing/6',
    title: 'Content-Length: 5 followed by HTAB (trailing OWS) is 5 (RFC 9112 §5; RFC 9110 §5.5: whitespace MUST be excluded)',
    run: (conn, ctx) => readsAs(conn, ctx, post(ctx, 'Content-Length: 5\t\r\n', 'hello'), 'hello', 'the POST'),
  },
  {
    id: 'h1/framing/7',
    title: 'The content arrives in a second write after the header section (RFC 9112 §6.3 rule 6)',
    run: (conn, ctx) => readsAs(conn, ctx, [post(ctx, 'Content-Length: 11\r\n', ''), 'hello world'], 'hello world', 'the POST'),
  },
  {
    id: 'h1/framing/8',
    title: 'Transfer-Encoding: gzip, chunked: decoded, or 501 if gzip is not implemented (RFC 9112 §6.1, §7; the SHOULD treated as required)',
    async run(conn, ctx) {
      // A transfer coding is the connection's business: content passed on still gzipped is the
      // wrong content. RFC 9112 §6.1 says a server that does not understand a coding SHOULD
      // answer 501; here 400 is accepted too, as a refusal. Without an echo path a server that
      // decodes cannot be told from one that passes the bytes on, so only a refusal or an echo
      // of "hello" counts as decoded.
      const o = await exchange(conn, ctx, post(ctx, 'Transfer-Encoding: gzip, chunked\r\n', `${GZIP_HELLO.length.toString(16)}\r\n${GZIP_HELLO}\r\n0\r\n\r\n`) + followUp(ctx), 2);
      const [first, second] = o.finals;
      const next = (o.finals.length === 2 && is2xx(second)) || (o.finals.length === 1 && o.closed);
      const refused = first !== undefined && (first.status === 501 || first.status === 400);
      const decoded = ctx.echoPath !== null && is2xx(first) && first!.body.toString('latin1') === 'hello';
      return verdict(o.unparseable === null && next && (refused || decoded), '501 Not Implemented (or 400), or the content decoded to "hello"; then the pipelined GET answered or the connection closed', o, { bodies: [0] });
    },
  },
  {
    id: 'h1/framing/9',
    title: 'Content-Length: 5 with a request pipelined in the same write right after the 5 octets (RFC 9112 §6.3 rule 6)',
    async run(conn, ctx) {
      // The content and the next request touch, with no delay between them: only the length separates them.
      const o = await exchange(conn, ctx, `${post(ctx, 'Content-Length: 5\r\n', 'hello')}${get(ctx)}${followUp(ctx)}`, 3);
      const passed = o.unparseable === null && answered(o.finals[0], ctx, 'hello') && is2xx(o.finals[1]) && (is2xx(o.finals[2]) || (o.finals.length === 2 && o.closed && saysClose(o.finals[1])));
      return verdict(passed, 'the POST answered (content "hello" when echoed), then both pipelined GETs answered (2xx)', o, { bodies: ctx.echoPath !== null ? [0] : [] });
    },
  },
];

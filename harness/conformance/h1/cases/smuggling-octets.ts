import type { H1Case, H1CaseContext } from '../case.js';
import { exchange, followUp, is2xx, isErrorStatus, mustRejectAndClose, readsAs, rejectOrRead, verdict } from '../verify.js';
import { host, post, smuggled } from './support.js';

/** A GET for the path with `fields` (each ending in CRLF) after Host. */
const getWith = (ctx: H1CaseContext, fields: string) => `GET ${ctx.path} HTTP/1.1\r\n${host(ctx)}${fields}\r\n`;

/** "0\r\n\r\n" then a request: empty to a chunked reader, all content to a Content-Length reader. */
const lastChunkThenRequest = (ctx: H1CaseContext) => `0\r\n\r\n${smuggled(ctx)}`;

/**
 * Octets that parsers disagree on. Where the RFC lets a recipient either refuse or read the
 * octet one precise way, both pass (the refusal with its close); any third reading fails:
 * - bare CR (RFC 9112 §2.2): "A recipient of such a bare CR MUST consider that element to be
 *   invalid or replace each bare CR with SP before processing the element";
 * - bare LF (RFC 9112 §2.2): "a recipient MAY recognize a single LF as a line terminator" in the
 *   start-line and field lines;
 * - NUL, CR, LF in a field value (RFC 9110 §5.5): "MUST either reject the message or replace each
 *   of those characters with SP"; other CTLs MAY be kept;
 * - obs-fold (RFC 9112 §5.2): a server "MUST either reject the message by sending a 400 (Bad
 *   Request) [...] or replace each received obs-fold with one or more SP octets";
 * - whitespace between the start-line and the first field (RFC 9112 §2.2): "MUST either reject
 *   the message as invalid or consume each whitespace-preceded line without further processing";
 * - whitespace between a field name and the colon (RFC 9112 §5.1): "A server MUST reject [...]
 *   with a response status code of 400";
 * - octets outside tchar in a field name (RFC 9110 §5.1): the line is not a field line: 400.
 * A refusal must close the connection (RFC 9112 §2.2's SHOULD treated as required): after a
 * header section it cannot parse, a server cannot know where the message ends.
 */
export const OCTET_CASES: readonly H1Case[] = [
  {
    id: 'smuggling/octets/1',
    title: 'A bare CR inside a field value (X-A: a<CR>b): refused, or the CR read as SP (RFC 9112 §2.2 MUST one of them)',
    run: (conn, ctx) => rejectOrRead(conn, ctx, getWith(ctx, 'X-A: a\rb\r\n'), { as: 'with the CR read as SP' }),
  },
  {
    id: 'smuggling/octets/2',
    title: 'A bare CR ending a field line, Transfer-Encoding: chunked after it, and Content-Length: refused, or read by Content-Length (RFC 9112 §2.2: the CR is not a line end)',
    run(conn, ctx) {
      const content = lastChunkThenRequest(ctx);
      return rejectOrRead(conn, ctx, post(ctx, `X-A: a\rTransfer-Encoding: chunked\r\nContent-Length: ${content.length}\r\n`, content), { body: content, as: 'by Content-Length (the CR read as SP, "Transfer-Encoding" part of X-A\'s value)' });
    },
  },
  {
    id: 'smuggling/octets/3',
    title: 'A bare CR in the request-line (GET /path<CR> HTTP/1.1): refused, or read as SP (RFC 9112 §2.2, §3)',
    run: (conn, ctx) => rejectOrRead(conn, ctx, `GET ${ctx.path}\r HTTP/1.1\r\n${host(ctx)}\r\n`, { as: 'as GET <path> (the CR read as SP)' }),
  },
  {
    id: 'smuggling/octets/4',
    title: 'A field line ended by a bare LF: refused, or the LF read as the line end (RFC 9112 §2.2 MAY)',
    run: (conn, ctx) => rejectOrRead(conn, ctx, `GET ${ctx.path} HTTP/1.1\r\n${host(ctx).slice(0, -2)}\nX-A: 1\r\n\r\n`, { as: 'with the LF as a line end' }),
  },
  {
    id: 'smuggling/octets/5',
    title: 'The request-line ended by a bare LF: refused, or the LF read as the line end (RFC 9112 §2.2 MAY)',
    run: (conn, ctx) => rejectOrRead(conn, ctx, `GET ${ctx.path} HTTP/1.1\n${host(ctx)}\r\n`, { as: 'with the LF as a line end' }),
  },
  {
    id: 'smuggling/octets/6',
    title: 'The header section ended by CRLF LF: refused, or the LF read as the empty line (RFC 9112 §2.2 MAY)',
    run: (conn, ctx) => rejectOrRead(conn, ctx, `GET ${ctx.path} HTTP/1.1\r\n${host(ctx)}\n`, { as: 'with the LF as the empty line' }),
  },
  {
    id: 'smuggling/octets/7',
    title: 'The header section "ended" by CRLF CR and a request (\\r\\n\\rGET ...): refused, then closed; the request never answered (RFC 9112 §2.2; CVE-2025-23167)',
    // The line after Host is "<CR>GET /missing HTTP/1.1": a bare CR (invalid, or SP: then an
    // obs-fold of Host, whose value becomes invalid). A parser that ends the head at CRLF CR
    // answers the hidden GET.
    // (Read with the CR as SP, the head ends after the hidden request's Host line, with two Host
    // fields: a 400 that keeps the connection and answers the GET behind is right too.)
    async run(conn, ctx) {
      const o = await exchange(conn, ctx, `GET ${ctx.path} HTTP/1.1\r\n${host(ctx)}\r${smuggled(ctx)}${followUp(ctx)}`, 2);
      const [first, second] = o.finals;
      const passed = o.unparseable === null && isErrorStatus(first?.status ?? 0) && first!.status !== 404 && ((o.finals.length === 1 && o.closed) || (o.finals.length === 2 && is2xx(second)));
      return verdict(passed, 'an error response (not the hidden request\'s 404), then the connection closed or the pipelined GET answered (2xx)', o);
    },
  },
  {
    id: 'smuggling/octets/8',
    title: 'NUL in a field value: refused, or the NUL read as SP (RFC 9110 §5.5 MUST one of them)',
    run: (conn, ctx) => rejectOrRead(conn, ctx, getWith(ctx, 'X-A: a\x00b\r\n'), { as: 'with the NUL read as SP' }),
  },
  {
    id: 'smuggling/octets/9',
    title: 'NUL in a field name: 400, then closed (RFC 9110 §5.1: field-name = token)',
    run: (conn, ctx) => mustRejectAndClose(conn, ctx, getWith(ctx, 'X-\x00A: 1\r\n'), [400]),
  },
  {
    id: 'smuggling/octets/10',
    title: 'NUL in the request-target: 400, then closed (RFC 9112 §3.2)',
    run: (conn, ctx) => mustRejectAndClose(conn, ctx, `GET ${ctx.path}\x00x HTTP/1.1\r\n${host(ctx)}\r\n`, [400, 301], '400 (or 301), then the connection closed, nothing answered after it'),
  },
  {
    id: 'smuggling/octets/11',
    title: 'A control octet (0x01) in a field value: refused, or kept (RFC 9110 §5.5 MAY retain other CTLs)',
    run: (conn, ctx) => rejectOrRead(conn, ctx, getWith(ctx, 'X-A: a\x01b\r\n'), { as: 'as a GET' }),
  },
  {
    id: 'smuggling/octets/12',
    title: 'DEL (0x7F) in a field value: refused, or kept (RFC 9110 §5.5)',
    run: (conn, ctx) => rejectOrRead(conn, ctx, getWith(ctx, 'X-A: a\x7fb\r\n'), { as: 'as a GET' }),
  },
  {
    id: 'smuggling/octets/13',
    title: 'obs-fold in a field value: 400, or the fold replaced by SP (RFC 9112 §5.2 MUST one of them)',
    run: (conn, ctx) => rejectOrRead(conn, ctx, getWith(ctx, 'X-A: 1\r\n  2\r\n'), { as: 'with the fold read as SP' }),
  },
  {
    id: 'smuggling/octets/14',
    title: 'Whitespace between a field name and the colon (X-A : 1): 400, then closed (RFC 9112 §5.1 MUST 400)',
    run: (conn, ctx) => mustRejectAndClose(conn, ctx, getWith(ctx, 'X-A : 1\r\n'), [400], '400, then the connection closed, nothing answered after it'),
  },
  {
    id: 'smuggling/octets/15',
    title: 'A whitespace-preceded Transfer-Encoding line right after the request-line, with Content-Length: refused, or the line ignored and read by Content-Length (RFC 9112 §2.2 MUST one of them)',
    run(conn, ctx) {
      const content = lastChunkThenRequest(ctx);
      return rejectOrRead(conn, ctx, `POST ${ctx.postPath} HTTP/1.1\r\n Transfer-Encoding: chunked\r\n${host(ctx)}Content-Length: ${content.length}\r\n\r\n${content}`, { body: content, as: 'by Content-Length (the whitespace-preceded line ignored)' });
    },
  },
  {
    id: 'smuggling/octets/16',
    title: 'An octet above 0x7F in a field name: 400, then closed (RFC 9110 §5.1: field-name = token)',
    run: (conn, ctx) => mustRejectAndClose(conn, ctx, getWith(ctx, 'X-\xe9: 1\r\n'), [400]),
  },
  {
    id: 'smuggling/octets/17',
    title: 'A space inside a field name (Content Length: 5): 400, then closed (RFC 9110 §5.1; RFC 9112 §5)',
    run: (conn, ctx) => mustRejectAndClose(conn, ctx, post(ctx, 'Content Length: 5\r\n', 'hello'), [400]),
  },
  {
    id: 'smuggling/octets/18',
    title: 'obs-text (an octet above 0x7F) in a field value: accepted (RFC 9110 §5.5: field-vchar includes obs-text)',
    run: (conn, ctx) => readsAs(conn, ctx, getWith(ctx, 'X-A: caf\xe9\r\n'), undefined, 'the GET'),
  },
];

import type { H1Case, H1CaseContext, Verdict } from '../case.js';
import type { H1Conn } from '../target.js';
import { answered, exchange, followUp, isErrorStatus, mustRejectAndClose, rejectOrRead, verdict } from '../verify.js';
import { host, post, smuggled } from './support.js';

/**
 * RFC 9112 §6.1: "A server MAY reject a request that contains both Content-Length and
 * Transfer-Encoding or process such a request in accordance with the Transfer-Encoding alone.
 * Regardless, the server MUST close the connection after responding to such a request to avoid
 * the potential attacks." So: one response (an error, or the content read by the chunked coding),
 * then the close, and the request hidden in the content never answered.
 */
async function closesAfterBoth(conn: H1Conn, ctx: H1CaseContext, request: string, chunkedContent: string): Promise<Verdict> {
  const o = await exchange(conn, ctx, request + followUp(ctx), 2);
  const first = o.finals[0];
  const read = isErrorStatus(first?.status ?? 0) || answered(first, ctx, chunkedContent);
  return verdict(o.unparseable === null && o.finals.length === 1 && read && o.closed, `one response (an error, or the content read by Transfer-Encoding alone${ctx.echoPath !== null ? `: ${JSON.stringify(chunkedContent)}` : ''}), then the connection closed; the request hidden in the content never answered`, o, { bodies: ctx.echoPath !== null ? [0] : [] });
}

/** "0\r\n\r\n" then a request: empty to a chunked reader, all content to a Content-Length reader. */
const lastChunkThenRequest = (ctx: H1CaseContext) => `0\r\n\r\n${smuggled(ctx)}`;

/**
 * Content-Length / Transfer-Encoding conflicts and obfuscations. A Transfer-Encoding the server
 * does not take for chunked while something else would (a front end that strips odd whitespace,
 * normalizes "_" to "-", or unfolds lines) is the classic TE.TE desync: the safe outcome is a
 * refusal and the close (RFC 9112 §6.3: "If a Transfer-Encoding header field is present in a
 * request and the chunked transfer coding is not the final encoding, [...] the server MUST
 * respond with the 400 (Bad Request) status code and then close the connection").
 */
export const CL_TE_CASES: readonly H1Case[] = [
  {
    id: 'smuggling/cl-te/1',
    title: 'CL.TE: Content-Length, then Transfer-Encoding: chunked; a request after the last chunk: refused, or read by TE; closed either way (RFC 9112 §6.1 MUST close)',
    run(conn, ctx) {
      const content = lastChunkThenRequest(ctx);
      return closesAfterBoth(conn, ctx, post(ctx, `Content-Length: ${content.length}\r\nTransfer-Encoding: chunked\r\n`, content), '');
    },
  },
  {
    id: 'smuggling/cl-te/2',
    title: 'TE.CL: Transfer-Encoding: chunked, then a Content-Length covering only the chunk-size line; the chunk is a request: refused, or read by TE; closed (RFC 9112 §6.1 MUST close)',
    run(conn, ctx) {
      const inner = smuggled(ctx);
      const sizeLine = `${inner.length.toString(16)}\r\n`;
      return closesAfterBoth(conn, ctx, post(ctx, `Transfer-Encoding: chunked\r\nContent-Length: ${sizeLine.length}\r\n`, `${sizeLine}${inner}\r\n0\r\n\r\n`), inner);
    },
  },
  {
    id: 'smuggling/cl-te/3',
    title: 'HTTP/1.0 request with Transfer-Encoding: chunked and Content-Length: faulty framing; one response, then closed (RFC 9112 §6.1 MUST)',
    async run(conn, ctx) {
      const content = lastChunkThenRequest(ctx);
      const o = await exchange(conn, ctx, `POST ${ctx.postPath} HTTP/1.0\r\n${host(ctx)}Transfer-Encoding: chunked\r\nContent-Length: ${content.length}\r\n\r\n${content}${followUp(ctx)}`, 2);
      return verdict(o.unparseable === null && o.finals.length === 1 && o.closed, 'one response (a 400, as the framing is faulty), then the connection closed; nothing answered after it', o);
    },
  },
  {
    id: 'smuggling/cl-te/4',
    title: 'Transfer-Encoding: xchunked with Content-Length: 400, then closed (RFC 9112 §6.3 MUST: chunked is not the final coding)',
    run(conn, ctx) {
      const content = lastChunkThenRequest(ctx);
      return mustRejectAndClose(conn, ctx, post(ctx, `Transfer-Encoding: xchunked\r\nContent-Length: ${content.length}\r\n`, content), [400], '400, then the connection closed, nothing answered after it');
    },
  },
  {
    id: 'smuggling/cl-te/5',
    title: 'Transfer-Encoding: chunked, identity: 400, then closed (RFC 9112 §6.3 MUST: chunked is not the final coding)',
    run: (conn, ctx) => mustRejectAndClose(conn, ctx, post(ctx, 'Transfer-Encoding: chunked, identity\r\n', lastChunkThenRequest(ctx)), [400], '400, then the connection closed, nothing answered after it'),
  },
  {
    id: 'smuggling/cl-te/6',
    title: 'Transfer-Encoding : chunked (whitespace before the colon) with Content-Length: 400, then closed (RFC 9112 §5.1 MUST 400)',
    run(conn, ctx) {
      const content = lastChunkThenRequest(ctx);
      return mustRejectAndClose(conn, ctx, post(ctx, `Content-Length: ${content.length}\r\nTransfer-Encoding : chunked\r\n`, content), [400], '400, then the connection closed, nothing answered after it');
    },
  },
  {
    id: 'smuggling/cl-te/7',
    title: 'Transfer-Encoding: <VT>chunked (a vertical tab is not whitespace) with Content-Length: refused, then closed (RFC 9110 §5.5; RFC 9112 §6.3)',
    run(conn, ctx) {
      const content = lastChunkThenRequest(ctx);
      return mustRejectAndClose(conn, ctx, post(ctx, `Content-Length: ${content.length}\r\nTransfer-Encoding:\x0bchunked\r\n`, content));
    },
  },
  {
    id: 'smuggling/cl-te/8',
    title: 'Transfer-Encoding: "chunked" (quoted: not a token) with Content-Length: refused, then closed (RFC 9112 §6.3, §7)',
    run(conn, ctx) {
      const content = lastChunkThenRequest(ctx);
      return mustRejectAndClose(conn, ctx, post(ctx, `Content-Length: ${content.length}\r\nTransfer-Encoding: "chunked"\r\n`, content));
    },
  },
  {
    id: 'smuggling/cl-te/9',
    title: 'Transfer-Encoding folded onto a second line (obs-fold) with Content-Length: refused, or unfolded and read by TE; closed either way (RFC 9112 §5.2, §6.1)',
    run(conn, ctx) {
      const content = lastChunkThenRequest(ctx);
      return closesAfterBoth(conn, ctx, post(ctx, `Content-Length: ${content.length}\r\nTransfer-Encoding:\r\n chunked\r\n`, content), '');
    },
  },
  {
    id: 'smuggling/cl-te/10',
    title: 'Transfer_Encoding (another field name) with Content-Length: read by Content-Length, or refused (RFC 9110 §5.1: field names are not normalized)',
    run(conn, ctx) {
      const content = lastChunkThenRequest(ctx);
      return rejectOrRead(conn, ctx, post(ctx, `Content-Length: ${content.length}\r\nTransfer_Encoding: chunked\r\n`, content), { body: content, as: 'by Content-Length' });
    },
  },
  {
    id: 'smuggling/cl-te/11',
    title: 'Two Transfer-Encoding: chunked lines (chunked applied twice): refused, then closed (RFC 9112 §6.1: chunked MUST NOT be applied more than once)',
    run: (conn, ctx) => mustRejectAndClose(conn, ctx, post(ctx, 'Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n', lastChunkThenRequest(ctx))),
  },
];

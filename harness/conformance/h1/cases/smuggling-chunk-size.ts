import type { H1Case, H1CaseContext, Verdict } from '../case.js';
import type { H1Conn } from '../target.js';
import { describe, exchange, followUp, mustRejectAndClose, REJECT_AND_CLOSE, rejectedAndClosed, rejectOrRead } from '../verify.js';
import { post } from './support.js';

const TE = 'Transfer-Encoding: chunked\r\n';

/**
 * Malformed chunk lines (RFC 9112 §7.1: chunk = chunk-size [ chunk-ext ] CRLF chunk-data CRLF,
 * chunk-size = 1*HEXDIG). Each is a known desync: a lenient parser reads "0x5" as 0 (the last
 * chunk) or 5, "+5"/"0_5" through a language's integer parser, "-5" as a negative length, an
 * overlong size modulo 2^64 or 2^32. RFC 9112 §2.2's allowance for a bare LF covers the
 * start-line and field lines only, not the chunk lines or the CRLF after chunk-data. None of
 * these has a reading the RFC allows, so the rule is the safe one: an error, then the close (the
 * SHOULD of §2.2 treated as required).
 */
const bad = (n: number, content: string, title: string): H1Case => ({
  id: `smuggling/chunk-size/${n}`,
  title,
  run: (conn, ctx: H1CaseContext) => mustRejectAndClose(conn, ctx, post(ctx, TE, content)),
});

/**
 * A chunk size too large to be meant: refused and closed, or read as that size, the rest taken
 * as chunk data (no response yet). What must not happen is the size read modulo 2^64 or 2^32 as
 * 5: the content "hello" echoed, or the GET behind it answered.
 */
async function huge(conn: H1Conn, ctx: H1CaseContext, size: string): Promise<Verdict> {
  const o = await exchange(conn, ctx, post(ctx, TE, `${size}\r\nhello\r\n0\r\n\r\n`) + followUp(ctx), 2);
  const wrapped = o.finals.length >= 2 || (ctx.echoPath !== null && o.finals[0]?.body.toString('latin1') === 'hello');
  return {
    passed: o.unparseable === null && (rejectedAndClosed(o) || (!wrapped && !o.closed)),
    expected: `${REJECT_AND_CLOSE}; or no response while the server waits for the ${size}-octet chunk (never the size read as 5)`,
    actual: describe(o, { bodies: ctx.echoPath !== null ? [0] : [] }),
  };
}

export const CHUNK_SIZE_CASES: readonly H1Case[] = [
  bad(1, '0x5\r\nhello\r\n0\r\n\r\n', 'Chunk size 0x5 (a hex prefix): refused, then closed (RFC 9112 §7.1)'),
  bad(2, '+5\r\nhello\r\n0\r\n\r\n', 'Chunk size +5 (a sign): refused, then closed (RFC 9112 §7.1)'),
  bad(3, '-5\r\nhello\r\n0\r\n\r\n', 'Chunk size -5 (negative): refused, then closed (RFC 9112 §7.1)'),
  bad(4, '0_5\r\nhello\r\n0\r\n\r\n', 'Chunk size 0_5 (an underscore, as some integer parsers allow): refused, then closed (RFC 9112 §7.1)'),
  bad(5, ' 5\r\nhello\r\n0\r\n\r\n', 'Chunk size with a leading space ( 5): refused, then closed (RFC 9112 §7.1)'),
  bad(6, '5 \r\nhello\r\n0\r\n\r\n', 'Chunk size with a trailing space and no extension (5 ): refused, then closed (RFC 9112 §7.1, §7.1.1)'),
  {
    id: 'smuggling/chunk-size/7',
    title: 'Chunk size 2^64+5 (10000000000000005): refused, or waited for; never read as 5 (RFC 9112 §7.1: MUST prevent integer overflow)',
    run: (conn, ctx) => huge(conn, ctx, '10000000000000005'),
  },
  {
    id: 'smuggling/chunk-size/8',
    title: 'Chunk size 2^32+5 (100000005): refused (413), or waited for; never read as 5 (RFC 9112 §7.1)',
    run: (conn, ctx) => huge(conn, ctx, '100000005'),
  },
  bad(9, '\r\nhello\r\n0\r\n\r\n', 'An empty chunk-size line: refused, then closed (RFC 9112 §7.1)'),
  bad(10, '5\nhello\r\n0\r\n\r\n', 'Chunk-size line ended by a bare LF (5<LF>): refused, then closed (RFC 9112 §7.1; §2.2 allows bare LF in field lines only)'),
  bad(11, '5\r\nhello\n0\r\n\r\n', 'Chunk data followed by a bare LF: refused, then closed (RFC 9112 §7.1: chunk-data CRLF)'),
  bad(12, '5\r\nhello\r\n0\n\r\n', 'Last chunk ended by a bare LF (0<LF>): refused, then closed (RFC 9112 §7.1)'),
  bad(13, '3\r\nhello\r\n0\r\n\r\n', 'Chunk data longer than its size (3, then 5 octets): refused, then closed (RFC 9112 §7.1)'),
  bad(14, '5;a\rb\r\nhello\r\n0\r\n\r\n', 'A bare CR inside a chunk extension: refused, then closed (RFC 9112 §2.2, §7.1.1)'),
  {
    id: 'smuggling/chunk-size/15',
    title: 'Chunk size with 21 leading zeros (0000000000000000000005): read as 5, or refused and closed (RFC 9112 §7.1: 1*HEXDIG)',
    run: (conn, ctx) => rejectOrRead(conn, ctx, post(ctx, TE, '0000000000000000000005\r\nhello\r\n0\r\n\r\n'), { body: 'hello', as: 'with a chunk of 5' }),
  },
];

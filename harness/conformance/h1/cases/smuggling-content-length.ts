import type { H1Case, H1CaseContext } from '../case.js';
import { mustRejectAndClose } from '../verify.js';
import { post } from './support.js';

/**
 * Content-Length obfuscations. RFC 9112 §6.3 rule 5: "If a message is received without
 * Transfer-Encoding and with an invalid Content-Length header field, then the message framing is
 * invalid and the recipient MUST treat it as an unrecoverable error [...]. If the unrecoverable
 * error is in a request message, the server MUST respond with a 400 (Bad Request) status code
 * and then close the connection." Content-Length = 1*DIGIT (RFC 9110 §8.6). Each request carries
 * "hello" as content and a GET behind it: a server that reads any number out of the value answers
 * the GET too.
 */
const invalid = (n: number, value: string, title: string, statuses: readonly number[] = [400]): H1Case => ({
  id: `smuggling/content-length/${n}`,
  title,
  run: (conn, ctx: H1CaseContext) => mustRejectAndClose(conn, ctx, post(ctx, `Content-Length:${value}\r\n`, 'hello'), statuses, `${statuses.join(' or ')}, then the connection closed, nothing answered after it`),
});

export const CONTENT_LENGTH_CASES: readonly H1Case[] = [
  invalid(1, ' +5', 'Content-Length: +5 (a sign): 400, then closed (RFC 9112 §6.3 MUST; RFC 9110 §8.6)'),
  invalid(2, ' -1', 'Content-Length: -1: 400, then closed (RFC 9112 §6.3 MUST)'),
  invalid(3, ' 0x5', 'Content-Length: 0x5 (hex): 400, then closed (RFC 9112 §6.3 MUST)'),
  invalid(4, ' 5 5', 'Content-Length: 5 5 (a space inside): 400, then closed (RFC 9112 §6.3 MUST)'),
  invalid(5, ' ', 'Content-Length with an empty value: 400, then closed (RFC 9112 §6.3 MUST)'),
  invalid(6, ' 18446744073709551621', 'Content-Length: 2^64+5 (5 after a 64-bit wrap): 400 or 413, then closed; never read as 5 (RFC 9112 §6.3; RFC 9110 §8.6)', [400, 413]),
  {
    id: 'smuggling/content-length/7',
    title: 'Content-Length : 5 (whitespace before the colon): 400, then closed (RFC 9112 §5.1 MUST 400)',
    run: (conn, ctx) => mustRejectAndClose(conn, ctx, post(ctx, 'Content-Length : 5\r\n', 'hello'), [400], '400, then the connection closed, nothing answered after it'),
  },
  invalid(8, '\x0c5', 'Content-Length: <FF>5 (a form feed is not whitespace): 400, then closed (RFC 9112 §5, §6.3 MUST)'),
];

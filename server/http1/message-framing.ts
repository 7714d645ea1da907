import { HttpParseError } from './parse-error.js';
import type { Http1Limits } from './limits.js';
import type { BodyFraming } from './request-head.js';
import { TCHAR } from './octets.js';

/**
 * Decide how a request body is delimited, following RFC 9112 §6.1 and §6.3 strictly. Every
 * ambiguity that lets two parsers disagree about where a request ends (request smuggling) is
 * rejected, and the connection closed after the error response.
 */
export function determineFraming(
  transferEncoding: readonly string[],
  contentLength: readonly string[],
  versionMinor: number,
  limits: Http1Limits,
  offset: number,
): BodyFraming {
  if (transferEncoding.length > 0) {
    // §6.1: an HTTP/1.0 message with Transfer-Encoding has faulty framing.
    if (versionMinor === 0) {
      throw new HttpParseError(400, 'transfer-encoding-in-http10', 'Transfer-Encoding is not allowed in an HTTP/1.0 request (RFC 9112 §6.1)', offset);
    }
    // §6.3 rule 3: Transfer-Encoding overrides Content-Length, but a request with both is a
    // classic smuggling vector, so we refuse it outright.
    if (contentLength.length > 0) {
      throw new HttpParseError(400, 'content-length-with-transfer-encoding', 'a request must not carry both Content-Length and Transfer-Encoding (RFC 9112 §6.3)', offset);
    }
    const codings = splitList(transferEncoding.join(','));
    if (codings.length === 0) {
      throw new HttpParseError(400, 'empty-transfer-encoding', 'Transfer-Encoding lists no coding (RFC 9112 §6.1)', offset);
    }
    let chunkedCount = 0;
    let unsupported: string | null = null;
    for (const coding of codings) {
      if (!isToken(coding)) {
        throw new HttpParseError(400, 'invalid-transfer-coding', `invalid transfer coding "${coding}" (RFC 9112 §7)`, offset);
      }
      if (coding === 'chunked') chunkedCount++;
      else unsupported ??= coding;
    }
    // §6.3 rule 4: chunked must be the final coding of a request, or its length is unknowable.
    if (codings[codings.length - 1] !== 'chunked') {
      throw new HttpParseError(400, 'chunked-not-final', 'the final transfer coding of a request must be chunked (RFC 9112 §6.3)', offset);
    }
    // §6.1: chunked MUST NOT be applied more than once.
    if (chunkedCount > 1) {
      throw new HttpParseError(400, 'chunked-repeated', 'chunked transfer coding applied more than once (RFC 9112 §6.1)', offset);
    }
    // §6.1: a server that does not understand a transfer coding SHOULD answer 501.
    if (unsupported !== null) {
      throw new HttpParseError(501, 'unsupported-transfer-coding', `transfer coding "${unsupported}" is not implemented (RFC 9112 §6.1)`, offset);
    }
    return { kind: 'chunked' };
  }

  if (contentLength.length > 0) {
    const length = parseContentLength(contentLength, offset);
    // Decided from the header alone, before a byte of body is read (and before 100 Continue).
    if (length > limits.maxBodyBytes) {
      throw new HttpParseError(413, 'content-too-large', `Content-Length ${length} exceeds the limit of ${limits.maxBodyBytes} bytes`, offset);
    }
    return length === 0 ? { kind: 'none' } : { kind: 'length', length };
  }
  return { kind: 'none' };
}

/**
 * Content-Length = 1*DIGIT (RFC 9110 §8.6). Signs, hex, spaces inside, empty members and lists
 * of differing values are invalid; a list of identical values may be accepted (§8.6), and is.
 * Returns Infinity for a well-formed value too large to represent, which the caller answers 413.
 */
function parseContentLength(values: readonly string[], offset: number): number {
  let result = -1;
  for (const value of values) {
    for (const member of value.split(',')) {
      const digits = member.trim();
      if (digits.length === 0 || !/^[0-9]+$/.test(digits)) {
        throw new HttpParseError(400, 'invalid-content-length', `invalid Content-Length "${value}" (RFC 9110 §8.6)`, offset);
      }
      const stripped = digits.replace(/^0+(?=.)/, '');
      const n = stripped.length > 15 ? Infinity : Number(stripped);
      if (result !== -1 && n !== result) {
        throw new HttpParseError(400, 'conflicting-content-length', `conflicting Content-Length values "${values.join('", "')}" (RFC 9112 §6.3)`, offset);
      }
      result = n;
    }
  }
  return result;
}

/** Split a comma-separated list (RFC 9110 §5.6.1), lower-casing and dropping empty members. */
export function splitList(value: string): string[] {
  const out: string[] = [];
  for (const member of value.split(',')) {
    const m = member.trim().toLowerCase();
    if (m.length > 0) out.push(m);
  }
  return out;
}

function isToken(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (TCHAR[s.charCodeAt(i)] !== 1) return false;
  return s.length > 0;
}

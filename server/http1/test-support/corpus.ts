/**
 * The request corpus: well-formed requests with what they must parse to, and malformed ones with
 * the status and reason they must be rejected with. The parser tests feed every entry split at
 * every byte offset; the socket tests send the same bytes to a running server.
 */
export interface GoodCase {
  name: string;
  raw: string;
  /** Expected messages: method, target, body, and any fields worth checking. */
  expect: Array<{ method: string; target: string; body?: string; versionMinor?: number; keepAlive?: boolean; authority?: string; trailers?: Array<[string, string]>; expectContinue?: boolean; upgrade?: string | null }>;
}

export interface BadCase {
  name: string;
  raw: string;
  status: number;
  code: string;
  /** Messages that parse before the error (pipelined requests ahead of the bad one). */
  before?: number;
}

const H = 'Host: example.test\r\n';

export const GOOD: GoodCase[] = [
  { name: 'simple GET', raw: `GET /hello HTTP/1.1\r\n${H}\r\n`, expect: [{ method: 'GET', target: '/hello', body: '', versionMinor: 1, keepAlive: true, authority: 'example.test' }] },
  { name: 'leading empty lines are skipped', raw: `\r\n\r\nGET / HTTP/1.1\r\n${H}\r\n`, expect: [{ method: 'GET', target: '/' }] },
  { name: 'HTTP/1.0 without Host, closes', raw: 'GET / HTTP/1.0\r\n\r\n', expect: [{ method: 'GET', target: '/', versionMinor: 0, keepAlive: false }] },
  { name: 'HTTP/1.0 keep-alive opt-in', raw: 'GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n', expect: [{ method: 'GET', target: '/', keepAlive: true }] },
  { name: 'HTTP/1.1 Connection: close', raw: `GET / HTTP/1.1\r\n${H}Connection: close\r\n\r\n`, expect: [{ method: 'GET', target: '/', keepAlive: false }] },
  { name: 'HTTP/1.9 is treated as 1.1', raw: `GET / HTTP/1.9\r\n${H}\r\n`, expect: [{ method: 'GET', target: '/', versionMinor: 1 }] },
  { name: 'content-length body', raw: `POST /echo HTTP/1.1\r\n${H}Content-Length: 5\r\n\r\nhello`, expect: [{ method: 'POST', target: '/echo', body: 'hello' }] },
  { name: 'content-length zero', raw: `POST /echo HTTP/1.1\r\n${H}Content-Length: 0\r\n\r\n`, expect: [{ method: 'POST', target: '/echo', body: '' }] },
  { name: 'identical repeated content-length', raw: `POST / HTTP/1.1\r\n${H}Content-Length: 3\r\nContent-Length: 3\r\n\r\nabc`, expect: [{ method: 'POST', target: '/', body: 'abc' }] },
  { name: 'content-length list of equal values', raw: `POST / HTTP/1.1\r\n${H}Content-Length: 3, 3\r\n\r\nabc`, expect: [{ method: 'POST', target: '/', body: 'abc' }] },
  { name: 'chunked body', raw: `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n`, expect: [{ method: 'POST', target: '/', body: 'hello world' }] },
  { name: 'chunked with uppercase hex and leading zeros', raw: `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n00A\r\n0123456789\r\n0000\r\n\r\n`, expect: [{ method: 'POST', target: '/', body: '0123456789' }] },
  { name: 'chunked with extensions', raw: `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n3;name=value\r\nabc\r\n2 ; flag ; q="a \\"quoted\\" b"\r\nde\r\n0;last\r\n\r\n`, expect: [{ method: 'POST', target: '/', body: 'abcde' }] },
  { name: 'chunked with trailers (forbidden ones dropped)', raw: `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\nChecksum: abc\r\nContent-Length: 99\r\nX-Done: yes\r\n\r\n`, expect: [{ method: 'POST', target: '/', body: 'x', trailers: [['checksum', 'abc'], ['x-done', 'yes']] }] },
  { name: 'transfer-encoding case-insensitive with empty list members', raw: `POST / HTTP/1.1\r\n${H}Transfer-Encoding: , CHUNKED\r\n\r\n0\r\n\r\n`, expect: [{ method: 'POST', target: '/', body: '' }] },
  { name: 'pipelined requests', raw: `GET /a HTTP/1.1\r\n${H}\r\nPOST /b HTTP/1.1\r\n${H}Content-Length: 2\r\n\r\nhiGET /c HTTP/1.1\r\n${H}\r\n`, expect: [{ method: 'GET', target: '/a' }, { method: 'POST', target: '/b', body: 'hi' }, { method: 'GET', target: '/c' }] },
  { name: 'absolute-form target overrides Host', raw: `GET http://origin.test:8080/p?q=1 HTTP/1.1\r\nHost: other.test\r\n\r\n`, expect: [{ method: 'GET', target: 'http://origin.test:8080/p?q=1', authority: 'origin.test:8080' }] },
  { name: 'asterisk-form OPTIONS', raw: `OPTIONS * HTTP/1.1\r\n${H}\r\n`, expect: [{ method: 'OPTIONS', target: '*' }] },
  { name: 'authority-form CONNECT', raw: `CONNECT backend.test:443 HTTP/1.1\r\nHost: backend.test:443\r\n\r\n`, expect: [{ method: 'CONNECT', target: 'backend.test:443', authority: 'backend.test:443' }] },
  { name: 'field values trimmed, obs-text kept', raw: `GET / HTTP/1.1\r\n${H}X-A: \t spaced \t\r\nX-B: caf\xe9\r\nX-Empty:\r\n\r\n`, expect: [{ method: 'GET', target: '/' }] },
  { name: 'expect 100-continue with body', raw: `PUT /x HTTP/1.1\r\n${H}Expect: 100-Continue\r\nContent-Length: 1\r\n\r\nz`, expect: [{ method: 'PUT', target: '/x', body: 'z', expectContinue: true }] },
  { name: 'upgrade offered', raw: `GET / HTTP/1.1\r\n${H}Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n`, expect: [{ method: 'GET', target: '/', upgrade: 'h2c' }] },
  { name: 'upgrade offered in HTTP/1.0 is ignored (RFC 9110 §7.8)', raw: 'GET / HTTP/1.0\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n', expect: [{ method: 'GET', target: '/', versionMinor: 0, keepAlive: false, upgrade: null }] },
  { name: 'upgrade header without Connection: upgrade is ignored', raw: `GET / HTTP/1.1\r\n${H}Upgrade: h2c\r\n\r\n`, expect: [{ method: 'GET', target: '/', upgrade: null }] },
  { name: 'percent-encoded and query target', raw: `GET /a%20b/c?x=1&y=%2F HTTP/1.1\r\n${H}\r\n`, expect: [{ method: 'GET', target: '/a%20b/c?x=1&y=%2F' }] },
  { name: 'IPv6 host', raw: 'GET / HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n', expect: [{ method: 'GET', target: '/', authority: '[::1]:8080' }] },
];

export const BAD: BadCase[] = [
  // Framing: RFC 9112 §6
  { name: 'content-length and transfer-encoding', raw: `POST / HTTP/1.1\r\n${H}Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`, status: 400, code: 'content-length-with-transfer-encoding' },
  { name: 'transfer-encoding then content-length', raw: `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n0\r\n\r\n`, status: 400, code: 'content-length-with-transfer-encoding' },
  { name: 'final coding not chunked', raw: `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked, gzip\r\n\r\n`, status: 400, code: 'chunked-not-final' },
  { name: 'transfer-encoding identity', raw: `POST / HTTP/1.1\r\n${H}Transfer-Encoding: identity\r\n\r\n`, status: 400, code: 'chunked-not-final' },
  { name: 'chunked twice', raw: `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`, status: 400, code: 'chunked-repeated' },
  { name: 'unknown transfer coding before chunked', raw: `POST / HTTP/1.1\r\n${H}Transfer-Encoding: gzip, chunked\r\n\r\n`, status: 501, code: 'unsupported-transfer-coding' },
  { name: 'transfer-encoding in HTTP/1.0', raw: 'POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', status: 400, code: 'transfer-encoding-in-http10' },
  { name: 'transfer-encoding chunked with junk', raw: `POST / HTTP/1.1\r\n${H}Transfer-Encoding: xchunked\r\n\r\n`, status: 400, code: 'chunked-not-final' },
  { name: 'empty transfer-encoding', raw: `POST / HTTP/1.1\r\n${H}Transfer-Encoding: \r\n\r\n`, status: 400, code: 'empty-transfer-encoding' },
  { name: 'signed content-length', raw: `POST / HTTP/1.1\r\n${H}Content-Length: +5\r\n\r\nhello`, status: 400, code: 'invalid-content-length' },
  { name: 'negative content-length', raw: `POST / HTTP/1.1\r\n${H}Content-Length: -1\r\n\r\n`, status: 400, code: 'invalid-content-length' },
  { name: 'hex content-length', raw: `POST / HTTP/1.1\r\n${H}Content-Length: 0x5\r\n\r\nhello`, status: 400, code: 'invalid-content-length' },
  { name: 'empty content-length', raw: `POST / HTTP/1.1\r\n${H}Content-Length: \r\n\r\n`, status: 400, code: 'invalid-content-length' },
  { name: 'content-length with inner space', raw: `POST / HTTP/1.1\r\n${H}Content-Length: 1 2\r\n\r\n`, status: 400, code: 'invalid-content-length' },
  { name: 'conflicting content-length fields', raw: `POST / HTTP/1.1\r\n${H}Content-Length: 3\r\nContent-Length: 4\r\n\r\nabcd`, status: 400, code: 'conflicting-content-length' },
  { name: 'conflicting content-length list', raw: `POST / HTTP/1.1\r\n${H}Content-Length: 3, 4\r\n\r\nabcd`, status: 400, code: 'conflicting-content-length' },
  { name: 'content-length list with empty member', raw: `POST / HTTP/1.1\r\n${H}Content-Length: 3,\r\n\r\nabc`, status: 400, code: 'invalid-content-length' },
  { name: 'content-length over the limit', raw: `POST / HTTP/1.1\r\n${H}Content-Length: 99999999\r\n\r\n`, status: 413, code: 'content-too-large' },
  { name: 'content-length over the limit with 100-continue', raw: `POST / HTTP/1.1\r\n${H}Expect: 100-continue\r\nContent-Length: 99999999\r\n\r\n`, status: 413, code: 'content-too-large' },
  { name: 'content-length beyond 2^53', raw: `POST / HTTP/1.1\r\n${H}Content-Length: 99999999999999999999999\r\n\r\n`, status: 413, code: 'content-too-large' },
  // Chunked coding: RFC 9112 §7.1
  { name: 'chunk size not hex', raw: `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\nzz\r\n`, status: 400, code: 'invalid-chunk-size' },
  { name: 'chunk size with 0x prefix', raw: `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n0x5\r\nhello\r\n0\r\n\r\n`, status: 400, code: 'invalid-chunk-extension' },
  { name: 'chunk size with leading space', raw: `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n 5\r\nhello\r\n0\r\n\r\n`, status: 400, code: 'invalid-chunk-size' },
  { name: 'negative chunk size', raw: `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n-5\r\nhello\r\n0\r\n\r\n`, status: 400, code: 'invalid-chunk-size' },
  { name: 'chunk size overflow', raw: `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFF\r\n`, status: 400, code: 'chunk-size-overflow' },
  { name: 'chunked body over the limit', raw: `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\nFFFFFFFF\r\n`, status: 413, code: 'content-too-large' },
  { name: 'chunk data longer than its size', raw: `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n3\r\nabcd\r\n0\r\n\r\n`, status: 400, code: 'chunk-data-not-terminated' },
  { name: 'chunk data with bare LF', raw: `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n3\r\nabc\n0\r\n\r\n`, status: 400, code: 'chunk-data-not-terminated' },
  { name: 'invalid size in the middle of the stream', raw: `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\nG\r\n`, status: 400, code: 'invalid-chunk-size' },
  { name: 'malformed chunk extension', raw: `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n3;=x\r\nabc\r\n0\r\n\r\n`, status: 400, code: 'invalid-chunk-extension' },
  { name: 'unterminated quoted chunk extension', raw: `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n3;a="x\r\nabc\r\n0\r\n\r\n`, status: 400, code: 'invalid-chunk-extension' },
  { name: 'bare CR in chunk size line', raw: `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n3\r;a\r\nabc\r\n0\r\n\r\n`, status: 400, code: 'invalid-chunk-extension' },
  { name: 'over-long chunk extension', raw: `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n1;${'a'.repeat(5000)}\r\n`, status: 400, code: 'chunk-line-too-long' },
  { name: 'obs-fold in trailer', raw: `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n0\r\nA: b\r\n c\r\n\r\n`, status: 400, code: 'obs-fold' },
  // Host: RFC 9112 §3.2
  { name: 'missing Host on 1.1', raw: 'GET / HTTP/1.1\r\n\r\n', status: 400, code: 'missing-host' },
  { name: 'repeated Host', raw: `GET / HTTP/1.1\r\n${H}Host: evil.test\r\n\r\n`, status: 400, code: 'repeated-host' },
  { name: 'Host with a path', raw: 'GET / HTTP/1.1\r\nHost: example.test/evil\r\n\r\n', status: 400, code: 'invalid-host' },
  { name: 'Host with userinfo', raw: 'GET / HTTP/1.1\r\nHost: user@example.test\r\n\r\n', status: 400, code: 'invalid-host' },
  // Field syntax: RFC 9112 §5, RFC 9110 §5
  { name: 'whitespace before colon', raw: `GET / HTTP/1.1\r\n${H}Content-Length : 0\r\n\r\n`, status: 400, code: 'whitespace-before-colon' },
  { name: 'tab before colon', raw: `GET / HTTP/1.1\r\n${H}X-A\t: 1\r\n\r\n`, status: 400, code: 'whitespace-before-colon' },
  { name: 'obs-fold', raw: `GET / HTTP/1.1\r\n${H}X-A: 1\r\n  continued\r\n\r\n`, status: 400, code: 'obs-fold' },
  { name: 'first field line starts with whitespace', raw: `GET / HTTP/1.1\r\n ${H}\r\n`, status: 400, code: 'obs-fold' },
  { name: 'bare CR in field value', raw: `GET / HTTP/1.1\r\n${H}X-A: a\rb\r\n\r\n`, status: 400, code: 'bare-cr' },
  { name: 'NUL in field value', raw: `GET / HTTP/1.1\r\n${H}X-A: a\x00b\r\n\r\n`, status: 400, code: 'nul-octet' },
  { name: 'control octet in field value', raw: `GET / HTTP/1.1\r\n${H}X-A: a\x01b\r\n\r\n`, status: 400, code: 'invalid-field-value' },
  { name: 'DEL in field value', raw: `GET / HTTP/1.1\r\n${H}X-A: a\x7fb\r\n\r\n`, status: 400, code: 'invalid-field-value' },
  { name: 'invalid octet in field name', raw: `GET / HTTP/1.1\r\n${H}X(A): 1\r\n\r\n`, status: 400, code: 'invalid-field-name' },
  { name: 'NUL in field name', raw: `GET / HTTP/1.1\r\n${H}X\x00A: 1\r\n\r\n`, status: 400, code: 'nul-octet' },
  { name: 'empty field name', raw: `GET / HTTP/1.1\r\n${H}: value\r\n\r\n`, status: 400, code: 'empty-field-name' },
  { name: 'field line without colon', raw: `GET / HTTP/1.1\r\n${H}NoColon\r\n\r\n`, status: 400, code: 'missing-colon' },
  { name: 'bare LF ending a field line', raw: `GET / HTTP/1.1\r\n${H}X-A: 1\n\r\n`, status: 400, code: 'bare-lf' },
  { name: 'bare LF ending the request line', raw: `GET / HTTP/1.1\n${H}\r\n`, status: 400, code: 'bare-lf' },
  // Request line: RFC 9112 §3
  { name: 'bare CR in request line', raw: `GET /\r HTTP/1.1\r\n${H}\r\n`, status: 400, code: 'bare-cr' },
  { name: 'NUL in target', raw: `GET /a\x00b HTTP/1.1\r\n${H}\r\n`, status: 400, code: 'nul-octet' },
  { name: 'space-separated junk in target', raw: `GET /a b HTTP/1.1\r\n${H}\r\n`, status: 400, code: 'invalid-version' },
  { name: 'non-ASCII octet in target', raw: `GET /caf\xe9 HTTP/1.1\r\n${H}\r\n`, status: 400, code: 'invalid-target' },
  { name: 'fragment in target', raw: `GET /a#frag HTTP/1.1\r\n${H}\r\n`, status: 400, code: 'fragment-in-target' },
  { name: 'double space after method', raw: `GET  / HTTP/1.1\r\n${H}\r\n`, status: 400, code: 'invalid-target' },
  { name: 'lowercase method is unknown', raw: `get / HTTP/1.1\r\n${H}\r\n`, status: 501, code: 'method-not-implemented' },
  { name: 'unknown method', raw: `BREW /pot HTTP/1.1\r\n${H}\r\n`, status: 501, code: 'method-not-implemented' },
  { name: 'invalid method octet', raw: `GE(T / HTTP/1.1\r\n${H}\r\n`, status: 400, code: 'invalid-method' },
  { name: 'missing version (HTTP/0.9 style)', raw: 'GET /\r\n\r\n', status: 400, code: 'missing-version' },
  { name: 'lowercase version', raw: `GET / http/1.1\r\n${H}\r\n`, status: 400, code: 'invalid-version' },
  // No "HTTP/" in the version field at all: not HTTP/1.x (a listener shared with h2c closes without a 400).
  { name: 'no HTTP-version at all (h2spec\'s invalid preface)', raw: 'INVALID CONNECTION PREFACE\r\n\r\n', status: 400, code: 'not-http' },
  { name: 'another protocol\'s version', raw: `GET / RTSP/1.0\r\n${H}\r\n`, status: 400, code: 'not-http' },
  { name: 'version with three digits', raw: `GET / HTTP/1.10\r\n${H}\r\n`, status: 400, code: 'invalid-version' },
  { name: 'HTTP/2.0 on an HTTP/1 connection', raw: `GET / HTTP/2.0\r\n${H}\r\n`, status: 505, code: 'version-not-supported' },
  { name: 'HTTP/3.0', raw: `GET / HTTP/3.0\r\n${H}\r\n`, status: 505, code: 'version-not-supported' },
  { name: 'asterisk-form with GET', raw: `GET * HTTP/1.1\r\n${H}\r\n`, status: 400, code: 'invalid-asterisk-form' },
  { name: 'CONNECT without port', raw: `CONNECT backend.test HTTP/1.1\r\n${H}\r\n`, status: 400, code: 'invalid-authority-form' },
  { name: 'CONNECT with origin-form', raw: `CONNECT / HTTP/1.1\r\n${H}\r\n`, status: 400, code: 'invalid-authority-form' },
  { name: 'CONNECT with content', raw: `CONNECT b.test:443 HTTP/1.1\r\n${H}Content-Length: 2\r\n\r\nhi`, status: 400, code: 'connect-with-content' },
  { name: 'absolute-form with userinfo', raw: `GET http://user@example.test/ HTTP/1.1\r\n${H}\r\n`, status: 400, code: 'invalid-target-authority' },
  { name: 'absolute-form with empty host', raw: `GET http:///x HTTP/1.1\r\n${H}\r\n`, status: 400, code: 'invalid-target-authority' },
  { name: 'unknown scheme', raw: `GET ftp://example.test/ HTTP/1.1\r\n${H}\r\n`, status: 400, code: 'invalid-target' },
  { name: 'relative target', raw: `GET hello HTTP/1.1\r\n${H}\r\n`, status: 400, code: 'invalid-target' },
  // Sizes: RFC 9110 §15.5
  { name: 'request line too long', raw: `GET /${'a'.repeat(9000)} HTTP/1.1\r\n${H}\r\n`, status: 414, code: 'request-line-too-long' },
  { name: 'header section too large', raw: `GET / HTTP/1.1\r\n${H}X-Big: ${'b'.repeat(17000)}\r\n\r\n`, status: 431, code: 'header-section-too-large' },
  { name: 'too many header fields', raw: `GET / HTTP/1.1\r\n${H}${'X-A: 1\r\n'.repeat(100)}\r\n`, status: 431, code: 'too-many-header-fields' },
  // Expectations: RFC 9110 §10.1.1
  { name: 'unsupported expectation', raw: `POST / HTTP/1.1\r\n${H}Expect: 200-ok\r\nContent-Length: 1\r\n\r\nx`, status: 417, code: 'unsupported-expectation' },
  // A smuggling attempt behind a good request: the first parses, the second is rejected.
  { name: 'smuggled request after a good one', raw: `GET / HTTP/1.1\r\n${H}\r\nPOST / HTTP/1.1\r\n${H}Content-Length: 0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`, status: 400, code: 'content-length-with-transfer-encoding', before: 1 },
  // Truncation: RFC 9112 §8
  { name: 'connection ends inside the head', raw: `GET / HTTP/1.1\r\n${H}`, status: 400, code: 'incomplete-message' },
  { name: 'connection ends inside the body', raw: `POST / HTTP/1.1\r\n${H}Content-Length: 10\r\n\r\nabc`, status: 400, code: 'incomplete-message' },
];

/**
 * Group headings for reports, keyed by id prefix ("h1/framing/3" sits in "h1/framing", which
 * sits in "h1"). The same shape as the HTTP/2 suite's, so the text and JUnit renderers serve both.
 */
export const H1_GROUP_TITLES: ReadonlyMap<string, string> = new Map([
  ['h1', 'HTTP/1.1 origin-server requirements (RFC 9112, RFC 9110)'],
  ['h1/framing', 'Message framing: Content-Length, no content, transfer codings (RFC 9112 §6)'],
  ['h1/host', 'Host (RFC 9112 §3.2, RFC 9110 §7.2)'],
  ['h1/chunked', 'Chunked transfer coding and trailers (RFC 9112 §7)'],
  ['h1/keep-alive', 'Persistence and closing (RFC 9112 §9.3, §9.6)'],
  ['h1/pipelining', 'Pipelining (RFC 9112 §9.3.2)'],
  ['h1/expect', 'Expect: 100-continue (RFC 9110 §10.1.1)'],
  ['h1/head-options', 'HEAD and OPTIONS * (RFC 9110 §9.3.2, §9.3.7)'],
  ['h1/targets', 'Request-target forms (RFC 9112 §3.2)'],
  ['h1/version', 'HTTP-version (RFC 9112 §2.3, RFC 9110 §2.5)'],
  ['h1/errors', 'Error statuses and when to close (RFC 9112 §2.2, §8; RFC 9110 §15)'],
  ['smuggling', 'Request smuggling (RFC 9112 §11.2)'],
  ['smuggling/cl-te', 'Content-Length / Transfer-Encoding conflicts and obfuscations'],
  ['smuggling/content-length', 'Content-Length obfuscations'],
  ['smuggling/chunk-size', 'Chunk sizes and chunk lines'],
  ['smuggling/octets', 'Bare CR and LF, NUL and other invalid octets, obs-fold, whitespace'],
  ['smuggling/duplicates', 'Duplicate Host and Content-Length'],
  ['smuggling/behind-rejected', 'Bytes pipelined behind a rejected request'],
]);

/** Size limits the parser enforces; each violation has its own status (RFC 9110 §15.5). */
export interface Http1Limits {
  /** Longest request line, CRLF excluded (414 URI Too Long). */
  maxRequestLineBytes: number;
  /** Largest header section: request line plus fields (431); also bounds a chunked body's trailers. */
  maxHeaderBytes: number;
  /** Most header fields in one section (431). */
  maxHeaderCount: number;
  /** Largest request body, decided from Content-Length before reading, or as chunks arrive (413). */
  maxBodyBytes: number;
  /** Longest chunk-size line including extensions (400); bounds chunk-extension abuse. */
  maxChunkLineBytes: number;
  /** Methods this server implements; any other valid token is answered 501 (RFC 9110 §9.1). */
  methods: ReadonlySet<string>;
}

export const DEFAULT_METHODS: ReadonlySet<string> = new Set([
  'GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH',
]);

export const DEFAULT_HTTP1_LIMITS: Readonly<Http1Limits> = Object.freeze({
  maxRequestLineBytes: 8 * 1024,
  maxHeaderBytes: 16 * 1024,
  maxHeaderCount: 100,
  maxBodyBytes: 1024 * 1024,
  maxChunkLineBytes: 4 * 1024,
  methods: DEFAULT_METHODS,
});

import { DEFAULT_HTTP1_LIMITS } from '../../server/http1/limits.js';
import type { RequestHead } from '../../server/http1/request-head.js';
import { RequestParser } from '../../server/http1/request-parser.js';
import { matchPreface } from '../../server/http2/frames/preface.js';

export interface Http1RequestScan {
  /** Where an h2c preface begins after an Upgrade: h2c request (RFC 9113 §3.1 / RFC 7540 §3.2), or null. */
  h2At: number | null;
  /** Why the bytes stopped parsing as requests, and where; null when they parsed to the end. */
  error: { at: number; error: Error } | null;
}

/**
 * The requests in a client's byte stream, read with the server's own RequestParser and default
 * limits (what aeronet would have seen), each head passed to `onHead` with the offset it ends at.
 * Stops at an h2c switch (the rest is HTTP/2) and after a CONNECT (the rest is the tunnel's).
 */
export function scanHttp1Requests(bytes: Buffer, onHead: (head: RequestHead) => void): Http1RequestScan {
  let upgrade: string | null = null;
  let method = '';
  const parser = new RequestParser({
    onHead(head) {
      onHead(head);
      upgrade = head.upgrade;
      method = head.method;
    },
    onBody() {},
    onTrailers() {},
    onMessageEnd() {},
  }, DEFAULT_HTTP1_LIMITS);
  let i = 0;
  try {
    while (i < bytes.length) {
      i = parser.execute(bytes, i);
      if (!parser.idle) continue;
      if (upgrade !== null && /\bh2c\b/i.test(upgrade) && matchPreface(bytes.subarray(i)) !== 'mismatch') return { h2At: i, error: null };
      if (method === 'CONNECT') break;
    }
  } catch (err) {
    return { h2At: null, error: { at: i, error: err as Error } };
  }
  return { h2At: null, error: null };
}

import type { Clock } from '../transport/clock.js';
import type { TlsSessionInfo } from '../transport/transport.js';

/**
 * The application API shared by every protocol. HTTP/1.1 (and HTTP/2 later) construct these
 * objects; routers, middleware and handlers never learn which protocol carried the request.
 */
export interface Request {
  /** Method token exactly as received (methods are case-sensitive, RFC 9110 §9.1). */
  readonly method: string;
  /** The request-target exactly as received (origin-, absolute-, authority- or asterisk-form). */
  readonly target: string;
  /** The path component of the target ('/' for asterisk- and authority-form), still percent-encoded. */
  readonly path: string;
  /** The query string without '?', or '' when there is none. */
  readonly search: string;
  /** Parsed query parameters (built on first use). */
  readonly query: URLSearchParams;
  /** Route parameters, filled in by the router (`/bytes/:n` gives `{ n: '42' }`). */
  params: Record<string, string>;
  /**
   * The pattern of the route that matched (`/bytes/:n`), set by the router; '(unmatched)' until
   * then and when none did (404, 405). Metrics label requests by it, never by the raw path, so
   * its values stay few: a handler that routes by itself may set it to a pattern of its own.
   */
  route: string;
  /** '1.0', '1.1' or '2'. */
  readonly httpVersion: string;
  /** The authority the request is for: absolute-form target's, else the Host header (or :authority). */
  readonly authority: string;
  /** Header fields as [name, value] pairs in arrival order; names lower-cased. */
  readonly headerList: ReadonlyArray<readonly [string, string]>;
  /** One field's value, repeated lines joined with ', ' (RFC 9110 §5.3); undefined when absent. */
  header(name: string): string | undefined;
  /** All fields as an object (built on first use), repeated lines joined with ', '. */
  readonly headers: Readonly<Record<string, string>>;
  /** The request content, streamed; see RequestBody. */
  readonly body: RequestBody;
  readonly remoteAddress: string;
  readonly encrypted: boolean;
  /** The TLS session (protocol, cipher, the verified client certificate), or null on a plain connection. */
  readonly tls: TlsSessionInfo | null;
  /** The injected clock: handlers that wait must use it so simulations stay on virtual time. */
  readonly clock: Clock;
  /** Aborted when the peer goes away or the server gives up on the exchange. */
  readonly signal: AbortSignal;
}

/**
 * Request content as a stream with backpressure: the protocol stops reading from the peer while
 * unread chunks sit here above the high-water mark, so an unread body never grows without bound.
 */
export interface RequestBody extends AsyncIterable<Buffer> {
  /** Read the whole content, failing with HttpError(413) past `limit` bytes (default: the server's maxBodySize). */
  buffer(limit?: number): Promise<Buffer>;
  text(limit?: number): Promise<string>;
  json<T = unknown>(limit?: number): Promise<T>;
  /** Trailer fields of a chunked body, available once the body has been read to its end. */
  readonly trailers: ReadonlyArray<readonly [string, string]>;
  /** True when the request declared no content (no Content-Length > 0, no chunked coding). */
  readonly empty: boolean;
}

export type HeaderValue = string | number | readonly string[];

export interface Response {
  statusCode: number;
  /** Set a header field (replacing any earlier value); throws on invalid names/values (no CR/LF smuggling). */
  setHeader(name: string, value: HeaderValue): this;
  /** Append a value to a header field (e.g. Vary). */
  appendHeader(name: string, value: string): this;
  getHeader(name: string): string | undefined;
  hasHeader(name: string): boolean;
  removeHeader(name: string): this;
  status(code: number): this;
  /** Send a complete body (Content-Length framing) and finish. A string is sent as UTF-8. */
  send(body?: string | Uint8Array | null): Promise<void>;
  /** Send `value` as application/json and finish. */
  json(value: unknown): Promise<void>;
  /**
   * Stream a chunk; resolves when the chunk may be followed by another (backpressure). A Buffer
   * is sent from where it is, not copied (as with node's streams): do not change its octets
   * afterwards; pass a copy if the memory is reused.
   */
  write(chunk: string | Uint8Array): Promise<void>;
  /** Finish a streamed response, optionally with a last chunk. */
  end(chunk?: string | Uint8Array): Promise<void>;
  /** Trailer fields to send after a streamed body (chunked coding on HTTP/1.1). */
  setTrailer(name: string, value: string): this;
  readonly headersSent: boolean;
  readonly finished: boolean;
  /** The request this response answers (for middleware such as compression). */
  readonly request: Request;
}

export type Handler = (req: Request, res: Response) => void | Promise<void>;
export type Next = () => Promise<void>;
export type Middleware = (req: Request, res: Response, next: Next) => void | Promise<void>;

/** Throw from a handler to answer with a given status (and optionally headers); anything else is a 500. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: ReadonlyArray<readonly [string, string]> = [],
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

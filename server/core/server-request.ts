import type { Clock } from '../transport/clock.js';
import type { TlsSessionInfo } from '../transport/transport.js';
import type { Request, RequestBody } from './types.js';

/** `req.route` when no route matched (or no Router ran): one label value for every such request. */
export const UNMATCHED_ROUTE = '(unmatched)';

/** The fields every protocol knows about a request; the Request object adds lazy conveniences. */
export interface RequestInit {
  method: string;
  target: string;
  httpVersion: string;
  authority: string;
  headerList: Array<[string, string]>;
  body: RequestBody;
  remoteAddress: string;
  encrypted: boolean;
  /** Where `tls` is read from on first use: the connection's TransportInfo (absent: null). */
  tlsSource?: { readonly tls?: TlsSessionInfo | null };
  clock: Clock;
  /** Creates the request's AbortSignal on first use (most handlers never ask). */
  signal: () => AbortSignal;
}

/**
 * The protocol-agnostic Request. Path and query are split from the target once; the query object
 * and header record are built only if a handler asks, which keeps `GET /hello` cheap.
 */
export class ServerRequest implements Request {
  readonly method: string;
  readonly target: string;
  readonly path: string;
  readonly search: string;
  params: Record<string, string> = {};
  route = UNMATCHED_ROUTE;
  readonly httpVersion: string;
  readonly authority: string;
  readonly headerList: Array<[string, string]>;
  readonly body: RequestBody;
  readonly remoteAddress: string;
  readonly encrypted: boolean;
  readonly clock: Clock;
  private readonly tlsSource: { readonly tls?: TlsSessionInfo | null } | undefined;
  private readonly signalFactory: () => AbortSignal;
  private queryCache: URLSearchParams | null = null;
  private headersCache: Record<string, string> | null = null;

  constructor(init: RequestInit) {
    this.method = init.method;
    this.target = init.target;
    this.httpVersion = init.httpVersion;
    this.authority = init.authority;
    this.headerList = init.headerList;
    this.body = init.body;
    this.remoteAddress = init.remoteAddress;
    this.encrypted = init.encrypted;
    this.tlsSource = init.tlsSource;
    this.clock = init.clock;
    this.signalFactory = init.signal;
    const { path, search } = splitTarget(init.target);
    this.path = path;
    this.search = search;
  }

  get tls(): TlsSessionInfo | null {
    return this.tlsSource?.tls ?? null;
  }

  get signal(): AbortSignal {
    return this.signalFactory();
  }

  get query(): URLSearchParams {
    return (this.queryCache ??= new URLSearchParams(this.search));
  }

  header(name: string): string | undefined {
    const wanted = name.toLowerCase();
    let value: string | undefined;
    const list = this.headerList;
    for (let i = 0; i < list.length; i++) {
      const field = list[i]!;
      if (field[0] === wanted) value = value === undefined ? field[1] : `${value}, ${field[1]}`;
    }
    return value;
  }

  get headers(): Readonly<Record<string, string>> {
    if (this.headersCache === null) {
      const out: Record<string, string> = Object.create(null) as Record<string, string>;
      for (const [name, value] of this.headerList) out[name] = name in out ? `${out[name]}, ${value}` : value;
      this.headersCache = out;
    }
    return this.headersCache;
  }
}

/** Path and query of any target form (RFC 9112 §3.2): absolute-form drops scheme and authority. */
export function splitTarget(target: string): { path: string; search: string } {
  let start = 0;
  if (target.charCodeAt(0) !== 0x2f /* / */) {
    const scheme = target.indexOf('://');
    if (scheme === -1) return { path: '/', search: '' }; // asterisk- or authority-form
    const slash = target.indexOf('/', scheme + 3);
    const question = target.indexOf('?', scheme + 3);
    if (slash === -1 || (question !== -1 && question < slash)) {
      return { path: '/', search: question === -1 ? '' : target.slice(question + 1) };
    }
    start = slash;
  }
  const q = target.indexOf('?', start);
  return q === -1 ? { path: start === 0 ? target : target.slice(start), search: '' } : { path: target.slice(start, q), search: target.slice(q + 1) };
}

import type { Clock, Timer } from '../../transport/clock.js';
import { HttpError, type HeaderValue, type Request, type RequestBody, type Response } from '../types.js';

/**
 * An in-memory Request/Response pair for unit tests of routers, middleware and handlers: no
 * sockets, no protocol. The response records what was sent (status, headers, body, trailers)
 * instead of serialising it, and enforces the same misuse errors a real one would.
 */

export interface FakeExchangeInit {
  method?: string;
  /** Request-target as it would arrive: origin-form ('/a?b'), absolute-form, authority-form or '*'. */
  target?: string;
  headers?: ReadonlyArray<readonly [string, string]> | Readonly<Record<string, string>>;
  body?: string | Uint8Array;
  trailers?: ReadonlyArray<readonly [string, string]>;
  httpVersion?: string;
  remoteAddress?: string;
  encrypted?: boolean;
  clock?: Clock;
  maxBodySize?: number;
}

export interface FakeExchange {
  req: FakeRequest;
  res: FakeResponse;
  /** Abort `req.signal`, as when the peer disconnects. */
  abort(reason?: unknown): void;
}

export function fakeExchange(init: FakeExchangeInit = {}): FakeExchange {
  const controller = new AbortController();
  const req = new FakeRequest(init, controller.signal);
  const res = new FakeResponse(req);
  return { req, res, abort: (reason) => controller.abort(reason) };
}

/** A clock frozen at `now` whose timers never fire on their own; `fire()` runs them. */
export class FakeClock implements Clock {
  private readonly pending = new Set<() => void>();
  constructor(private readonly at = 0) {}
  now(): number {
    return this.at;
  }
  setTimer(_delayMs: number, callback: () => void): Timer {
    this.pending.add(callback);
    return { cancel: () => this.pending.delete(callback) };
  }
  /** Run every pending timer once. */
  fire(): void {
    const due = [...this.pending];
    this.pending.clear();
    for (const cb of due) cb();
  }
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** RFC 9110 §5.5: field values carry no CR, LF or NUL (the header-smuggling characters). */
const UNSAFE_VALUE = /[\r\n\0]/;

export class FakeRequest implements Request {
  readonly method: string;
  readonly target: string;
  readonly path: string;
  readonly search: string;
  params: Record<string, string> = {};
  readonly httpVersion: string;
  readonly authority: string;
  readonly headerList: ReadonlyArray<readonly [string, string]>;
  readonly body: RequestBody;
  readonly remoteAddress: string;
  readonly encrypted: boolean;
  readonly clock: Clock;
  private queryCache: URLSearchParams | undefined;
  private headersCache: Readonly<Record<string, string>> | undefined;

  constructor(
    init: FakeExchangeInit,
    readonly signal: AbortSignal,
  ) {
    this.method = init.method ?? 'GET';
    this.target = init.target ?? '/';
    const parts = splitTarget(this.target);
    this.path = parts.path;
    this.search = parts.search;
    const raw = init.headers ?? [];
    const list: Array<readonly [string, string]> = Array.isArray(raw)
      ? (raw as ReadonlyArray<readonly [string, string]>).map(([n, v]) => [n.toLowerCase(), v] as const)
      : Object.entries(raw).map(([n, v]) => [n.toLowerCase(), v] as const);
    this.headerList = list;
    this.authority = parts.authority ?? this.header('host') ?? '';
    this.httpVersion = init.httpVersion ?? '1.1';
    this.remoteAddress = init.remoteAddress ?? '127.0.0.1';
    this.encrypted = init.encrypted ?? false;
    this.clock = init.clock ?? new FakeClock();
    const content = init.body === undefined ? Buffer.alloc(0) : Buffer.from(init.body);
    this.body = new FakeRequestBody(content, init.trailers ?? [], init.body === undefined, init.maxBodySize ?? 1 << 20);
  }

  get query(): URLSearchParams {
    return (this.queryCache ??= new URLSearchParams(this.search));
  }

  header(name: string): string | undefined {
    const wanted = name.toLowerCase();
    const values = this.headerList.filter(([n]) => n === wanted).map(([, v]) => v);
    return values.length === 0 ? undefined : values.join(', ');
  }

  get headers(): Readonly<Record<string, string>> {
    if (this.headersCache === undefined) {
      const out: Record<string, string> = Object.create(null) as Record<string, string>;
      for (const [n, v] of this.headerList) out[n] = n in out ? `${out[n]}, ${v}` : v;
      this.headersCache = out;
    }
    return this.headersCache;
  }
}

class FakeRequestBody implements RequestBody {
  constructor(
    private readonly content: Buffer,
    readonly trailers: ReadonlyArray<readonly [string, string]>,
    readonly empty: boolean,
    private readonly maxBodySize: number,
  ) {}

  async buffer(limit = this.maxBodySize): Promise<Buffer> {
    if (this.content.length > limit) throw new HttpError(413, 'content too large');
    return this.content;
  }

  async text(limit?: number): Promise<string> {
    return (await this.buffer(limit)).toString('utf8');
  }

  async json<T = unknown>(limit?: number): Promise<T> {
    const text = await this.text(limit);
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new HttpError(400, 'malformed JSON body');
    }
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Buffer> {
    if (this.content.length > 0) yield this.content;
  }
}

export class FakeResponse implements Response {
  statusCode = 200;
  /** Lower-cased name → values, in the order set. */
  private readonly fields = new Map<string, string[]>();
  private readonly chunks: Buffer[] = [];
  private readonly trailerFields = new Map<string, string>();
  private sent = false;
  private done = false;
  /** How the body was framed: 'send' (one piece), 'stream' (write/end) or undefined if not yet. */
  mode: 'send' | 'stream' | undefined;

  constructor(readonly request: FakeRequest) {}

  get headersSent(): boolean {
    return this.sent;
  }
  get finished(): boolean {
    return this.done;
  }

  /** Everything sent so far as one Buffer. */
  get body(): Buffer {
    return Buffer.concat(this.chunks);
  }
  get text(): string {
    return this.body.toString('utf8');
  }
  /** Header fields as a plain object, multiple values joined with ', '. */
  get headers(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, values] of this.fields) out[name] = values.join(', ');
    return out;
  }
  get trailers(): Record<string, string> {
    return Object.fromEntries(this.trailerFields);
  }

  setHeader(name: string, value: HeaderValue): this {
    this.assertWritable(name);
    const values = (Array.isArray(value) ? value : [value]).map((v) => String(v));
    for (const v of values) assertValue(name, v);
    this.fields.set(name.toLowerCase(), values);
    return this;
  }
  appendHeader(name: string, value: string): this {
    this.assertWritable(name);
    assertValue(name, value);
    const key = name.toLowerCase();
    const values = this.fields.get(key);
    if (values === undefined) this.fields.set(key, [value]);
    else values.push(value);
    return this;
  }
  getHeader(name: string): string | undefined {
    return this.fields.get(name.toLowerCase())?.join(', ');
  }
  hasHeader(name: string): boolean {
    return this.fields.has(name.toLowerCase());
  }
  removeHeader(name: string): this {
    if (this.sent) throw new Error('headers already sent');
    this.fields.delete(name.toLowerCase());
    return this;
  }
  status(code: number): this {
    if (!Number.isInteger(code) || code < 100 || code > 999) throw new RangeError(`invalid status code ${code}`);
    if (this.sent) throw new Error('headers already sent');
    this.statusCode = code;
    return this;
  }

  async send(body?: string | Uint8Array | null): Promise<void> {
    if (this.sent) throw new Error('response already started');
    this.sent = true;
    this.done = true;
    this.mode = 'send';
    if (body !== undefined && body !== null) this.chunks.push(Buffer.from(body));
  }
  async json(value: unknown): Promise<void> {
    if (!this.hasHeader('content-type')) this.setHeader('content-type', 'application/json');
    return this.send(JSON.stringify(value));
  }
  async write(chunk: string | Uint8Array): Promise<void> {
    if (this.done) throw new Error('response already finished');
    this.sent = true;
    this.mode = 'stream';
    this.chunks.push(Buffer.from(chunk));
  }
  async end(chunk?: string | Uint8Array): Promise<void> {
    if (this.done) throw new Error('response already finished');
    if (chunk !== undefined) await this.write(chunk);
    this.sent = true;
    this.mode ??= 'stream';
    this.done = true;
  }
  setTrailer(name: string, value: string): this {
    if (this.done) throw new Error('response already finished');
    if (!TOKEN.test(name)) throw new TypeError(`invalid trailer name ${JSON.stringify(name)}`);
    assertValue(name, value);
    this.trailerFields.set(name.toLowerCase(), value);
    return this;
  }

  private assertWritable(name: string): void {
    if (this.sent) throw new Error('headers already sent');
    if (!TOKEN.test(name)) throw new TypeError(`invalid header name ${JSON.stringify(name)}`);
  }
}

function assertValue(name: string, value: string): void {
  if (UNSAFE_VALUE.test(value)) throw new TypeError(`invalid value for header ${name}: contains CR, LF or NUL`);
}

/** Split a request-target into path, query and (for absolute-form) authority (RFC 9112 §3.2). */
function splitTarget(target: string): { path: string; search: string; authority: string | undefined } {
  if (target === '*') return { path: '/', search: '', authority: undefined };
  let authority: string | undefined;
  let rest = target;
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.exec(target);
  if (scheme !== null) {
    const afterScheme = target.slice(scheme[0].length);
    const end = afterScheme.search(/[/?]/);
    authority = end === -1 ? afterScheme : afterScheme.slice(0, end);
    rest = end === -1 ? '/' : afterScheme.slice(end);
    if (rest.startsWith('?')) rest = `/${rest}`;
  } else if (!target.startsWith('/')) {
    // authority-form (CONNECT): no path of its own.
    return { path: '/', search: '', authority: target };
  }
  const q = rest.indexOf('?');
  return q === -1
    ? { path: rest, search: '', authority }
    : { path: rest.slice(0, q), search: rest.slice(q + 1), authority };
}

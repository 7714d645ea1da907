import type { Clock, Timer } from '../../transport/clock.js';
import { RequestBodyStream } from '../request-body.js';
import type { FieldList, ResponseSink } from '../response-sink.js';
import { ServerRequest } from '../server-request.js';
import { ServerResponse } from '../server-response.js';

/**
 * An in-memory exchange for unit tests of routers, middleware and handlers: the real
 * ServerRequest, RequestBodyStream and ServerResponse (so every rule they enforce is the one
 * tested), with a ResponseSink that records what would have been sent instead of framing it.
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
  req: ServerRequest;
  res: RecordedResponse;
  /** Abort `req.signal`, as when the peer disconnects. */
  abort(reason?: unknown): void;
}

export function fakeExchange(init: FakeExchangeInit = {}): FakeExchange {
  const controller = new AbortController();
  const content = init.body === undefined ? Buffer.alloc(0) : typeof init.body === 'string' ? Buffer.from(init.body, 'utf8') : Buffer.from(init.body);
  const body = new RequestBodyStream({ pause() {}, resume() {}, onFirstRead() {} }, init.body === undefined, init.maxBodySize ?? 1024 * 1024);
  if (content.length > 0) body.push(content);
  body.end(init.trailers ?? []);
  const headerList: Array<[string, string]> = (Array.isArray(init.headers) ? init.headers : Object.entries(init.headers ?? {})).map(([n, v]) => [n.toLowerCase(), v]);
  const req = new ServerRequest({
    method: init.method ?? 'GET',
    target: init.target ?? '/',
    httpVersion: init.httpVersion ?? '1.1',
    authority: headerList.find(([n]) => n === 'host')?.[1] ?? '',
    headerList,
    body,
    remoteAddress: init.remoteAddress ?? '127.0.0.1',
    encrypted: init.encrypted ?? false,
    clock: init.clock ?? new FakeClock(),
    signal: () => controller.signal,
  });
  // Records what the application sent; leaving out a HEAD response's body is the protocol's job.
  const sink = new RecordingSink();
  const res = new RecordedResponse(sink, req);
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

/** Keeps what a protocol would have put on the wire. */
export class RecordingSink implements ResponseSink {
  status = 0;
  fields: FieldList = [];
  trailers: FieldList = [];
  readonly chunks: Buffer[] = [];
  aborted: Error | null = null;

  readonly suppressBody = false;

  sendWhole(status: number, fields: FieldList, body: Uint8Array | string | null): void {
    this.status = status;
    this.fields = [...fields];
    if (body !== null) this.chunks.push(typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body));
  }

  startStream(status: number, fields: FieldList): void {
    this.status = status;
    this.fields = [...fields];
  }

  writeBody(chunk: Uint8Array): boolean {
    this.chunks.push(Buffer.from(chunk));
    return true;
  }

  endStream(trailers: FieldList | null): void {
    this.trailers = trailers ?? [];
  }

  waitForDrain(): Promise<void> {
    return Promise.resolve();
  }

  abort(reason: Error): void {
    this.aborted = reason;
  }
}

/** The real ServerResponse, plus read access to what it sent, for assertions. */
export class RecordedResponse extends ServerResponse {
  constructor(readonly recorded: RecordingSink, request: ServerRequest) {
    super(recorded, request, null);
  }

  get body(): Buffer {
    return Buffer.concat(this.recorded.chunks);
  }

  get text(): string {
    return this.body.toString('utf8');
  }

  /** Fields as sent, names lower-cased, repeated fields joined with ', '. */
  get headers(): Record<string, string> {
    return joinFields(this.recorded.fields);
  }

  get trailers(): Record<string, string> {
    return joinFields(this.recorded.trailers);
  }
}

function joinFields(fields: FieldList): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [n, v] of fields) {
    const name = n.toLowerCase();
    out[name] = name in out ? `${out[name]}, ${v}` : v;
  }
  return out;
}

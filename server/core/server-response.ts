import type { Transform } from 'node:stream';
import type { CompressionPolicy } from './compression-policy.js';
import type { Coding } from './content-coding.js';
import type { FieldList, ResponseSink } from './response-sink.js';
import type { HeaderValue, Request, Response } from './types.js';
import { assertFieldName, assertFieldValue, CONNECTION_SPECIFIC } from './field-validation.js';
import { statusHasNoContent } from './status-text.js';

/**
 * The promise send() returns when it completed synchronously. It is already resolved, so a
 * protocol connection that gets it back from a handler may skip waiting on it (isSettled).
 */
const SETTLED: Promise<void> = Promise.resolve();

/** True for the already-resolved promise a synchronous send() returns. */
export function isSettled(result: unknown): boolean {
  return result === SETTLED;
}

const enum Phase {
  Fresh,
  Streaming,
  Finished,
}

/**
 * The protocol-agnostic Response. It keeps fields as a small list (a response has a handful),
 * validates everything an application sets, applies compression, and drives a ResponseSink.
 */
export class ServerResponse implements Response {
  statusCode = 200;
  private readonly fields: FieldList = [];
  private trailerFields: FieldList | null = null;
  private phase = Phase.Fresh;
  /** Set synchronously by send/write/end, before any await, so the connection knows a reply is under way. */
  private begun = false;
  private declaredLength = -1;
  private written = 0;
  private encoder: Transform | null = null;
  /** Torn down before it finished (the peer reset the stream or went away, or the handler failed mid-stream). */
  private abortedBy: Error | null = null;

  constructor(
    private readonly sink: ResponseSink,
    readonly request: Request,
    private readonly compression: CompressionPolicy | null,
  ) {}

  get headersSent(): boolean {
    return this.phase !== Phase.Fresh;
  }

  get finished(): boolean {
    return this.phase === Phase.Finished;
  }

  /** Whether the application has started answering (possibly still compressing). */
  get started(): boolean {
    return this.begun;
  }

  /**
   * The exchange was torn down before the response finished: nothing the handler does now can
   * reach the peer. A handler still running (awaiting its body, say) learns it from the next call
   * that would change the response, which throws saying so.
   */
  get aborted(): boolean {
    return this.abortedBy !== null;
  }

  status(code: number): this {
    if (!Number.isInteger(code) || code < 100 || code > 999) throw new RangeError(`invalid status code ${code} (RFC 9110 §15)`);
    this.statusCode = code;
    return this;
  }

  setHeader(name: string, value: HeaderValue): this {
    this.assertMutable();
    const lower = checkName(name);
    const values = typeof value === 'string' ? [value] : typeof value === 'number' ? [String(value)] : [...value];
    for (const v of values) assertFieldValue(name, v);
    this.removeLower(lower);
    for (const v of values) this.fields.push([name, v]);
    return this;
  }

  appendHeader(name: string, value: string): this {
    this.assertMutable();
    checkName(name);
    assertFieldValue(name, value);
    this.fields.push([name, value]);
    return this;
  }

  getHeader(name: string): string | undefined {
    const lower = name.toLowerCase();
    let out: string | undefined;
    for (const [n, v] of this.fields) if (n.toLowerCase() === lower) out = out === undefined ? v : `${out}, ${v}`;
    return out;
  }

  hasHeader(name: string): boolean {
    return this.getHeader(name) !== undefined;
  }

  removeHeader(name: string): this {
    this.assertMutable();
    this.removeLower(name.toLowerCase());
    return this;
  }

  setTrailer(name: string, value: string): this {
    if (this.phase === Phase.Finished) throw new Error('response already finished');
    checkName(name);
    assertFieldValue(name, value);
    (this.trailerFields ??= []).push([name, value]);
    return this;
  }

  send(body?: string | Uint8Array | null): Promise<void> {
    // Not an async function: the common uncompressed case completes synchronously and returns a
    // settled promise, with no extra microtask between the handler and the socket write.
    try {
      if (this.begun) throw new Error('response already started: send() must be the only call that answers');
      this.begun = true;
      let content: Uint8Array | string | null = null;
      let length = 0;
      if (typeof body === 'string') {
        content = body;
        length = body.length < 64 ? Buffer.byteLength(body, 'utf8') : -1; // exact below 64 chars is cheap
        if (this.getHeader('content-type') === undefined) this.fields.push(['content-type', 'text/plain; charset=utf-8']);
      } else if (body != null) {
        content = body;
        length = body.length;
        if (this.getHeader('content-type') === undefined) this.fields.push(['content-type', 'application/octet-stream']);
      }
      if (statusHasNoContent(this.statusCode)) content = null;
      if (this.fields.length > 0) this.removeLower('content-length'); // we frame it from the bytes we actually send
      let coding: Coding | null = null;
      if (content !== null && this.compression !== null) {
        if (length < 0) length = Buffer.byteLength(content as string, 'utf8');
        coding = this.negotiateWhole(length);
      }
      if (coding === null) {
        this.phase = Phase.Finished;
        this.sink.sendWhole(this.statusCode, this.fields, content);
        return SETTLED;
      }
      const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content!;
      return this.compression!.encode(coding, bytes).then((encoded) => {
        if (this.phase === Phase.Finished) return; // torn down while compressing
        this.phase = Phase.Finished;
        this.sink.sendWhole(this.statusCode, this.fields, encoded);
      });
    } catch (err) {
      return Promise.reject(err);
    }
  }

  json(value: unknown): Promise<void> {
    if (this.getHeader('content-type') === undefined) this.fields.push(['content-type', 'application/json']);
    return this.send(Buffer.from(JSON.stringify(value) ?? 'null', 'utf8'));
  }

  // Not an async function: a chunk the sink takes at once (the common case when streaming a large
  // body) returns the shared settled promise instead of making one, so a handler's
  // `await res.write()` loop costs a microtask per chunk and nothing more.
  write(chunk: string | Uint8Array): Promise<void> {
    try {
      if (this.phase === Phase.Finished) throw new Error('response already finished');
      this.begun = true;
      if (this.phase === Phase.Fresh) this.startStream();
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      if (bytes.length === 0) return SETTLED;
      this.written += bytes.length;
      if (this.declaredLength >= 0 && this.written > this.declaredLength) {
        const err = new Error(`wrote ${this.written} bytes but Content-Length is ${this.declaredLength}`);
        this.fail(err);
        throw err;
      }
      if (this.encoder !== null) return this.encoder.write(bytes) ? SETTLED : waitEvent(this.encoder, 'drain');
      return this.sink.writeBody(bytes) ? SETTLED : this.sink.waitForDrain();
    } catch (err) {
      return Promise.reject(err);
    }
  }

  async end(chunk?: string | Uint8Array): Promise<void> {
    if (this.phase === Phase.Finished) return;
    if (this.phase === Phase.Fresh && !this.begun) {
      // Nothing streamed yet: a known-length response is cheaper and lets HEAD report the length.
      if (this.trailerFields === null) return this.send(chunk ?? null);
    }
    if (chunk !== undefined) await this.write(chunk);
    else if (this.phase === Phase.Fresh) {
      this.begun = true;
      this.startStream();
    }
    if (this.declaredLength >= 0 && this.written !== this.declaredLength) {
      const err = new Error(`response ended after ${this.written} of ${this.declaredLength} declared bytes`);
      this.fail(err);
      throw err;
    }
    if (this.encoder !== null) {
      const encoder = this.encoder;
      const ended = waitEvent(encoder, 'end');
      encoder.end();
      await ended;
    }
    this.phase = Phase.Finished;
    this.sink.endStream(this.trailerFields);
  }

  /**
   * Answer with an error of the server's own (parse error, timeout, handler failure), discarding
   * whatever fields the handler had set. Only valid before the response has started.
   */
  replaceWithError(status: number, body: string, fields: FieldList): void {
    if (this.begun) throw new Error('replaceWithError: the response has already started');
    this.begun = true;
    this.phase = Phase.Finished;
    this.statusCode = status;
    this.sink.sendWhole(status, [['content-type', 'text/plain; charset=utf-8'], ...fields], body);
  }

  /** The exchange is being torn down (handler error mid-stream, peer gone). */
  fail(reason: Error): void {
    if (this.phase === Phase.Finished) return;
    this.phase = Phase.Finished;
    this.abortedBy = reason;
    this.encoder?.destroy();
    this.sink.abort(reason);
  }

  private startStream(): void {
    const declared = this.getHeader('content-length');
    this.declaredLength = declared !== undefined && /^[0-9]+$/.test(declared) ? Number(declared) : -1;
    if (this.compression !== null && !statusHasNoContent(this.statusCode)) {
      const eligible = this.compression.eligible(this.statusCode, this.getHeader('content-type'), this.getHeader('content-encoding'), this.declaredLength);
      if (eligible) {
        this.appendVary();
        const coding = this.compression.choose(this.request.header('accept-encoding'));
        if (coding !== null) {
          this.fields.push(['content-encoding', coding]);
          this.removeLower('content-length');
          this.declaredLength = -1;
          this.encoder = this.compression.encoder(coding);
          this.pumpEncoder(this.encoder);
        }
      }
    }
    this.phase = Phase.Streaming;
    this.sink.startStream(this.statusCode, this.fields, this.declaredLength);
  }

  /** Move encoder output to the sink, pausing the encoder while the peer is not reading. */
  private pumpEncoder(encoder: Transform): void {
    encoder.on('data', (out: Buffer) => {
      if (!this.sink.writeBody(out)) {
        encoder.pause();
        void this.sink.waitForDrain().then(() => encoder.resume());
      }
    });
    encoder.on('error', (err: Error) => this.fail(err));
  }

  /** The coding for a whole body of `length` bytes (adding Vary when it is negotiable), or null. */
  private negotiateWhole(length: number): Coding | null {
    const policy = this.compression!;
    if (length < policy.threshold) return null; // the cheap test first: most small bodies stop here
    if (!policy.eligible(this.statusCode, this.getHeader('content-type'), this.getHeader('content-encoding'), length)) return null;
    this.appendVary();
    const coding = policy.choose(this.request.header('accept-encoding'));
    if (coding !== null) this.fields.push(['content-encoding', coding]);
    return coding;
  }

  private appendVary(): void {
    const vary = this.getHeader('vary');
    if (vary === undefined) this.fields.push(['vary', 'accept-encoding']);
    else if (!/(^|,)\s*(accept-encoding|\*)\s*(,|$)/i.test(vary)) this.fields.push(['vary', 'accept-encoding']);
  }

  private removeLower(lower: string): void {
    for (let i = this.fields.length - 1; i >= 0; i--) if (this.fields[i]![0].toLowerCase() === lower) this.fields.splice(i, 1);
  }

  private assertMutable(): void {
    if (this.abortedBy !== null) throw new Error(`the exchange was torn down (${this.abortedBy.message}): the response can no longer change`);
    if (this.phase !== Phase.Fresh || this.begun) throw new Error('cannot change header fields after the response has started');
  }
}

function checkName(name: string): string {
  assertFieldName(name);
  const lower = name.toLowerCase();
  if (CONNECTION_SPECIFIC.has(lower)) {
    throw new TypeError(`"${name}" is managed by the protocol layer and cannot be set by a handler (RFC 9110 §7.6.1)`);
  }
  return lower;
}

function waitEvent(emitter: NodeJS.EventEmitter, event: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onEvent = () => {
      emitter.off('error', onError);
      resolve();
    };
    const onError = (err: Error) => {
      emitter.off(event, onEvent);
      reject(err);
    };
    emitter.once(event, onEvent);
    emitter.once('error', onError);
  });
}

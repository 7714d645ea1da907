import { RequestBodyStream, type BodySource } from '../core/request-body.js';
import { ServerRequest } from '../core/server-request.js';
import { DecodedRequestBody } from '../core/decoded-body.js';
import { ServerResponse } from '../core/server-response.js';
import type { FieldList, ResponseSink } from '../core/response-sink.js';
import type { HandlerFailureTarget } from '../core/run-handler.js';
import type { FinishedExchange } from '../core/exchange-observer.js';
import { statusHasNoContent } from '../core/status-text.js';
import { HttpError } from '../core/types.js';
import type { RequestFields } from './request-fields.js';
import { FlowWindow } from './flow-window.js';
import { ErrorCode } from './frames/constants.js';
import type { Http2Connection } from './http2-connection.js';

/** Stream states a server sees (RFC 9113 §5.1; no server push, so no "reserved" states). */
export const enum StreamState {
  Open,
  /** The peer sent END_STREAM: the request is complete. */
  HalfClosedRemote,
  /** We sent END_STREAM: the response is complete, the request is not. */
  HalfClosedLocal,
  Closed,
}

/** Queued response output, sent in order as flow control allows. */
type Output = { kind: 'data'; bytes: Buffer; offset: number; end: boolean } | { kind: 'trailers'; fields: Array<[string, string]> };

/** Unsent response bytes per stream above which writeBody() asks the application to wait. */
const OUTPUT_HIGH_WATER = 64 * 1024;

/**
 * One request/response exchange on an HTTP/2 connection: its state, its two flow-control
 * windows, the request body pushed to the application (credit goes back to the peer as the
 * application reads), and the ResponseSink that turns the protocol-agnostic Response into
 * HEADERS and DATA frames.
 */
export class Http2Stream implements ResponseSink, BodySource, HandlerFailureTarget, FinishedExchange {
  state = StreamState.Open;
  /** What we may still send on this stream. */
  readonly sendWindow: FlowWindow;
  /** What the peer may still send us on this stream. */
  recvWindow: number;
  /** Received bytes not yet credited back with WINDOW_UPDATE. */
  creditOwed = 0;
  /** The application is not reading: hold the credit (the peer's window then closes). */
  creditHeld = false;
  readonly request: ServerRequest;
  readonly response: ServerResponse;
  readonly body: RequestBodyStream;
  readonly suppressBody: boolean;
  readonly expectContinue: boolean;
  /** Content bytes received, checked against content-length (RFC 9113 §8.1.1). */
  received = 0;
  responded = false;
  headersSent = false;
  /** A CONNECT tunnel (RFC 9113 §8.5): half-closes like TCP instead of ending with the response. */
  isTunnel = false;
  /** The response completed first: the rest of the request is still checked, then dropped. */
  requestDiscarded = false;
  readonly output: Output[] = [];
  queuedBytes = 0;
  private drainWaiters: Array<() => void> = [];
  private abortController: AbortController | null = null;
  private continueSent = false;
  // FinishedExchange, for the server's observer (metrics, access log); untouched when metrics and observer are off.
  bodyBytesSent = 0;
  /** When the stream opened, on the server's clock (0 when nobody measures). */
  startedAt = 0;
  /** -1 until the exchange is reported finished (once). */
  endedAt = -1;
  aborted = false;
  private responseStatus = 0;

  constructor(
    readonly id: number,
    private readonly connection: Http2Connection,
    readonly fields: RequestFields,
    endStream: boolean,
    sendWindow: number,
    recvWindow: number,
  ) {
    this.sendWindow = new FlowWindow(sendWindow);
    this.recvWindow = recvWindow;
    if (endStream) this.state = StreamState.HalfClosedRemote;
    this.suppressBody = fields.method === 'HEAD';
    this.expectContinue = !endStream && fields.headers.some(([n, v]) => n === 'expect' && v.toLowerCase() === '100-continue');
    const config = connection.config;
    this.body = new RequestBodyStream(this, endStream, config.maxBodyBytes, connection.meter);
    let body: RequestBodyStream | DecodedRequestBody = this.body;
    const encoding = fields.headers.find(([n]) => n === 'content-encoding')?.[1];
    if (!endStream && encoding !== undefined && config.maxDecompressedBodyBytes !== null) body = new DecodedRequestBody(this.body, encoding, config.maxDecompressedBodyBytes);
    const info = connection.transport.info;
    this.request = new ServerRequest({
      method: fields.method,
      target: fields.path,
      httpVersion: '2',
      authority: fields.authority,
      headerList: fields.headers,
      body,
      remoteAddress: info.remoteAddress,
      encrypted: info.encrypted,
      tlsSource: info,
      clock: connection.context.clock,
      signal: () => (this.abortController ??= new AbortController()).signal,
    });
    this.response = new ServerResponse(this, this.request, config.compression);
    if (connection.observer !== null || connection.metrics !== null) this.startedAt = connection.context.clock.now();
    connection.observer?.exchangeStarted();
  }

  get streamId(): number {
    return this.id;
  }

  get connectionId(): number {
    return this.connection.id;
  }

  /** The final status sent; 0 while no response HEADERS went out. */
  get status(): number {
    return this.headersSent ? this.responseStatus : 0;
  }

  /** Tell the observer, once, that this exchange is over: END_STREAM sent, or (aborted) torn down first. */
  reportFinished(aborted: boolean): void {
    const observer = this.connection.observer;
    if (observer === null || this.endedAt >= 0) return;
    this.aborted = aborted;
    this.endedAt = this.connection.context.clock.now();
    observer.exchangeFinished(this);
  }

  get endStreamReceived(): boolean {
    return this.state === StreamState.HalfClosedRemote || this.state === StreamState.Closed;
  }

  get endStreamSent(): boolean {
    return this.state === StreamState.HalfClosedLocal || this.state === StreamState.Closed;
  }

  /** The exchange will never complete (reset, connection gone). */
  cancel(reason: Error): void {
    this.body.fail(reason);
    this.abortController?.abort(reason);
    this.response.fail(reason);
    this.wakeDrainWaiters();
  }

  /** The response is complete before the request: nobody reads the rest of the body. */
  discardRequest(reason: Error): void {
    this.requestDiscarded = true;
    this.body.fail(reason);
  }

  // ---- BodySource ----

  pause(): void {
    this.creditHeld = true;
  }

  resume(): void {
    this.creditHeld = false;
    this.connection.returnCredit(this);
  }

  onFirstRead(): void {
    // RFC 9110 §10.1.1 over HTTP/2: an interim 100 response in its own HEADERS frame.
    if (this.expectContinue && !this.continueSent && !this.headersSent && this.state === StreamState.Open) {
      this.continueSent = true;
      this.connection.sendHeaders(this, [[':status', '100']], false);
    }
  }

  // ---- ResponseSink ----

  sendWhole(status: number, fields: FieldList, body: Uint8Array | string | null): void {
    const bytes = body === null ? null : typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    const noContent = statusHasNoContent(status);
    const length = noContent ? -1 : (bytes?.length ?? 0);
    const empty = noContent || this.suppressBody || bytes === null || bytes.length === 0;
    this.responded = true;
    this.responseStatus = status;
    this.connection.sendHeaders(this, this.responseFields(status, fields, length), empty);
    if (!empty) this.queue({ kind: 'data', bytes: bytes!, offset: 0, end: true }, bytes!.length);
  }

  startStream(status: number, fields: FieldList, contentLength: number): void {
    const noContent = statusHasNoContent(status);
    const empty = noContent || this.suppressBody;
    this.responseStatus = status;
    this.connection.sendHeaders(this, this.responseFields(status, fields, noContent ? -1 : contentLength), empty);
  }

  writeBody(chunk: Uint8Array): boolean {
    if (this.suppressBody || this.endStreamSent || this.state === StreamState.Closed || chunk.length === 0) return true;
    // The caller may reuse its buffer once we return: keep our own view only when it is a Buffer we can hold.
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
    this.queue({ kind: 'data', bytes, offset: 0, end: false }, bytes.length);
    return this.queuedBytes < OUTPUT_HIGH_WATER;
  }

  endStream(trailers: FieldList | null): void {
    this.responded = true;
    if (this.suppressBody || this.endStreamSent || this.state === StreamState.Closed) return;
    if (trailers !== null && trailers.length > 0) {
      this.queue({ kind: 'trailers', fields: trailers.map(([n, v]) => [n.toLowerCase(), v]) }, 0);
    } else {
      // The last chunk is still queued: END_STREAM rides on its final DATA frame (§6.1) instead
      // of costing a frame of its own.
      const last = this.output[this.output.length - 1];
      if (last !== undefined && last.kind === 'data' && !last.end) {
        last.end = true;
        this.connection.scheduleOutput(this);
      } else this.queue({ kind: 'data', bytes: EMPTY, offset: 0, end: true }, 0);
    }
  }

  waitForDrain(): Promise<void> {
    if (this.queuedBytes < OUTPUT_HIGH_WATER || this.state === StreamState.Closed) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  abort(_reason: Error): void {
    // A broken response must look broken: RST_STREAM, never a clean END_STREAM (RFC 9113 §8.1).
    this.connection.resetStream(this, ErrorCode.INTERNAL_ERROR, 'the response failed mid-stream');
  }

  // ---- HandlerFailureTarget ----

  sendError(status: number, message: string, fields: Array<[string, string]>): void {
    this.response.replaceWithError(status, `${message}\n`, fields);
  }

  // ---- For the connection ----

  /** Output was sent: wake a writer waiting for room. */
  outputSent(bytes: number): void {
    this.bodyBytesSent += bytes;
    this.queuedBytes -= bytes;
    this.connection.meter.retain(-bytes);
    if (this.queuedBytes < OUTPUT_HIGH_WATER) this.wakeDrainWaiters();
  }

  wakeDrainWaiters(): void {
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const w of waiters) w();
  }

  /** A request body error the connection detected (content-length mismatch): the handler's read fails. */
  failBody(status: number, message: string): void {
    this.body.fail(new HttpError(status, message));
  }

  private queue(item: Output, bytes: number): void {
    // A reset stream sends nothing more (RFC 9113 §5.1 "closed").
    if (this.state === StreamState.Closed) return;
    this.output.push(item);
    this.queuedBytes += bytes;
    // Response bytes waiting for the peer's credit are held by the connection.
    this.connection.meter.retain(bytes);
    this.connection.scheduleOutput(this);
  }

  private responseFields(status: number, fields: FieldList, contentLength: number): Array<[string, string]> {
    const out: Array<[string, string]> = [[':status', String(status)]];
    let hasLength = false;
    for (const [name, value] of fields) {
      // §8.2: names are lower-case on the wire; the application may have written them otherwise.
      const lower = name.toLowerCase();
      if (lower === 'content-length') hasLength = true;
      out.push([lower, value]);
    }
    if (!hasLength && contentLength >= 0) out.push(['content-length', String(contentLength)]);
    out.push(['date', this.connection.date.get()]);
    return out;
  }
}

const EMPTY = Buffer.alloc(0);

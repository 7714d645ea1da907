import { RequestBodyStream, type BodySource } from '../core/request-body.js';
import { ServerRequest } from '../core/server-request.js';
import { DecodedRequestBody } from '../core/decoded-body.js';
import { ServerResponse } from '../core/server-response.js';
import type { FieldList, ResponseSink } from '../core/response-sink.js';
import type { HandlerFailureTarget } from '../core/run-handler.js';
import type { FinishedExchange } from '../core/exchange-observer.js';
import { statusHasNoContent } from '../core/status-text.js';
import type { RequestHead } from './request-head.js';
import { chunkHeader, lastChunk, serializeHead, type ResponseFraming } from './response-head.js';
import type { Http1Connection } from './http1-connection.js';

const CONTINUE = Buffer.from('HTTP/1.1 100 Continue\r\n\r\n', 'latin1');
const CRLF = Buffer.from('\r\n', 'latin1');
/** Chunks up to this size are copied into one buffer with their chunk header; larger are written as they are. */
const COALESCE_LIMIT = 16 * 1024;

/**
 * One request/response exchange on an HTTP/1.1 connection. It is the ResponseSink that turns the
 * protocol-agnostic Response into bytes, and the BodySource behind the request's body stream.
 */
export class Http1Exchange implements ResponseSink, BodySource, HandlerFailureTarget, FinishedExchange {
  readonly request: ServerRequest;
  readonly response: ServerResponse;
  readonly body: RequestBodyStream;
  readonly suppressBody: boolean;
  /** The request message has been read to its end. */
  messageComplete = false;
  /** The response has been handed to the transport in full. */
  responded = false;
  /** Close the connection once this response is out. */
  closeAfter: boolean;
  private continueSent = false;
  private framing: ResponseFraming = { kind: 'none' };
  private abortController: AbortController | null = null;
  // FinishedExchange, for the server's observer (metrics, access log); untouched when there is none.
  readonly streamId = 0;
  /** The final status line sent (0 until one is). */
  status = 0;
  bodyBytesSent = 0;
  startedAt = 0;
  /** -1 until the exchange is reported finished (once). */
  endedAt = -1;
  aborted = false;

  constructor(
    private readonly connection: Http1Connection,
    readonly head: RequestHead,
    closeAfter: boolean,
  ) {
    this.closeAfter = closeAfter;
    this.suppressBody = head.method === 'HEAD';
    const conn = connection;
    this.body = new RequestBodyStream(this, head.framing.kind === 'none', conn.config.limits.maxBodyBytes, conn.meter);
    const maxDecoded = conn.config.maxDecompressedBodyBytes;
    let body: RequestBodyStream | DecodedRequestBody = this.body;
    if (maxDecoded !== null && head.framing.kind !== 'none') {
      const coding = contentEncodingOf(head);
      if (coding !== null) body = new DecodedRequestBody(this.body, coding, maxDecoded);
    }
    this.request = new ServerRequest({
      method: head.method,
      target: head.target,
      httpVersion: head.versionMinor === 0 ? '1.0' : '1.1',
      authority: head.authority,
      headerList: head.headers,
      body,
      remoteAddress: conn.transport.info.remoteAddress,
      encrypted: conn.transport.info.encrypted,
      tlsSource: conn.transport.info,
      clock: conn.context.clock,
      signal: () => (this.abortController ??= new AbortController()).signal,
    });
    this.response = new ServerResponse(this, this.request, conn.config.compression);
    if (conn.observer !== null) {
      this.startedAt = conn.now();
      conn.observer.exchangeStarted();
    }
  }

  get connectionId(): number {
    return this.connection.id;
  }

  /**
   * Tell the observer, once, that this exchange is over: its response handed to the transport in
   * full, or (aborted) torn down before that.
   */
  reportFinished(aborted: boolean): void {
    const observer = this.connection.observer;
    if (observer === null || this.endedAt >= 0) return;
    this.aborted = aborted;
    this.endedAt = this.connection.now();
    observer.exchangeFinished(this);
  }

  get done(): boolean {
    return this.messageComplete && this.responded;
  }

  /** The exchange will never complete normally (connection closed, timeout, parse error). */
  cancel(reason: Error): void {
    this.body.fail(reason);
    this.abortController?.abort(reason);
  }

  // BodySource

  pause(): void {
    this.connection.setReadPaused('body', true);
  }

  resume(): void {
    this.connection.setReadPaused('body', false);
  }

  onFirstRead(): void {
    // RFC 9110 §10.1.1: tell a waiting client to send the content, unless a final status went out.
    if (this.head.expectContinue && !this.continueSent && !this.response.headersSent && !this.responded) {
      this.continueSent = true;
      this.connection.meter.responded();
      this.connection.write(CONTINUE);
    }
  }

  /** The client asked for 100-continue and never got it: it may not send the body at all. */
  get awaitingContinue(): boolean {
    return this.head.expectContinue && !this.continueSent;
  }

  // ResponseSink

  sendWhole(status: number, fields: FieldList, body: Uint8Array | string | null): void {
    // Through the connection, which meters what goes out.
    const transport = this.connection;
    let ok = true;
    const noContent = statusHasNoContent(status);
    if (typeof body === 'string') {
      const length = Buffer.byteLength(body, 'utf8');
      const head = this.headString(status, fields, noContent ? { kind: 'none' } : { kind: 'length', length });
      if (noContent || this.suppressBody || length === 0) ok = transport.writeLatin1(head);
      else {
        this.bodyBytesSent = length;
        // ASCII text is its own latin1 encoding: head and body go down as one string, one write.
        if (length === body.length && length <= COALESCE_LIMIT) ok = transport.writeLatin1(head + body);
        else {
          ok = transport.writeLatin1(head);
          ok = transport.write(Buffer.from(body, 'utf8'));
        }
      }
      if (!ok) this.connection.noteWriteBlocked();
      this.finishResponse();
      return;
    }
    const length = body === null ? 0 : body.length;
    const head = this.headString(status, fields, noContent ? { kind: 'none' } : { kind: 'length', length });
    if (body === null || length === 0 || this.suppressBody || noContent) {
      ok = transport.writeLatin1(head);
    } else if (length <= COALESCE_LIMIT) {
      this.bodyBytesSent = length;
      // One write, one syscall for the whole response.
      const out = Buffer.allocUnsafe(head.length + length);
      out.write(head, 0, 'latin1');
      out.set(body, head.length);
      ok = transport.write(out);
    } else {
      this.bodyBytesSent = length;
      ok = transport.writeLatin1(head);
      ok = transport.write(body);
    }
    if (!ok) this.connection.noteWriteBlocked();
    this.finishResponse();
  }

  startStream(status: number, fields: FieldList, contentLength: number): void {
    let framing: ResponseFraming;
    if (statusHasNoContent(status)) framing = { kind: 'none' };
    else if (contentLength >= 0) framing = { kind: 'length', length: contentLength };
    else if (this.head.versionMinor >= 1) framing = { kind: 'chunked' };
    else {
      // RFC 9112 §6.3 rule 8: an HTTP/1.0 client cannot parse chunked; the close delimits content.
      framing = { kind: 'close' };
      this.closeAfter = true;
    }
    this.framing = framing;
    if (!this.connection.writeLatin1(this.headString(status, fields, framing))) this.connection.noteWriteBlocked();
  }

  writeBody(chunk: Uint8Array): boolean {
    // Through the connection, which meters what goes out.
    const transport = this.connection;
    if (this.suppressBody || this.framing.kind === 'none' || chunk.length === 0) return true;
    this.bodyBytesSent += chunk.length;
    let ok: boolean;
    if (this.framing.kind !== 'chunked') ok = transport.write(chunk);
    else if (chunk.length <= COALESCE_LIMIT) {
      const header = chunkHeader(chunk.length);
      const out = Buffer.allocUnsafe(header.length + chunk.length + 2);
      out.write(header, 0, 'latin1');
      out.set(chunk, header.length);
      out[out.length - 2] = 0x0d;
      out[out.length - 1] = 0x0a;
      ok = transport.write(out);
    } else {
      transport.writeLatin1(chunkHeader(chunk.length));
      transport.write(chunk);
      ok = transport.write(CRLF);
    }
    if (!ok) this.connection.noteWriteBlocked();
    return ok;
  }

  endStream(trailers: FieldList | null): void {
    // Trailers only exist in the chunked coding (RFC 9112 §7.1.2); otherwise they are dropped.
    if (this.framing.kind === 'chunked' && !this.suppressBody) this.connection.writeLatin1(lastChunk(trailers));
    if (this.framing.kind === 'close') this.closeAfter = true;
    this.finishResponse();
  }

  waitForDrain(): Promise<void> {
    return this.connection.waitForDrain();
  }

  /** HandlerFailureTarget: answer with an error of the server's own. */
  sendError(status: number, message: string, fields: Array<[string, string]>): void {
    this.connection.sendError(this, status, message, fields);
  }

  abort(reason: Error): void {
    this.connection.abortExchange(this, reason);
  }

  /** Called once per final response head: the meter counts it as one response. */
  private headString(status: number, fields: FieldList, framing: ResponseFraming): string {
    this.connection.meter.responded();
    this.status = status;
    const connection = this.connection.connectionField(this);
    return serializeHead(status, fields, framing, connection, this.connection.date.get(this.connection.now()));
  }

  private finishResponse(): void {
    this.responded = true;
    this.reportFinished(false);
    this.connection.responseFinished(this);
  }
}

function contentEncodingOf(head: RequestHead): string | null {
  let value: string | null = null;
  for (const [name, v] of head.headers) if (name === 'content-encoding') value = value === null ? v : `${value}, ${v}`;
  return value;
}

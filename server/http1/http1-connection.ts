import type { Transport, TransportError, TransportEvents } from '../transport/transport.js';
import { Deadline } from '../transport/deadline.js';
import { ObservedTransport } from '../transport/observed-transport.js';
import { HttpDate } from '../core/http-date.js';
import { HttpError } from '../core/types.js';
import { Tunnel } from '../core/tunnel.js';
import { runHandler } from '../core/run-handler.js';
import { connectAllowed, dialConnectTarget } from '../core/connect-dial.js';
import { nextConnectionId } from '../core/connection-id.js';
import { WorkMeter, type RetainedProbe } from '../core/work-meter.js';
import type { ExchangeObserver } from '../core/exchange-observer.js';
import { matchPreface, matchedPrefaceOctets, PREFACE_REQUEST_LINE_LENGTH } from '../http2/frames/preface.js';
import { RequestParser, type RequestParserEvents } from './request-parser.js';
import { HttpParseError } from './parse-error.js';
import type { RequestHead } from './request-head.js';
import { Http1Exchange } from './http1-exchange.js';
import { serializeHead } from './response-head.js';
import type { ConnectionContext, Http1Config, UpgradeHandler } from './http1-options.js';

/** Which timeout the connection's single deadline currently stands for. */
const enum Phase {
  /** Between requests (or before the first): keep-alive idle timeout. */
  Idle,
  /** A request's header section is arriving. */
  Head,
  /** A request's body is arriving. */
  Body,
  /** Waiting on the application: no read timeout applies. */
  Handling,
  /** Closing (RFC 9112 §9.6): our FIN is sent, the peer's input is read and discarded until it closes. */
  Closing,
}

const EMPTY = Buffer.alloc(0);

/** Linger used when lingerMs is configured as 0: a close must still end somewhere. */
const DEFAULT_CLOSE_LINGER_MS = 2_000;

type PauseReason = 'body' | 'pipeline' | 'takeover';

/**
 * An HTTP/1.1 server connection (RFC 9112) over a Transport and a Clock, with no other I/O.
 *
 * Requests are handled one at a time in arrival order: while a response is pending, pipelined
 * input is held (and reading paused past a bound), so responses leave in request order and a
 * client cannot make the server queue unbounded work. The request body is streamed to the
 * handler with backpressure; the response is streamed to the peer with backpressure.
 */
export class Http1Connection implements TransportEvents, RequestParserEvents, RetainedProbe {
  readonly id = nextConnectionId();
  readonly date: HttpDate;
  /** The server's exchange observer (metrics, access log), or null: then nothing is measured. */
  readonly observer: ExchangeObserver | null;
  private readonly parser: RequestParser;
  private readonly deadline: Deadline;
  private readonly sendStall: Deadline;
  private phase = Phase.Idle;
  private current: Http1Exchange | null = null;
  private held: Buffer[] = [];
  private heldBytes = 0;
  private readonly pausedFor = new Set<PauseReason>();
  private requests = 0;
  private feeding = false;
  private peerEnded = false;
  private draining = false;
  private closing = false;
  private closed = false;
  /** The transport was handed to an Upgrade or a CONNECT tunnel. */
  private detached = false;
  private drainWaiters: Array<() => void> = [];
  private blocked = false;
  /** A finished exchange waits for the peer to read its response before the next request. */
  private resumeAfterDrain = false;
  /** Bytes read so far while they could still be the HTTP/2 preface; null once decided (or h2 off). */
  private prefaceCheck: Buffer | null;
  /** Clock reading for the synchronous onData turn in progress; -1 outside one. */
  private turnNow = -1;

  constructor(
    readonly transport: Transport,
    readonly context: ConnectionContext,
    readonly config: Http1Config,
    /** Work done for the peer (amplification budgets); handed on with the transport to h2c. */
    readonly meter: WorkMeter = new WorkMeter(),
  ) {
    meter.watch(this);
    this.observer = context.observer ?? null;
    this.date = new HttpDate(context.clock);
    this.parser = new RequestParser(this, config.limits);
    this.deadline = new Deadline(context.clock, () => this.onDeadline());
    this.sendStall = new Deadline(context.clock, () => this.onSendStall());
    this.prefaceCheck = config.priorKnowledge !== null ? EMPTY : null;
    transport.attach(this);
    this.deadline.set(config.timeouts.keepAliveMs);
  }

  /** No request in progress: a drain may close this connection right away. */
  get idle(): boolean {
    return this.current === null && this.parser.idle && this.heldBytes === 0;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  // ---- Graceful drain (called by the server) ----

  /** Finish the request in flight, if any, then close; close now if idle. */
  drain(): void {
    // A tunnel or an upgraded protocol cannot be drained from here: it ends by itself, or the
    // drain deadline resets it through destroy().
    if (this.closed || this.detached) return;
    this.draining = true;
    if (this.current === null) this.closeTransport();
    else this.current.closeAfter = true;
  }

  /** Force-close (drain deadline passed, or server shutdown). */
  destroy(): void {
    if (this.closed) return;
    this.transport.reset();
  }

  // ---- TransportEvents ----

  onData(data: Buffer): void {
    this.meter.read(data.length);
    const timed = this.meter.beginTurn();
    try {
      this.receive(data);
    } finally {
      this.meter.endTurn(timed);
    }
  }

  /** What the meter counts as held right now: input waiting, the parser's partial head, output queued. */
  retainedBytes(): number {
    return this.heldBytes + this.parser.heldBytes + (this.prefaceCheck === null ? 0 : this.prefaceCheck.length) + this.transport.writableLength;
  }

  /** Every byte of our output goes through these two, so the meter sees it. */
  write(chunk: Uint8Array): boolean {
    this.meter.wrote(chunk.length);
    return this.transport.write(chunk);
  }

  /** The string is latin1, one byte per character. */
  writeLatin1(text: string): boolean {
    this.meter.wrote(text.length);
    return this.transport.writeLatin1(text);
  }

  private receive(data: Buffer): void {
    if (this.closing || this.detached) return;
    let chunk = data;
    if (this.prefaceCheck !== null) {
      // RFC 9113 §3.3: a connection that starts with the HTTP/2 preface is h2c with prior knowledge.
      const got = this.prefaceCheck.length > 0 ? Buffer.concat([this.prefaceCheck, data]) : data;
      const match = matchPreface(got);
      if (match === 'partial') {
        this.prefaceCheck = Buffer.from(got);
        return;
      }
      this.prefaceCheck = null;
      // A whole "PRI * HTTP/2.0" line is a client speaking HTTP/2 with a broken preface, not an
      // HTTP/1.x request (PRI is reserved for the preface): HTTP/2 answers it with GOAWAY
      // PROTOCOL_ERROR (RFC 9113 §3.4).
      if (match === 'match' || matchedPrefaceOctets(got) >= PREFACE_REQUEST_LINE_LENGTH) {
        this.handOverToHttp2(got);
        return;
      }
      chunk = got;
    }
    // Input is parsed strictly in arrival order: while anything is held, new bytes queue behind it.
    if (this.held.length > 0 || !this.canParse()) {
      this.hold(chunk);
      if (this.canParse()) this.feedHeld();
      return;
    }
    // One clock read serves every deadline and Date field set while handling this chunk.
    this.turnNow = this.context.clock.now();
    try {
      this.feed(chunk);
    } finally {
      this.turnNow = -1;
    }
  }

  /** The time read at the start of the current onData turn, or a fresh reading outside one. */
  now(): number {
    return this.turnNow >= 0 ? this.turnNow : this.context.clock.now();
  }

  onEnd(): void {
    this.peerEnded = true;
    if (this.detached) return;
    if (this.closing) {
      this.transport.close(); // the staged close is complete
      return;
    }
    // With requests in flight or held, answer them all first: afterIdle() closes once nothing
    // complete is left (a client may pipeline requests and half-close, RFC 9112 §9.6).
    // A message cut off by the FIN is truncated now (400); complete ones still get answers.
    if ((this.current === null && this.heldBytes === 0) || (this.current !== null && !this.current.messageComplete)) this.finishInput();
  }

  onDrain(): void {
    const timed = this.meter.beginTurn();
    try {
      this.drained();
    } finally {
      this.meter.endTurn(timed);
    }
  }

  private drained(): void {
    this.blocked = false;
    this.sendStall.clear();
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const w of waiters) w();
    if (this.resumeAfterDrain && this.current !== null && this.current.done && !this.closing && !this.closed) {
      this.resumeAfterDrain = false;
      this.completeExchange();
      this.feedHeld();
    }
  }

  onError(error: TransportError): void {
    this.context.logger.log('debug', 'http1.transport-error', { connection: this.id, code: error.code, message: error.message });
  }

  onClose(): void {
    if (this.closed) return;
    this.closed = true;
    this.deadline.dispose();
    this.sendStall.dispose();
    if (this.current !== null && !this.current.done) {
      this.current.cancel(new HttpError(499, 'connection closed before the exchange completed'));
      this.current.response.fail(new Error('connection closed'));
    }
    this.onDrain(); // release writers waiting on a transport that is gone
    this.current?.body.releaseMeter();
    this.meter.end();
    this.context.connectionClosed(this);
  }

  // ---- Parsing ----

  /** Whether the next input byte may be parsed now: not while a complete request awaits its response. */
  private canParse(): boolean {
    return !this.closing && !this.detached && !(this.current !== null && this.current.messageComplete);
  }

  /** `fromHeld`: `data` came off the front of the held queue, so a remainder goes back to the front. */
  private feed(data: Buffer, fromHeld = false): void {
    this.feeding = true;
    try {
      let i = 0;
      while (i < data.length && !this.closing && !this.detached) {
        if (this.phase === Phase.Idle) this.enterPhase(Phase.Head);
        try {
          i = this.parser.execute(data, i);
        } catch (err) {
          if (err instanceof HttpParseError) {
            this.onParseError(err);
            return;
          }
          throw err;
        }
        const ex = this.current;
        if (ex === null || !ex.messageComplete) continue;
        // A message ended here.
        if (ex.head.method === 'CONNECT' || this.pendingUpgrade !== null) {
          this.takeOver(ex, data.subarray(i));
          return;
        }
        if (ex.done && !this.blocked) this.completeExchange();
        else {
          // Either the response is pending, or it is written but the peer is not reading it:
          // keep the rest for later, in order.
          if (ex.done) this.resumeAfterDrain = true;
          if (i < data.length) this.hold(data.subarray(i), fromHeld);
          return;
        }
      }
    } finally {
      this.feeding = false;
    }
    if (this.current === null && this.parser.idle && !this.closing && !this.detached) this.afterIdle();
  }

  private hold(chunk: Buffer, atFront = false): void {
    if (atFront) this.held.unshift(chunk);
    else this.held.push(chunk);
    this.heldBytes += chunk.length;
    if (this.heldBytes > this.config.maxPipelinedBytes) this.setReadPaused('pipeline', true);
  }

  /** Parse input held while the previous response was pending. */
  private feedHeld(): void {
    // Keep going while parsing is allowed: a request whose body is still in the queue must get it.
    while (this.held.length > 0 && this.canParse()) {
      const chunk = this.held.shift()!;
      this.heldBytes -= chunk.length;
      this.feed(chunk, true);
    }
    if (this.heldBytes <= this.config.maxPipelinedBytes) this.setReadPaused('pipeline', false);
    if (this.current === null && this.held.length === 0 && !this.closing && !this.detached) this.afterIdle();
  }

  /** Nothing to do until the peer sends more: keep-alive timer, or close if the peer has gone. */
  private afterIdle(): void {
    if (this.peerEnded) {
      this.finishInput();
      return;
    }
    if (this.draining) {
      this.closeTransport();
      return;
    }
    if (this.parser.idle) this.enterPhase(Phase.Idle);
  }

  /** The peer's input is over: a clean end between requests, or a truncated request. */
  private finishInput(): void {
    try {
      this.parser.finish();
    } catch (err) {
      if (err instanceof HttpParseError) {
        this.onParseError(err);
        return;
      }
      throw err;
    }
    this.closeTransport();
  }

  // ---- RequestParserEvents ----

  private pendingUpgrade: UpgradeHandler | null = null;
  private upgradeBody: Buffer[] = [];

  onHead(head: RequestHead): void {
    this.requests++;
    const closeAfter = !head.keepAlive || this.draining || this.requests >= this.config.maxRequestsPerConnection;
    const ex = new Http1Exchange(this, head, closeAfter);
    this.current = ex;
    this.enterPhase(head.framing.kind === 'none' ? Phase.Handling : Phase.Body);
    if (head.method === 'CONNECT') return; // handled once the message ends (it has no content)
    const upgrade = this.findUpgrade(head);
    if (upgrade !== null) {
      this.pendingUpgrade = upgrade;
      this.upgradeBody = [];
      return;
    }
    this.dispatch(ex);
  }

  onBody(chunk: Buffer): void {
    if (this.phase === Phase.Body && this.pausedFor.size === 0) this.deadline.set(this.config.timeouts.bodyMs, this.now());
    if (this.pendingUpgrade !== null) this.upgradeBody.push(Buffer.from(chunk));
    else this.current?.body.push(chunk);
  }

  private trailers: Array<[string, string]> = [];

  onTrailers(trailers: Array<[string, string]>): void {
    this.trailers = trailers;
  }

  onMessageEnd(): void {
    const ex = this.current!;
    ex.messageComplete = true;
    ex.body.end(this.trailers);
    this.trailers = [];
    if (this.phase === Phase.Body) this.enterPhase(Phase.Handling);
  }

  // ---- Application dispatch ----

  private dispatch(ex: Http1Exchange): void {
    this.meter.handlerCalled();
    runHandler(this.context.handler, ex, this.context.logger, this.id);
  }

  /** Answer an exchange with an error of our own, discarding anything the handler had set. */
  sendError(ex: Http1Exchange, status: number, message: string, fields: Array<[string, string]>): void {
    // A request whose body we will not read to the end leaves the stream unusable.
    if (!ex.messageComplete && (ex.awaitingContinue || status === 413)) ex.closeAfter = true;
    ex.response.replaceWithError(status, `${message}\n`, fields);
  }

  // ---- Called by the exchange ----

  /** The `connection` field for a response: close when we will, keep-alive for an HTTP/1.0 peer that asked. */
  connectionField(ex: Http1Exchange): 'close' | 'keep-alive' | null {
    // A client still waiting for 100 Continue may never send the body we did not ask for, so the
    // connection cannot be reused: say so in the head (RFC 9110 §10.1.1).
    // And a peer that has half-closed with nothing of it left unparsed gets no further response.
    const lastFromPeer = this.peerEnded && this.heldBytes === 0 && !this.feeding;
    if (ex.closeAfter || this.draining || lastFromPeer || (!ex.messageComplete && ex.awaitingContinue)) {
      ex.closeAfter = true;
      return 'close';
    }
    return ex.head.versionMinor === 0 ? 'keep-alive' : null;
  }

  responseFinished(ex: Http1Exchange): void {
    // A response queued outside a turn (an async handler); within one, the turn's end samples.
    if (!this.feeding) this.meter.sample();
    if (ex !== this.current) return;
    if (!ex.messageComplete) {
      // Answered before the request body was read to its end. If the client is waiting for
      // 100 Continue it may never send it; otherwise read on and discard (bounded by the body
      // limit and timeout) to find the next request (RFC 9110 §10.1.1, RFC 9112 §9.3).
      if (ex.awaitingContinue) ex.closeAfter = true;
      ex.body.discard();
    }
    if (ex.closeAfter) {
      this.closeTransport();
      return;
    }
    if (ex.messageComplete && !this.feeding) {
      if (this.blocked) {
        // The peer has not taken this response yet: take no further request until it has, so a
        // client that pipelines and never reads cannot make responses pile up in memory.
        this.resumeAfterDrain = true;
        return;
      }
      this.completeExchange();
      this.feedHeld();
    }
  }

  private completeExchange(): void {
    this.current?.body.releaseMeter();
    this.current = null;
    this.pendingUpgrade = null;
    this.setReadPaused('body', false);
  }

  abortExchange(ex: Http1Exchange, reason: Error): void {
    this.context.logger.log('warn', 'http1.exchange-aborted', { connection: this.id, target: ex.head.target, reason: reason.message });
    ex.reportFinished(true);
    ex.cancel(reason);
    this.closing = true;
    // Closing mid-body tells the client the response is incomplete (RFC 9112 §8).
    this.transport.close();
  }

  setReadPaused(reason: PauseReason, paused: boolean): void {
    const was = this.pausedFor.size > 0;
    if (paused) this.pausedFor.add(reason);
    else this.pausedFor.delete(reason);
    const isPaused = this.pausedFor.size > 0;
    if (isPaused && !was) {
      this.transport.pause();
      // While we are not reading, the peer's silence is ours: the body timeout must not run.
      if (this.phase === Phase.Body) this.deadline.clear();
    } else if (!isPaused && was && !this.closed) {
      this.transport.resume();
      if (this.phase === Phase.Body) this.deadline.set(this.config.timeouts.bodyMs, this.now());
    }
  }

  get writeBlocked(): boolean {
    return this.blocked;
  }

  noteWriteBlocked(): void {
    if (this.blocked) return;
    this.blocked = true;
    this.sendStall.set(this.config.timeouts.sendStallMs);
  }

  waitForDrain(): Promise<void> {
    if (this.closed || !this.blocked) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  // ---- Errors and timeouts ----

  private onParseError(err: HttpParseError): void {
    // A cleartext listener shared by HTTP/1.1 and h2c whose first line is neither an HTTP/1.x
    // request line nor the HTTP/2 preface: the peer speaks neither protocol, and an HTTP/1.1 400
    // would only be noise to it (to an HTTP/2 peer, unreadable frames). Close without a response,
    // as RFC 9113 §3.4 allows for an invalid preface ("a GOAWAY frame MAY be omitted"). Over TLS
    // the peer chose HTTP/1.1 by ALPN (or offered nothing): it gets its 400.
    const silent = err.code === 'not-http' && this.requests === 0 && this.config.priorKnowledge !== null && !this.transport.info.encrypted;
    this.context.logger.log('warn', 'http1.parse-error', {
      connection: this.id, status: err.status, code: err.code, reason: err.reason, offset: err.offset, remote: this.transport.info.remoteAddress,
      ...(silent ? { answered: false } : {}),
    });
    if (silent) {
      this.closeTransport();
      return;
    }
    const ex = this.current;
    if (ex !== null) {
      ex.cancel(new HttpError(400, err.reason));
      ex.closeAfter = true;
      if (!ex.response.started) ex.response.replaceWithError(err.status, `${err.reason}\n`, []);
      else if (!ex.responded) this.abortExchange(ex, err);
      else this.closeTransport();
      return;
    }
    this.writeStandalone(err.status, `${err.reason}\n`);
  }

  /** A response that belongs to no exchange (parse error before a head, header timeout). */
  private writeStandalone(status: number, body: string): void {
    const bytes = Buffer.from(body, 'utf8');
    const head = serializeHead(status, [['content-type', 'text/plain; charset=utf-8']], { kind: 'length', length: bytes.length }, 'close', this.date.get(this.now()));
    this.meter.responded();
    this.writeLatin1(head);
    // RFC 9110 §9.3.2: no content in a response to HEAD, once the request line said HEAD.
    if (this.parser.requestMethod !== 'HEAD') this.write(bytes);
    this.meter.sample(); // may be a timer's write (408), outside any turn
    this.closeTransport();
  }

  private enterPhase(phase: Phase): void {
    this.phase = phase;
    const t = this.config.timeouts;
    switch (phase) {
      case Phase.Idle: this.deadline.set(t.keepAliveMs, this.now()); break;
      case Phase.Head: this.deadline.set(t.headersMs, this.now()); break;
      case Phase.Body: this.deadline.set(t.bodyMs, this.now()); break;
      case Phase.Handling: this.deadline.clear(); break;
      case Phase.Closing: this.deadline.set(t.lingerMs || DEFAULT_CLOSE_LINGER_MS, this.now()); break;
    }
  }

  private onDeadline(): void {
    if (this.closed || this.detached) return;
    switch (this.phase) {
      case Phase.Idle:
        this.context.logger.log('debug', 'http1.keep-alive-timeout', { connection: this.id });
        this.closeTransport();
        return;
      case Phase.Head:
        // RFC 9110 §15.5.9: 408 for a client too slow to send its request (slowloris).
        this.context.logger.log('info', 'http1.header-timeout', { connection: this.id, offset: this.parser.offset });
        if (this.current === null) this.writeStandalone(408, 'request header section not received in time\n');
        else this.closeTransport();
        return;
      case Phase.Body: {
        this.context.logger.log('info', 'http1.body-timeout', { connection: this.id, offset: this.parser.offset });
        const ex = this.current;
        if (ex !== null) {
          ex.cancel(new HttpError(408, 'request body not received in time'));
          ex.closeAfter = true;
          if (!ex.response.started) {
            ex.response.replaceWithError(408, 'request body not received in time\n', []);
            return;
          }
        }
        this.closeTransport();
        return;
      }
      case Phase.Handling:
        return;
      case Phase.Closing:
        // The peer did not close in time. If our response has left, a plain close is enough;
        // if the peer is not even reading it, there is nothing left to protect.
        this.context.logger.log('debug', 'http1.linger-timeout', { connection: this.id, queued: this.transport.writableLength });
        if (this.transport.writableLength === 0) this.transport.close();
        else this.transport.reset();
        return;
    }
  }

  private onSendStall(): void {
    if (this.closed) return;
    this.context.logger.log('info', 'http1.send-stall-timeout', { connection: this.id, queued: this.transport.writableLength });
    this.closing = true;
    this.current?.cancel(new Error('peer stopped reading'));
    this.transport.reset();
  }

  /**
   * Close after our last response, in stages (RFC 9112 §9.6): half-close first (FIN after the
   * queued bytes), keep reading and discarding whatever the peer had already sent (onData ignores
   * input while closing), and close fully when the peer closes its side or lingerMs passes.
   * Closing at once would let those bytes hit a closed socket, whose reset can destroy the
   * response before the client reads it.
   */
  private closeTransport(): void {
    if (this.closing) return;
    this.closing = true;
    this.enterPhase(Phase.Closing);
    if (this.peerEnded) this.transport.close();
    else this.transport.end();
  }

  // ---- Upgrade and CONNECT: the transport changes hands ----

  private findUpgrade(head: RequestHead): UpgradeHandler | null {
    if (head.upgrade === null || this.config.upgrades.size === 0) return null;
    for (const token of head.upgrade.split(',')) {
      const handler = this.config.upgrades.get(token.trim().toLowerCase());
      if (handler !== undefined && (handler.accepts?.(head) ?? true)) return handler;
    }
    return null;
  }

  private takeOver(ex: Http1Exchange, rest: Buffer): void {
    const leftover = this.held.length > 0 ? Buffer.concat([rest, ...this.held]) : Buffer.from(rest);
    this.held = [];
    this.heldBytes = 0;
    const upgrade = this.pendingUpgrade;
    if (upgrade !== null) {
      const handedOver = upgrade.takesConnection === true ? this.leaveRegistry() : this.detach();
      const token = ex.head.upgrade!.split(',').map((t) => t.trim()).find((t) => this.config.upgrades.get(t.toLowerCase()) === upgrade)!;
      const fields: Array<[string, string]> = [['connection', 'upgrade'], ['upgrade', token], ...(upgrade.responseFields?.(ex.head) ?? [])];
      let head = 'HTTP/1.1 101 Switching Protocols\r\n';
      for (const [n, v] of fields) head += `${n}: ${v}\r\n`;
      this.meter.responded();
      this.write(Buffer.from(head + '\r\n', 'latin1'));
      // The exchange ends with its 101; what follows belongs to the new protocol.
      ex.status = 101;
      ex.reportFinished(false);
      this.context.logger.log('info', 'http1.upgrade', { connection: this.id, protocol: token });
      upgrade.upgrade(ex.head, Buffer.concat(this.upgradeBody), handedOver, leftover, this.meter);
      return;
    }
    void this.connect(ex, leftover);
  }

  /** The peer speaks HTTP/2 (prior knowledge): the transport and what was read go to an HTTP/2 connection. */
  private handOverToHttp2(initial: Buffer): void {
    const transport = this.leaveRegistry();
    this.context.logger.log('debug', 'http1.h2c-prior-knowledge', { connection: this.id });
    this.config.priorKnowledge!(transport, initial, this.meter);
  }

  /** For a protocol that registers its own connection: this one is done now, and forgotten. */
  private leaveRegistry(): Transport {
    this.detached = true;
    this.closed = true;
    this.deadline.dispose();
    this.sendStall.dispose();
    this.setReadPaused('takeover', false);
    this.context.connectionClosed(this);
    return this.transport;
  }

  /**
   * The transport now belongs to someone else. The connection stays in the server's registry
   * (a drain's deadline must still reach a tunnel) until the handed-over transport closes.
   */
  private detach(): ObservedTransport {
    this.detached = true;
    this.deadline.dispose();
    this.sendStall.dispose();
    this.setReadPaused('takeover', false);
    return new ObservedTransport(this.transport, () => {
      this.closed = true;
      this.context.connectionClosed(this);
    });
  }

  /** CONNECT (RFC 9110 §9.3.6): check the allowlist, dial, answer 2xx, then relay bytes. */
  private async connect(ex: Http1Exchange, leftover: Buffer): Promise<void> {
    const options = this.config.connect;
    const authority = ex.head.target;
    // Whatever the client sent after CONNECT was meant for the tunnel: if there is none, the
    // connection cannot go back to parsing HTTP.
    ex.closeAfter = true;
    if (options === null) {
      this.sendError(ex, 501, 'CONNECT tunnelling is not enabled on this server', []);
      return;
    }
    if (!connectAllowed(options, authority)) {
      this.context.logger.log('warn', 'http1.connect-refused', { connection: this.id, target: authority });
      this.sendError(ex, 403, `CONNECT to ${authority} is not allowed`, []);
      return;
    }
    // Bytes the client pipelined after CONNECT belong to the tunnel; stop reading until it exists.
    this.setReadPaused('takeover', true);
    const dialed = await dialConnectTarget(options, authority, this.context.clock);
    if (!dialed.ok) {
      this.context.logger.log('warn', 'http1.connect-failed', { connection: this.id, target: authority, error: dialed.error });
      if (this.closed) return;
      this.setReadPaused('takeover', false);
      ex.closeAfter = true;
      this.sendError(ex, dialed.status, dialed.message, []);
      return;
    }
    const upstream = dialed.upstream;
    if (this.closed) {
      upstream.close();
      return;
    }
    const handedOver = this.detach();
    // RFC 9110 §9.3.6: a 2xx to CONNECT has no Content-Length or Transfer-Encoding.
    this.meter.responded();
    this.write(Buffer.from(`HTTP/1.1 200 Connection Established\r\ndate: ${this.date.get()}\r\n\r\n`, 'latin1'));
    // The exchange ends with its 200; the tunnel's bytes are not its response.
    ex.status = 200;
    ex.reportFinished(false);
    this.context.logger.log('info', 'http1.tunnel-open', { connection: this.id, target: authority });
    const logger = this.context.logger;
    const id = this.id;
    new Tunnel(handedOver, upstream, (up, down) => logger.log('info', 'http1.tunnel-closed', { connection: id, target: authority, bytesUp: up, bytesDown: down })).start(leftover);
    this.transport.resume();
  }
}

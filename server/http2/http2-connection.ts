import type { Transport, TransportError, TransportEvents } from '../transport/transport.js';
import { Deadline } from '../transport/deadline.js';
import { HttpDate } from '../core/http-date.js';
import { HttpError } from '../core/types.js';
import { runHandler } from '../core/run-handler.js';
import { nextConnectionId } from '../core/connection-id.js';
import { WorkMeter, type RetainedProbe } from '../core/work-meter.js';
import type { ExchangeObserver } from '../core/exchange-observer.js';
import type { Http2Metrics } from '../metrics/http2-metrics.js';
import type { DefenceName } from '../metrics/labels.js';
import type { ConnectionContext } from '../http1/http1-options.js';
import { ErrorCode, errorCodeName, SettingId, CONNECTION_PREFACE_LENGTH, DEFAULT_MAX_FRAME_SIZE } from './frames/constants.js';
import type { ContinuationFrame, DataFrame, Frame, FrameDecodeError, GoawayFrame, HeadersFrame, PingFrame, RstStreamFrame, SettingsFrame, WindowUpdateFrame } from './frames/frame.js';
import { OutputBatch } from './output-batch.js';
import { ClosedStreams } from './closed-streams.js';
import { FrameReader } from './frames/frame-reader.js';
import { matchPreface } from './frames/preface.js';
import { validateSettings } from './frames/settings.js';
import { heldPayload } from './held-payload.js';
import { encodeData, encodeDataHeader, encodeGoaway, encodeHeaders, encodePing, encodeRstStream, encodeSettings, encodeSettingsAck, encodeWindowUpdate } from './frames/frame-writer.js';
import { HpackDecoder, HpackEncoder, HpackError } from './hpack/index.js';
import { FlowWindow } from './flow-window.js';
import { checkTrailerFields, parseRequestFields } from './request-fields.js';
import { Http2Stream, StreamState } from './http2-stream.js';
import type { Http2Config } from './http2-options.js';
import { Budget } from './budget.js';
import { tunnelOverStream } from './connect-tunnel.js';

/** How a stream we no longer track ended: frames that arrive afterwards are judged by it (§5.1). */
const enum Closed {
  /** Both sides sent END_STREAM. */
  Ended,
  /** We sent RST_STREAM: frames in flight from the peer are expected and ignored. */
  ResetByUs,
  /** The peer sent RST_STREAM. */
  ResetByPeer,
}

/** DATA payloads shorter than this are copied behind their frame header; longer ones are not. */
const DATA_COPY_BELOW = 2048;
/** The largest write one output batch makes (less when maxOutboundQueueBytes is lower). */
const MAX_BATCH_BYTES = 2 * 1024 * 1024;

/** Credit is returned in batches of at least this much (or the window's half), never byte by byte. */
const MIN_CREDIT_UPDATE = 16 * 1024;

/** The connection-level receive window we open up to at the start (credited as it is used). */
const CONNECTION_RECEIVE_WINDOW = 1024 * 1024;

/** An in-progress header block: HEADERS without END_HEADERS, waiting for CONTINUATION (§6.10). */
interface HeaderBlock {
  streamId: number;
  endStream: boolean;
  fragments: Buffer[];
  bytes: number;
  frames: number;
}

/** The peer's SETTINGS as they apply to what we send. */
interface PeerSettings {
  initialWindowSize: number;
  maxFrameSize: number;
}

/** A stream created by an h2c Upgrade: the HTTP/1.1 request that asked for it, answered on stream 1. */
export interface UpgradedRequest {
  fields: Array<[string, string]>;
  body: Buffer;
}

/**
 * An HTTP/2 server connection (RFC 9113) over a Transport and a Clock, sans-I/O like the HTTP/1.1
 * one, serving the same handlers. It reads frames, keeps the stream state machine of §5.1 with
 * the right stream or connection error for every illegal frame, enforces both levels of flow
 * control in both directions, and multiplexes responses round-robin within the peer's windows.
 * Every budget in Http2Defences is checked here; exceeding one ends the connection with GOAWAY.
 */
export class Http2Connection implements TransportEvents, RetainedProbe {
  readonly id = nextConnectionId();
  /** Work done for the peer (amplification budgets); the HTTP/1.1 connection's own after h2c. */
  readonly meter: WorkMeter;
  readonly date: HttpDate;
  /** The server's exchange observer (metrics, access log), or null. */
  readonly observer: ExchangeObserver | null;
  /** Frame, reset, HPACK and defence counters, or null when metrics are off (then nothing is counted). */
  readonly metrics: Http2Metrics | null;
  /** Streams the peer opened here, for the streams-per-connection histogram. */
  private streamsOpened = 0;
  private readonly reader: FrameReader;
  private readonly decoder: HpackDecoder;
  private readonly encoder = new HpackEncoder();
  private readonly streams = new Map<number, Http2Stream>();
  private readonly closedStreams = new ClosedStreams<Closed>();
  /** Streams with output waiting, in round-robin order. */
  private ready: Http2Stream[] = [];
  private readonly connSendWindow = new FlowWindow(65_535);
  private connRecvWindow = 65_535;
  private connCreditOwed = 0;
  private readonly peer: PeerSettings = { initialWindowSize: 65_535, maxFrameSize: DEFAULT_MAX_FRAME_SIZE };
  private prefaceBuffer: Buffer | null;
  private firstFrameSeen = false;
  private headerBlock: HeaderBlock | null = null;
  /** The highest stream id the peer has opened (GOAWAY's last-stream-id, §6.8). */
  private lastPeerStreamId = 0;
  private goawaySent = false;
  private peerGoaway = false;
  /** The peer's FIN arrived: no frame, and so no WINDOW_UPDATE, can follow it. */
  private peerEnded = false;
  private draining = false;
  private closing = false;
  private closed = false;
  private writeBlocked = false;
  /** This turn's frames, written to the transport together (output-batch.ts). */
  private readonly output: OutputBatch;
  private unackedSettings = 0;
  private readonly prefaceDeadline: Deadline;
  private readonly settingsAckDeadline: Deadline;
  private readonly idleDeadline: Deadline;
  private readonly sendStall: Deadline;
  private readonly lingerDeadline: Deadline;
  /**
   * Streams whose response is complete while the request is not (half-closed (local)), with the
   * time each stops waiting for the rest of its request (see localEnded). Every stream waits the
   * same lingerMs, so insertion order is deadline order: the first entry is the next to expire.
   */
  private readonly lingering = new Map<Http2Stream, number>();
  private readonly streamLingerDeadline: Deadline;
  private readonly peerResets: Budget;
  private readonly provokedResets: Budget;
  private readonly idleFrames: Budget;

  constructor(
    readonly transport: Transport,
    readonly context: ConnectionContext,
    readonly config: Http2Config,
    options: { prefaceReceived?: boolean; initial?: Buffer; upgrade?: { settingsPayload: Buffer; request: UpgradedRequest }; meter?: WorkMeter } = {},
  ) {
    this.meter = options.meter ?? new WorkMeter();
    this.meter.watch(this);
    this.observer = context.observer ?? null;
    this.metrics = context.http2Metrics ?? null;
    const clock = context.clock;
    this.date = new HttpDate(clock);
    const settings = config.settings;
    this.reader = new FrameReader({ maxFrameSize: DEFAULT_MAX_FRAME_SIZE });
    // The protocol's initial table size until the peer acknowledges ours (RFC 9113 §6.5.3).
    this.decoder = new HpackDecoder({ maxTableSize: 4096, maxHeaderListSize: settings.maxHeaderListSize });
    const d = config.defences;
    this.peerResets = new Budget(clock, d.maxPeerResets, d.budgetWindowMs);
    this.provokedResets = new Budget(clock, d.maxProvokedResets, d.budgetWindowMs);
    this.idleFrames = new Budget(clock, d.maxIdleFrames, d.budgetWindowMs);
    this.prefaceDeadline = new Deadline(clock, () => this.connectionError(ErrorCode.PROTOCOL_ERROR, 'no client preface in time', 'http2.preface-timeout'));
    this.settingsAckDeadline = new Deadline(clock, () => this.connectionError(ErrorCode.SETTINGS_TIMEOUT, 'our SETTINGS were not acknowledged in time (RFC 9113 §6.5.3)', 'http2.settings-timeout'));
    this.idleDeadline = new Deadline(clock, () => this.goAway(ErrorCode.NO_ERROR, 'idle'));
    this.sendStall = new Deadline(clock, () => this.onSendStall());
    this.lingerDeadline = new Deadline(clock, () => this.closeTransport());
    this.streamLingerDeadline = new Deadline(clock, () => this.endLingering());
    this.prefaceBuffer = options.prefaceReceived === true ? null : Buffer.alloc(0);
    // A batch stays under the outbound-queue bound that control frames are checked against
    // (writeControl): DATA stops once a flushed batch finds the transport still holding bytes, so
    // what is queued is at most about a batch and the socket's high-water mark, and a PING ACK
    // behind a large download is no flood. Large batches matter on fast links: the kernel takes
    // a write whole, and fewer, larger writes cost the server and the reader fewer wake-ups: on
    // 1 MiB responses over loopback, 2 MiB batches took about a fifth less user CPU per response
    // than 512 KiB ones. Hence the default bound of 4 MiB (it was 1 MiB), in line with node:http2's
    // 10 MB of session memory.
    this.output = new OutputBatch(transport, () => (this.writeBlocked = true), Math.max(16 * 1024, Math.min(MAX_BATCH_BYTES, config.defences.maxOutboundQueueBytes >> 1)));
    transport.reattach(this);
    this.output.begin();
    try {
      // §3.4: the server's preface is a SETTINGS frame, sent first.
      this.sendServerPreface();
      if (options.upgrade !== undefined) this.acceptUpgrade(options.upgrade.settingsPayload, options.upgrade.request);
      if (this.prefaceBuffer !== null && config.timeouts.prefaceMs > 0) this.prefaceDeadline.set(config.timeouts.prefaceMs);
      this.armIdle();
      // Bytes the HTTP/1.1 connection read before handing over: already counted by the meter.
      if (options.initial !== undefined && options.initial.length > 0) this.receive(options.initial);
    } finally {
      this.output.end();
    }
  }

  get isClosed(): boolean {
    return this.closed;
  }

  // ---- Server-facing ----

  /** Graceful drain: GOAWAY with the last stream we will serve; close once those are done. */
  drain(): void {
    if (this.closed || this.closing) return;
    this.draining = true;
    this.goAway(ErrorCode.NO_ERROR, 'server draining');
  }

  /** Force-close (drain deadline, server shutdown). */
  destroy(): void {
    if (this.closed) return;
    this.resetTransport();
  }

  // ---- TransportEvents ----

  onData(chunk: Buffer): void {
    this.meter.read(chunk.length);
    const timed = this.meter.beginTurn();
    this.output.begin();
    try {
      this.receive(chunk);
    } finally {
      this.output.end();
      this.meter.endTurn(timed);
    }
  }

  /**
   * What the meter counts as held right now, besides request bodies and queued response output
   * (those report their own deltas): the preface and a partial frame, a field block being
   * assembled, both HPACK tables (§4.3: bounded by SETTINGS_HEADER_TABLE_SIZE), and what the
   * transport has queued.
   */
  retainedBytes(): number {
    return (this.prefaceBuffer === null ? 0 : this.prefaceBuffer.length) + this.reader.bufferedBytes + (this.headerBlock === null ? 0 : this.headerBlock.bytes)
      + this.decoder.table.size + this.encoder.table.size + this.queuedOutputBytes();
  }

  private receive(chunk: Buffer): void {
    if (this.closing || this.closed) return;
    let input = chunk;
    if (this.prefaceBuffer !== null) {
      const got = this.prefaceBuffer.length > 0 ? Buffer.concat([this.prefaceBuffer, chunk]) : chunk;
      const match = matchPreface(got);
      if (match === 'mismatch') {
        this.connectionError(ErrorCode.PROTOCOL_ERROR, 'invalid connection preface (RFC 9113 §3.4)', 'http2.bad-preface');
        return;
      }
      if (match === 'partial') {
        this.prefaceBuffer = Buffer.from(got);
        return;
      }
      this.prefaceBuffer = null;
      input = got.subarray(CONNECTION_PREFACE_LENGTH);
    }
    this.reader.push(input);
    this.readFrames();
  }

  onEnd(): void {
    if (this.closing) {
      this.closeTransport();
      return;
    }
    // The peer will send nothing more: no new streams. Finish what is in flight, then close.
    this.peerGoaway = true;
    this.peerEnded = true;
    for (const stream of [...this.streams.values()]) {
      // A stream whose response is complete only waited for the rest of its request: it ends here.
      if (stream.requestDiscarded) this.closeStream(stream, Closed.Ended, null);
      else if (!stream.endStreamReceived) this.resetStream(stream, ErrorCode.CANCEL, 'the peer closed its side mid-request', false);
    }
    this.cancelStarvedStreams();
    this.maybeFinish();
  }

  /**
   * After the peer's FIN, a response that needs more flow-control credit than it has can never
   * finish (§6.9: only the peer's WINDOW_UPDATE grants credit, and the peer can send no more
   * frames). Cancel such streams now instead of holding the connection until sendStallMs: a
   * client that half-closes and then gets cut off must not cost the server a connection for 30 s.
   */
  private cancelStarvedStreams(): void {
    if (!this.peerEnded || this.closing) return;
    for (const stream of [...this.streams.values()]) {
      const item = stream.output[0];
      if (item === undefined || item.kind !== 'data' || item.offset >= item.bytes.length) continue;
      if (stream.sendWindow.available > 0 && this.connSendWindow.available > 0) continue;
      this.resetStream(stream, ErrorCode.CANCEL, 'the peer closed its side; the rest of the response needs credit it can no longer grant', false);
    }
    this.maybeFinish();
  }

  onDrain(): void {
    const timed = this.meter.beginTurn();
    this.output.begin();
    try {
      this.writeBlocked = false;
      this.flush();
    } finally {
      this.output.end();
      this.meter.endTurn(timed);
    }
  }

  onError(error: TransportError): void {
    this.context.logger.log('info', 'http2.transport-error', { connection: this.id, code: error.code, message: error.message });
  }

  onClose(): void {
    if (this.closed) return;
    this.closed = true;
    this.closing = true;
    this.output.discard();
    for (const d of [this.prefaceDeadline, this.settingsAckDeadline, this.idleDeadline, this.sendStall, this.lingerDeadline, this.streamLingerDeadline]) d.dispose();
    this.lingering.clear();
    const reason = new HttpError(499, 'connection closed before the exchange completed');
    for (const stream of this.streams.values()) {
      stream.state = StreamState.Closed;
      this.streamGone(stream, true);
      stream.cancel(reason);
    }
    this.streams.clear();
    this.ready = [];
    this.metrics?.connectionEnded(this.streamsOpened);
    this.meter.end();
    this.context.connectionClosed(this);
  }

  // ---- Reading ----

  private readFrames(): void {
    for (;;) {
      if (this.closing) return;
      const next = this.reader.next();
      if (next === null) return;
      if (next.kind === 'error') this.onDecodeError(next);
      else this.onFrame(next);
    }
  }

  private onDecodeError(error: FrameDecodeError): void {
    if (error.scope === 'connection') {
      this.connectionError(error.code, error.message, 'http2.frame-error');
      return;
    }
    // A HEADERS frame with a broken priority still carries a field block the HPACK context needs.
    if (error.frame !== null && error.frame.type === 'HEADERS') {
      this.onHeaders(error.frame, error);
      return;
    }
    if (this.headerBlock !== null) {
      this.connectionError(ErrorCode.PROTOCOL_ERROR, 'a frame interrupted a field block (RFC 9113 §6.10)', 'http2.interrupted-block');
      return;
    }
    this.streamErrorById(error.streamId, error.code, error.message);
  }

  private onFrame(frame: Frame): void {
    this.metrics?.frameIn(frame.type);
    // §3.4: the client preface ends with a SETTINGS frame.
    if (!this.firstFrameSeen) {
      this.firstFrameSeen = true;
      this.prefaceDeadline.clear();
      if (frame.type !== 'SETTINGS' || frame.ack) {
        this.connectionError(ErrorCode.PROTOCOL_ERROR, 'the client preface must end with SETTINGS (RFC 9113 §3.4)', 'http2.bad-preface');
        return;
      }
    }
    // §6.10: inside a field block only CONTINUATION frames of the same stream may come.
    if (this.headerBlock !== null && (frame.type !== 'CONTINUATION' || frame.streamId !== this.headerBlock.streamId)) {
      this.connectionError(ErrorCode.PROTOCOL_ERROR, `${frame.type} inside a field block on stream ${this.headerBlock.streamId} (RFC 9113 §6.10)`, 'http2.interrupted-block');
      return;
    }
    switch (frame.type) {
      case 'DATA':
        return this.onDataFrame(frame);
      case 'HEADERS':
        return this.onHeaders(frame, null);
      case 'CONTINUATION':
        return this.onContinuation(frame);
      case 'PRIORITY':
        // Parsed and validated (self-dependency is a reader error), not used for scheduling.
        this.spendIdle('PRIORITY');
        return;
      case 'RST_STREAM':
        return this.onRstStream(frame);
      case 'SETTINGS':
        return this.onSettings(frame);
      case 'PUSH_PROMISE':
        return this.connectionError(ErrorCode.PROTOCOL_ERROR, 'a client cannot send PUSH_PROMISE (RFC 9113 §8.4)', 'http2.push-promise');
      case 'PING':
        return this.onPing(frame);
      case 'GOAWAY':
        return this.onGoaway(frame);
      case 'WINDOW_UPDATE':
        return this.onWindowUpdate(frame);
      case 'UNKNOWN':
        // §5.5: unknown frame types are ignored (outside a field block, checked above).
        this.spendIdle('unknown frame');
        return;
    }
  }

  /**
   * Is `id` a stream the peer has not opened yet (§5.1 "idle")? Even ids are ours to open
   * (§5.1.1) and we never push, so they stay idle whatever the peer has opened.
   */
  private isIdle(id: number): boolean {
    return id > this.lastPeerStreamId || id % 2 === 0;
  }

  private onDataFrame(frame: DataFrame): void {
    const id = frame.streamId;
    if (this.isIdle(id)) {
      this.connectionError(ErrorCode.PROTOCOL_ERROR, `DATA on idle stream ${id} (RFC 9113 §5.1)`, 'http2.idle-stream');
      return;
    }
    // §6.9: DATA counts against the connection window whatever the stream's state.
    if (frame.flowLength > this.connRecvWindow) {
      this.connectionError(ErrorCode.FLOW_CONTROL_ERROR, 'DATA beyond the connection window (RFC 9113 §6.9.1)', 'http2.flow-control');
      return;
    }
    this.connRecvWindow -= frame.flowLength;
    const stream = this.streams.get(id);
    if (stream === undefined || stream.endStreamReceived) {
      // Nobody will read these bytes: the connection credit goes straight back.
      this.creditConnection(frame.flowLength);
      if (stream !== undefined) this.streamError(stream, ErrorCode.STREAM_CLOSED, `DATA after END_STREAM on stream ${id} (RFC 9113 §5.1)`);
      else this.lateFrame(id, 'DATA');
      return;
    }
    if (frame.flowLength > stream.recvWindow) {
      this.creditConnection(frame.flowLength);
      this.streamError(stream, ErrorCode.FLOW_CONTROL_ERROR, `DATA beyond stream ${id}'s window (RFC 9113 §6.9.1)`);
      return;
    }
    stream.recvWindow -= frame.flowLength;
    // Padding is nobody's to read: credit it at once.
    const padding = frame.flowLength - frame.data.length;
    if (padding > 0) {
      this.creditConnection(padding);
      stream.creditOwed += padding;
    }
    if (frame.data.length === 0 && !frame.endStream && !this.spendIdle('empty DATA')) return;
    stream.received += frame.data.length;
    const declared = stream.fields.contentLength;
    if (declared >= 0 && (stream.received > declared || (frame.endStream && stream.received !== declared))) {
      // §8.1.1: content-length must equal the DATA total; a mismatch is malformed.
      this.creditConnection(frame.data.length);
      stream.failBody(400, 'content-length does not match the request content');
      this.streamError(stream, ErrorCode.PROTOCOL_ERROR, `stream ${id}: content-length ${declared} but ${stream.received}${frame.endStream ? '' : '+'} bytes of DATA (RFC 9113 §8.1.1)`);
      return;
    }
    if (stream.requestDiscarded) {
      // Our response is complete and nobody reads the rest of the request (localEnded): the
      // connection's credit goes straight back, the stream's never does.
      this.creditConnection(frame.data.length);
      if (frame.endStream) this.remoteEnded(stream, []);
      else if (stream.recvWindow < this.creditThreshold()) this.stopLingering(stream, 'the rest of the request needs credit nobody will grant: the response is complete');
      return;
    }
    if (frame.data.length > 0) {
      stream.body.push(heldPayload(frame.data));
      stream.creditOwed += frame.data.length;
      this.connCreditOwed += frame.data.length;
    }
    if (frame.endStream) this.remoteEnded(stream, []);
    else this.returnCredit(stream);
  }

  private onHeaders(frame: HeadersFrame, priorityError: FrameDecodeError | null): void {
    const id = frame.streamId;
    if (id % 2 === 0) {
      this.connectionError(ErrorCode.PROTOCOL_ERROR, `HEADERS on even stream ${id}: clients open odd streams (RFC 9113 §5.1.1)`, 'http2.even-stream');
      return;
    }
    const block: HeaderBlock = { streamId: id, endStream: frame.endStream, fragments: [frame.fragment], bytes: frame.fragment.length, frames: 1 };
    if (!frame.endHeaders) {
      // Fragments may be views of the transport's chunk: keep copies while waiting for the rest.
      block.fragments[0] = Buffer.from(frame.fragment);
      this.headerBlock = block;
      this.pendingPriorityError = priorityError;
      this.checkBlockBounds(block);
      return;
    }
    this.onHeaderBlock(block, priorityError);
  }

  private pendingPriorityError: FrameDecodeError | null = null;

  private onContinuation(frame: ContinuationFrame): void {
    const block = this.headerBlock;
    if (block === null) {
      this.connectionError(ErrorCode.PROTOCOL_ERROR, `CONTINUATION on stream ${frame.streamId} without a field block in progress (RFC 9113 §6.10)`, 'http2.stray-continuation');
      return;
    }
    block.fragments.push(Buffer.from(frame.fragment));
    block.bytes += frame.fragment.length;
    block.frames++;
    if (!this.checkBlockBounds(block) || !frame.endHeaders) return;
    this.headerBlock = null;
    const priorityError = this.pendingPriorityError;
    this.pendingPriorityError = null;
    this.onHeaderBlock(block, priorityError);
  }

  /** CONTINUATION floods (zero-length frames included) and oversized blocks end the connection. */
  private checkBlockBounds(block: HeaderBlock): boolean {
    const d = this.config.defences;
    if (block.frames > d.maxHeaderBlockFrames || block.bytes > d.maxHeaderBlockBytes) {
      this.tripped(block.frames > d.maxHeaderBlockFrames ? 'maxHeaderBlockFrames' : 'maxHeaderBlockBytes');
      this.connectionError(ErrorCode.ENHANCE_YOUR_CALM, `field block on stream ${block.streamId} exceeds ${block.frames > d.maxHeaderBlockFrames ? `${d.maxHeaderBlockFrames} frames` : `${d.maxHeaderBlockBytes} bytes`}`, 'http2.continuation-flood');
      return false;
    }
    return true;
  }

  private onHeaderBlock(block: HeaderBlock, priorityError: FrameDecodeError | null): void {
    const id = block.streamId;
    const encoded = block.fragments.length === 1 ? block.fragments[0]! : Buffer.concat(block.fragments, block.bytes);
    // Always decode: the HPACK context is shared, whatever happens to this stream (§4.3).
    let fields: Array<[string, string]> | null = null;
    let tooLarge = false;
    try {
      fields = this.decoder.decode(encoded);
      if (this.metrics !== null) this.metrics.headerBlock(0, encoded.length, fields);
    } catch (err) {
      if (err instanceof HpackError && err.kind === 'header-list-too-large') tooLarge = true;
      else {
        this.connectionError(ErrorCode.COMPRESSION_ERROR, `HPACK: ${err instanceof Error ? err.message : String(err)}`, 'http2.compression-error');
        return;
      }
    }
    if (!this.isIdle(id)) return this.onHeadersForKnownStream(id, block, fields, tooLarge);

    // A new stream (§5.1.1: ids only grow; the first frame opens it).
    this.lastPeerStreamId = id;
    if (priorityError !== null) {
      this.closedStreams.set(id, Closed.ResetByUs);
      this.sendRst(id, priorityError.code, priorityError.message, true);
      return;
    }
    if (this.goawaySent || this.peerGoaway) {
      // After our GOAWAY, streams above its last-stream-id are not processed (§6.8).
      this.closedStreams.set(id, Closed.ResetByUs);
      this.sendRst(id, ErrorCode.REFUSED_STREAM, 'the connection is going away', false);
      return;
    }
    if (this.streams.size >= this.config.settings.maxConcurrentStreams) {
      // §5.1.2: beyond our advertised limit; REFUSED_STREAM tells the client it may retry.
      this.closedStreams.set(id, Closed.ResetByUs);
      this.sendRst(id, ErrorCode.REFUSED_STREAM, `more than ${this.config.settings.maxConcurrentStreams} concurrent streams (RFC 9113 §5.1.2)`, true);
      return;
    }
    if (tooLarge) {
      this.closedStreams.set(id, Closed.ResetByUs);
      this.respondWithoutStream(id, 431, 'request header fields too large');
      return;
    }
    if (fields!.length === 0 && !this.spendIdle('empty HEADERS')) return;
    const parsed = parseRequestFields(fields!);
    if (typeof parsed === 'string') {
      this.closedStreams.set(id, Closed.ResetByUs);
      this.sendRst(id, ErrorCode.PROTOCOL_ERROR, `malformed request on stream ${id}: ${parsed}`, true);
      return;
    }
    if (parsed.method === 'CONNECT' && this.config.connect === null) {
      this.closedStreams.set(id, Closed.ResetByUs);
      this.respondWithoutStream(id, 501, 'CONNECT tunnelling is not enabled on this server');
      return;
    }
    const stream = new Http2Stream(id, this, parsed, block.endStream, this.peer.initialWindowSize, this.config.settings.initialWindowSize);
    this.streams.set(id, stream);
    this.streamsOpened++;
    this.metrics?.streamOpened();
    this.idleDeadline.clear();
    if (parsed.method === 'CONNECT') {
      stream.isTunnel = true;
      this.meter.handlerCalled();
      void tunnelOverStream(stream, this, this.config.connect!, this.context);
    } else {
      this.meter.handlerCalled();
      runHandler(this.context.handler, stream, this.context.logger, this.id);
    }
  }

  private onHeadersForKnownStream(id: number, block: HeaderBlock, fields: Array<[string, string]> | null, tooLarge: boolean): void {
    const stream = this.streams.get(id);
    if (stream === undefined) return this.lateFrame(id, 'HEADERS');
    if (stream.endStreamReceived) {
      this.streamError(stream, ErrorCode.STREAM_CLOSED, `HEADERS after END_STREAM on stream ${id} (RFC 9113 §5.1)`);
      return;
    }
    // A second field block on an open stream is the trailer section: it must end the stream (§8.1).
    if (!block.endStream) {
      this.streamError(stream, ErrorCode.PROTOCOL_ERROR, `a second HEADERS on stream ${id} without END_STREAM (RFC 9113 §8.1)`);
      return;
    }
    if (tooLarge) {
      this.streamError(stream, ErrorCode.PROTOCOL_ERROR, `trailers on stream ${id} exceed the header list size`);
      return;
    }
    const bad = checkTrailerFields(fields!);
    if (bad !== null) {
      this.streamError(stream, ErrorCode.PROTOCOL_ERROR, `malformed trailers on stream ${id}: ${bad}`);
      return;
    }
    const declared = stream.fields.contentLength;
    if (declared >= 0 && stream.received !== declared) {
      stream.failBody(400, 'content-length does not match the request content');
      this.streamError(stream, ErrorCode.PROTOCOL_ERROR, `stream ${id}: content-length ${declared} but ${stream.received} bytes of DATA (RFC 9113 §8.1.1)`);
      return;
    }
    this.remoteEnded(stream, fields!);
  }

  /**
   * A frame for a stream we no longer track, with an id the peer did open: §5.1's "closed" rules.
   * After our own RST_STREAM, frames the peer sent before seeing it are expected: ignore them.
   */
  private lateFrame(id: number, type: 'DATA' | 'HEADERS'): void {
    const how = this.closedStreams.get(id);
    if (how === Closed.ResetByUs) {
      this.spendIdle(`${type} on a stream we reset`);
      return;
    }
    if (how === Closed.ResetByPeer) {
      // §5.1: any frame but PRIORITY after the peer's RST_STREAM is a stream error STREAM_CLOSED.
      this.sendRst(id, ErrorCode.STREAM_CLOSED, `${type} on stream ${id} after its RST_STREAM (RFC 9113 §5.1)`, true);
      return;
    }
    if (how === undefined && type === 'HEADERS') {
      // A stream id we never saw, below one we did: ids only grow (§5.1.1).
      this.connectionError(ErrorCode.PROTOCOL_ERROR, `HEADERS on stream ${id}, lower than stream ${this.lastPeerStreamId} already opened (RFC 9113 §5.1.1)`, 'http2.stream-id-order');
      return;
    }
    // Closed after END_STREAM both ways, or too long ago to tell: a connection error (§5.1).
    this.connectionError(ErrorCode.STREAM_CLOSED, `${type} on closed stream ${id} (RFC 9113 §5.1)`, 'http2.closed-stream');
  }

  private onRstStream(frame: RstStreamFrame): void {
    this.metrics?.rstStreamIn(frame.errorCode);
    const id = frame.streamId;
    if (this.isIdle(id)) {
      this.connectionError(ErrorCode.PROTOCOL_ERROR, `RST_STREAM on idle stream ${id} (RFC 9113 §6.4)`, 'http2.idle-stream');
      return;
    }
    const stream = this.streams.get(id);
    if (stream === undefined) {
      this.spendIdle('RST_STREAM on a closed stream');
      return;
    }
    // Rapid Reset (CVE-2023-44487): a peer that opens streams only to cancel them costs us the
    // handler's work each time. Count resets of streams whose response was not complete.
    const unfinished = !stream.endStreamSent;
    this.closeStream(stream, Closed.ResetByPeer, new HttpError(499, `the client reset the stream (${errorCodeName(frame.errorCode)})`));
    if (unfinished && !this.peerResets.spend()) {
      this.tripped('maxPeerResets');
      this.connectionError(ErrorCode.ENHANCE_YOUR_CALM, `more than ${this.config.defences.maxPeerResets} streams reset by the peer in ${this.config.defences.budgetWindowMs} ms (rapid reset)`, 'http2.rapid-reset');
    }
  }

  private onSettings(frame: SettingsFrame): void {
    if (frame.ack) {
      if (this.unackedSettings > 0 && --this.unackedSettings === 0) {
        this.settingsAckDeadline.clear();
        // Our SETTINGS now apply to what the peer sends (§6.5.3).
        this.reader.setMaxFrameSize(this.config.settings.maxFrameSize);
        this.decoder.setMaxTableSize(this.config.settings.headerTableSize);
      }
      return;
    }
    if (!this.spendIdle('SETTINGS')) return;
    const invalid = validateSettings(frame.settings);
    if (invalid !== null) {
      this.connectionError(invalid.code, invalid.message, 'http2.bad-settings');
      return;
    }
    if (!this.applyPeerSettings(frame.settings)) return;
    this.writeControl(encodeSettingsAck());
    this.flush();
  }

  /** Apply the peer's parameters in order (§6.5.3); false if the connection failed. */
  private applyPeerSettings(settings: ReadonlyArray<readonly [number, number]>): boolean {
    for (const [id, value] of settings) {
      switch (id) {
        case SettingId.HEADER_TABLE_SIZE:
          this.encoder.setPeerMaxTableSize(value);
          break;
        case SettingId.INITIAL_WINDOW_SIZE: {
          // §6.9.2: the change applies to every open stream's window, by the difference.
          const delta = value - this.peer.initialWindowSize;
          this.peer.initialWindowSize = value;
          for (const stream of this.streams.values()) {
            if (!stream.sendWindow.grow(delta)) {
              this.connectionError(ErrorCode.FLOW_CONTROL_ERROR, `SETTINGS_INITIAL_WINDOW_SIZE pushes stream ${stream.id}'s window past 2^31-1 (RFC 9113 §6.9.2)`, 'http2.flow-control');
              return false;
            }
            // A response waiting for credit may go on now (flushed once the SETTINGS are applied).
            if (delta > 0 && stream.output.length > 0 && stream.sendWindow.available > 0 && !this.ready.includes(stream)) this.ready.push(stream);
          }
          break;
        }
        case SettingId.MAX_FRAME_SIZE:
          this.peer.maxFrameSize = value;
          break;
        default:
          // ENABLE_PUSH (we never push), MAX_CONCURRENT_STREAMS (we open none), MAX_HEADER_LIST_SIZE
          // (advisory), and unknown identifiers, which MUST be ignored (§6.5.2).
          break;
      }
    }
    return true;
  }

  private onPing(frame: PingFrame): void {
    // §6.7: an ACK we did not ask for is ignored.
    if (frame.ack) return;
    if (!this.spendIdle('PING')) return;
    this.writeControl(encodePing(frame.opaque, true));
  }

  private onGoaway(frame: GoawayFrame): void {
    this.metrics?.goawayIn(frame.errorCode);
    this.peerGoaway = true;
    if (frame.errorCode !== ErrorCode.NO_ERROR) {
      this.context.logger.log('info', 'http2.peer-goaway', { connection: this.id, code: errorCodeName(frame.errorCode), debug: frame.debug.toString('latin1').slice(0, 200) });
    }
    this.maybeFinish();
  }

  private onWindowUpdate(frame: WindowUpdateFrame): void {
    const id = frame.streamId;
    if (id === 0) {
      if (frame.increment === 0) return this.connectionError(ErrorCode.PROTOCOL_ERROR, 'WINDOW_UPDATE with increment 0 on the connection (RFC 9113 §6.9)', 'http2.flow-control');
      if (!this.connSendWindow.grow(frame.increment)) return this.connectionError(ErrorCode.FLOW_CONTROL_ERROR, 'connection window past 2^31-1 (RFC 9113 §6.9.1)', 'http2.flow-control');
      this.noteSmallUpdate(frame.increment, this.ready.length > 0);
      this.flush();
      return;
    }
    if (this.isIdle(id)) return this.connectionError(ErrorCode.PROTOCOL_ERROR, `WINDOW_UPDATE on idle stream ${id} (RFC 9113 §5.1)`, 'http2.idle-stream');
    const stream = this.streams.get(id);
    if (stream === undefined) return this.lateWindowUpdate(id, frame.increment);
    if (frame.increment === 0) return this.streamError(stream, ErrorCode.PROTOCOL_ERROR, `WINDOW_UPDATE with increment 0 on stream ${id} (RFC 9113 §6.9)`);
    if (!stream.sendWindow.grow(frame.increment)) return this.streamError(stream, ErrorCode.FLOW_CONTROL_ERROR, `stream ${id}'s window past 2^31-1 (RFC 9113 §6.9.1)`);
    // A stream waiting for its own credit is not in `ready` (flush drops it until this update):
    // what waits is its output (found by the 1-byte-window amplification test).
    this.noteSmallUpdate(frame.increment, stream.output.length > 0);
    if (stream.output.length > 0) this.scheduleOutput(stream);
  }

  /** WINDOW_UPDATE for a stream we no longer track, with an id the peer did open (§5.1 "closed"). */
  private lateWindowUpdate(id: number, increment: number): void {
    const how = this.closedStreams.get(id);
    if (how === Closed.ResetByUs) {
      // Frames the peer sent before it saw our RST_STREAM are ignored (§5.1).
      this.spendIdle('WINDOW_UPDATE on a stream we reset');
      return;
    }
    if (how === Closed.ResetByPeer) {
      // §5.1: any frame but PRIORITY after the peer's own RST_STREAM is a stream error STREAM_CLOSED.
      this.sendRst(id, ErrorCode.STREAM_CLOSED, `WINDOW_UPDATE on stream ${id} after its RST_STREAM (RFC 9113 §5.1)`, true);
      return;
    }
    // After END_STREAM both ways it may still come for a short while (§5.1) and does nothing, but
    // an increment of 0 is malformed in any state (§6.9).
    if (increment === 0) {
      this.sendRst(id, ErrorCode.PROTOCOL_ERROR, `WINDOW_UPDATE with increment 0 on stream ${id} (RFC 9113 §6.9)`, true);
      return;
    }
    this.spendIdle('WINDOW_UPDATE on a closed stream');
  }

  /** A 1-byte-window dribble makes us cut a frame per credit: small updates while we wait count as idle frames. */
  private noteSmallUpdate(increment: number, outputWaiting: boolean): void {
    if (increment < 1024 && outputWaiting) this.spendIdle('small WINDOW_UPDATE');
  }

  // ---- Streams: state changes ----

  /** The request is complete (END_STREAM on DATA or trailers). */
  private remoteEnded(stream: Http2Stream, trailers: Array<[string, string]>): void {
    stream.body.end(trailers);
    if (stream.state === StreamState.HalfClosedLocal) this.closeStream(stream, Closed.Ended, null);
    else stream.state = StreamState.HalfClosedRemote;
  }

  /** We sent END_STREAM. */
  private localEnded(stream: Http2Stream): void {
    if (stream.state === StreamState.Closed) return;
    // The response is complete: the exchange is over (a tunnel's ends when its stream closes).
    if (!stream.isTunnel) stream.reportFinished(false);
    if (stream.state === StreamState.HalfClosedRemote) {
      this.closeStream(stream, Closed.Ended, null);
      return;
    }
    stream.state = StreamState.HalfClosedLocal;
    // A tunnel is half-closed like TCP: the client may keep sending after the target's FIN.
    if (stream.isTunnel) return;
    // The response is complete but the request is not. The stream stays half-closed (local) and
    // what the peer sends on it is still judged by §5.1, §6.9 and §8.1 (a RST_STREAM and what
    // follows it, WINDOW_UPDATE rules, content-length, trailers) but goes to nobody: the handler's
    // body read ends here. The peer gets no more stream credit, and once it would need some, or
    // lingerMs passes first, RST_STREAM NO_ERROR asks it to stop sending (§8.1). Resetting at once
    // would be allowed too, but then §5.1 makes every later frame ignorable, and a malformed rest of
    // the request would go unanswered.
    stream.discardRequest(new HttpError(499, 'the response completed before the request body'));
    const now = this.context.clock.now();
    this.lingering.set(stream, now + this.streamLingerMs());
    if (!this.streamLingerDeadline.armed) this.streamLingerDeadline.set(this.streamLingerMs(), now);
  }

  private streamLingerMs(): number {
    return this.config.timeouts.lingerMs > 0 ? this.config.timeouts.lingerMs : 2_000;
  }

  /** The stream-credit level below which a reading stream is credited again (and a lingering one stopped). */
  private creditThreshold(): number {
    return Math.min(MIN_CREDIT_UPDATE, this.config.settings.initialWindowSize >> 1);
  }

  /** Stop waiting for the rest of a request whose response is complete (§8.1: RST_STREAM NO_ERROR). */
  private stopLingering(stream: Http2Stream, message: string): void {
    this.sendRst(stream.id, ErrorCode.NO_ERROR, message, false);
    this.closeStream(stream, Closed.ResetByUs, null);
  }

  /** lingerMs passed for the oldest lingering streams. */
  private endLingering(): void {
    const now = this.context.clock.now();
    for (const [stream, until] of this.lingering) {
      if (until > now) {
        if (!this.closing) this.streamLingerDeadline.set(until - now, now);
        return;
      }
      // Closing the stream removes its entry.
      this.stopLingering(stream, 'the rest of the request did not come within lingerMs of the response');
    }
  }

  private closeStream(stream: Http2Stream, how: Closed, reason: Error | null): void {
    if (stream.state === StreamState.Closed) return;
    stream.state = StreamState.Closed;
    this.streams.delete(stream.id);
    // Unreported here means torn down before END_STREAM, except a tunnel closing cleanly.
    this.streamGone(stream, !stream.isTunnel || reason !== null);
    if (stream.requestDiscarded && this.lingering.delete(stream) && this.lingering.size === 0) this.streamLingerDeadline.clear();
    if (this.closedStreams.get(stream.id) !== Closed.ResetByPeer) this.closedStreams.set(stream.id, how);
    if (reason !== null) stream.cancel(reason);
    else stream.wakeDrainWaiters();
    stream.output.length = 0;
    this.meter.retain(-stream.queuedBytes);
    stream.queuedBytes = 0;
    stream.body.releaseMeter();
    const waiting = this.ready.indexOf(stream); // at most once in line (scheduleOutput)
    if (waiting >= 0) this.ready.splice(waiting, 1);
    if (this.streams.size === 0) this.armIdle();
    this.maybeFinish();
  }

  /** A stream error (§5.4.2): RST_STREAM; counted against the provoked-reset budget (MadeYouReset). */
  private streamError(stream: Http2Stream, code: number, message: string): void {
    // RST_STREAM first: closing the last stream may close the connection.
    this.sendRst(stream.id, code, message, true);
    this.closeStream(stream, Closed.ResetByUs, new HttpError(400, message));
  }

  private streamErrorById(id: number, code: number, message: string): void {
    const stream = this.streams.get(id);
    if (stream !== undefined) return this.streamError(stream, code, message);
    // Idle or already closed: our RST_STREAM does not change how the stream closed (§5.1), so a
    // never-opened id still gets §5.1.1's connection error if HEADERS come for it later.
    this.sendRst(id, code, message, true);
  }

  /** Called by a stream whose response broke mid-way, and on our own resets. */
  resetStream(stream: Http2Stream, code: number, message: string, log = true): void {
    if (stream.state === StreamState.Closed) return;
    // RST_STREAM first: closing the last stream may close the connection.
    this.sendRst(stream.id, code, message, false);
    this.closeStream(stream, Closed.ResetByUs, new HttpError(499, message));
    if (log) this.context.logger.log('info', 'http2.stream-reset', { connection: this.id, stream: stream.id, code: errorCodeName(code), message });
  }

  private sendRst(id: number, code: number, message: string, provoked: boolean): void {
    if (this.closing) return;
    this.context.logger.log('debug', 'http2.rst-stream', { connection: this.id, stream: id, code: errorCodeName(code), message });
    this.writeControl(encodeRstStream(id, code));
    if (provoked && !this.provokedResets.spend()) {
      this.tripped('maxProvokedResets');
      this.connectionError(ErrorCode.ENHANCE_YOUR_CALM, `the peer provoked more than ${this.config.defences.maxProvokedResets} stream errors in ${this.config.defences.budgetWindowMs} ms`, 'http2.provoked-resets');
    }
  }

  /** A final response to a request we will not hand to the application (431, 501). */
  private respondWithoutStream(id: number, status: number, message: string): void {
    const body = Buffer.from(`${message}\n`, 'utf8');
    const fields: Array<[string, string]> = [[':status', String(status)], ['content-type', 'text/plain; charset=utf-8'], ['content-length', String(body.length)], ['date', this.date.get()]];
    const block = this.encoder.encode(fields);
    if (this.metrics !== null) this.metrics.headerBlock(1, block.length, fields);
    for (const frame of encodeHeaders(id, block, false, this.peer.maxFrameSize)) this.writeControl(frame);
    // Small enough for the initial windows; if the peer shrank them to nothing, it gets a reset instead.
    if (body.length <= this.connSendWindow.available && body.length <= this.peer.initialWindowSize) {
      this.connSendWindow.consume(body.length);
      this.writeControl(encodeData(id, body, true));
      this.writeControl(encodeRstStream(id, ErrorCode.NO_ERROR));
    } else this.writeControl(encodeRstStream(id, ErrorCode.REFUSED_STREAM));
  }

  // ---- Flow control: credit back to the peer ----

  /** Return a stream's (and the connection's) credit for bytes the application has taken. */
  returnCredit(stream: Http2Stream): void {
    if (this.closing) return;
    if (stream.state !== StreamState.Closed && !stream.endStreamReceived && !stream.creditHeld && !stream.requestDiscarded) {
      if (stream.creditOwed >= this.creditThreshold()) {
        this.writeControl(encodeWindowUpdate(stream.id, stream.creditOwed));
        stream.recvWindow += stream.creditOwed;
        stream.creditOwed = 0;
      }
    }
    this.creditConnection(0);
  }

  private creditConnection(extra: number): void {
    this.connCreditOwed += extra;
    if (this.closing) return;
    if (this.connCreditOwed >= Math.min(MIN_CREDIT_UPDATE, CONNECTION_RECEIVE_WINDOW >> 1)) {
      this.writeControl(encodeWindowUpdate(0, this.connCreditOwed));
      this.connRecvWindow += this.connCreditOwed;
      this.connCreditOwed = 0;
    }
  }

  // ---- Writing ----

  /** Encode and send a field block now: HPACK state follows the order blocks are written (§4.3). */
  sendHeaders(stream: Http2Stream, fields: Array<[string, string]>, endStream: boolean): void {
    if (this.closing || stream.state === StreamState.Closed) return;
    const interim = fields[0]![1].length === 3 && fields[0]![1].charCodeAt(0) === 0x31; // 1xx
    if (!interim) stream.headersSent = true;
    const block = this.encoder.encode(fields);
    if (this.metrics !== null) this.metrics.headerBlock(1, block.length, fields);
    for (const frame of encodeHeaders(stream.id, block, endStream, this.peer.maxFrameSize)) this.write(frame);
    if (endStream) this.localEnded(stream);
  }

  /** A stream has output queued: send what the windows allow. */
  scheduleOutput(stream: Http2Stream): void {
    if (!this.ready.includes(stream)) this.ready.push(stream);
    this.flush();
    this.meter.sample(); // output may have been queued outside a turn (an async handler)
  }

  /** Send queued DATA round-robin, one frame per stream per turn, within both windows. */
  private flush(): void {
    let progressed = false;
    while (!this.writeBlocked && !this.closing && this.ready.length > 0) {
      const stream = this.ready.shift()!;
      const item = stream.output[0];
      if (item === undefined || stream.state === StreamState.Closed) continue;
      if (item.kind === 'trailers') {
        stream.output.shift();
        const block = this.encoder.encode(item.fields);
        if (this.metrics !== null) this.metrics.headerBlock(1, block.length, item.fields);
        for (const frame of encodeHeaders(stream.id, block, true, this.peer.maxFrameSize)) this.write(frame);
        progressed = true;
        this.localEnded(stream);
        continue;
      }
      const remaining = item.bytes.length - item.offset;
      // Never negative: a SETTINGS shrink can leave a window below zero (§6.9.2), and an empty
      // DATA frame carrying END_STREAM may be sent whatever the windows say (§6.9.1).
      const n = Math.max(0, Math.min(remaining, stream.sendWindow.available, this.connSendWindow.available, this.peer.maxFrameSize));
      if (remaining > 0 && n <= 0) {
        // Waiting for credit: WINDOW_UPDATE puts the stream back in line.
        if (stream.sendWindow.available > 0) this.ready.push(stream); // only the connection window is shut
        if (this.connSendWindow.available <= 0) break;
        continue;
      }
      const last = item.offset + n === item.bytes.length;
      const endStream = last && item.end;
      // A chunk that fits one frame goes as it is: no view of it per frame.
      this.writeData(stream.id, n === item.bytes.length ? item.bytes : item.bytes.subarray(item.offset, item.offset + n), endStream);
      progressed = true;
      stream.sendWindow.consume(n);
      this.connSendWindow.consume(n);
      item.offset += n;
      if (last) stream.output.shift();
      stream.outputSent(n);
      if (endStream) {
        this.localEnded(stream);
        continue;
      }
      if (stream.output.length > 0) this.ready.push(stream);
    }
    if (this.peerEnded) this.cancelStarvedStreams();
    // The stall clock runs while any response has output it cannot send (no credit, or a peer
    // that does not read), and restarts whenever something moves.
    const stallMs = this.config.timeouts.sendStallMs;
    if (stallMs <= 0 || this.closing) return;
    if (!this.writeBlocked && !this.hasQueuedOutput()) this.sendStall.clear();
    else if (progressed || !this.sendStall.armed) this.sendStall.set(stallMs);
  }

  private hasQueuedOutput(): boolean {
    if (this.ready.length > 0) return true;
    for (const stream of this.streams.values()) if (stream.output.length > 0) return true;
    return false;
  }

  private onSendStall(): void {
    // Nothing moved for sendStallMs: the peer is not reading, or gives no credit.
    this.context.logger.log('warn', 'http2.send-stall', { connection: this.id, streams: this.ready.length });
    this.connectionError(ErrorCode.ENHANCE_YOUR_CALM, 'the peer stopped reading or granting credit', 'http2.send-stall', true);
  }

  private write(frame: Buffer): void {
    this.meter.wrote(frame.length, 1);
    if (this.metrics !== null) this.metrics.frameOut(frame);
    this.output.add(frame);
  }

  /** A DATA frame; a large payload is not copied behind its header but written beside it. */
  private writeData(id: number, payload: Buffer, endStream: boolean): void {
    if (payload.length < DATA_COPY_BELOW) {
      this.write(encodeData(id, payload, endStream));
      return;
    }
    const header = encodeDataHeader(id, payload.length, endStream);
    this.meter.wrote(header.length + payload.length, 1);
    if (this.metrics !== null) this.metrics.frameOut(header);
    this.output.add(header);
    this.output.add(payload);
  }

  /** Close after what is written so far. */
  private closeTransport(): void {
    this.output.flush();
    this.transport.close();
  }

  /** Abort: what is queued is dropped anyway, so this turn's frames are not written first. */
  private resetTransport(): void {
    this.output.discard();
    this.transport.reset();
  }

  /** What waits to reach the peer: this turn's frames and what the transport holds. */
  private queuedOutputBytes(): number {
    return this.output.bytes + this.transport.writableLength;
  }

  /**
   * Control frames answer the peer (SETTINGS ACK, PING ACK, RST_STREAM, WINDOW_UPDATE): a peer
   * that sends them but never reads would make us queue without end, so past a bound it is cut off.
   */
  private writeControl(frame: Buffer): void {
    this.write(frame);
    const queued = this.queuedOutputBytes();
    if (queued > this.config.defences.maxOutboundQueueBytes && !this.closing) {
      this.tripped('maxOutboundQueueBytes');
      this.context.logger.log('warn', 'http2.outbound-queue-full', { connection: this.id, queued });
      this.closing = true;
      this.resetTransport();
    }
  }

  private sendServerPreface(): void {
    const s = this.config.settings;
    const settings: Array<[number, number]> = [
      [SettingId.MAX_CONCURRENT_STREAMS, s.maxConcurrentStreams],
      [SettingId.ENABLE_PUSH, 0],
      [SettingId.MAX_HEADER_LIST_SIZE, s.maxHeaderListSize],
    ];
    if (s.headerTableSize !== 4096) settings.push([SettingId.HEADER_TABLE_SIZE, s.headerTableSize]);
    if (s.initialWindowSize !== 65_535) settings.push([SettingId.INITIAL_WINDOW_SIZE, s.initialWindowSize]);
    if (s.maxFrameSize !== DEFAULT_MAX_FRAME_SIZE) settings.push([SettingId.MAX_FRAME_SIZE, s.maxFrameSize]);
    this.write(encodeSettings(settings));
    this.unackedSettings++;
    if (this.config.timeouts.settingsAckMs > 0) this.settingsAckDeadline.set(this.config.timeouts.settingsAckMs);
    // Open the connection window beyond 64 KiB so several uploads can proceed at once.
    const extra = CONNECTION_RECEIVE_WINDOW - 65_535;
    this.write(encodeWindowUpdate(0, extra));
    this.connRecvWindow += extra;
  }

  /** h2c Upgrade (RFC 7540 §3.2): apply HTTP2-Settings, and serve the request as stream 1. */
  private acceptUpgrade(settingsPayload: Buffer, request: UpgradedRequest): void {
    const settings: Array<[number, number]> = [];
    for (let i = 0; i + 6 <= settingsPayload.length; i += 6) settings.push([settingsPayload.readUInt16BE(i), settingsPayload.readUInt32BE(i + 2)]);
    const invalid = validateSettings(settings);
    if (invalid !== null || !this.applyPeerSettings(settings)) {
      if (invalid !== null) this.connectionError(invalid.code, invalid.message, 'http2.bad-settings');
      return;
    }
    this.lastPeerStreamId = 1;
    const parsed = parseRequestFields(request.fields);
    if (typeof parsed === 'string') {
      this.closedStreams.set(1, Closed.ResetByUs);
      this.respondWithoutStream(1, 400, parsed);
      return;
    }
    // The request was complete when the upgrade happened (RFC 7540 §3.2): its body is already here.
    const stream = new Http2Stream(1, this, parsed, request.body.length === 0, this.peer.initialWindowSize, this.config.settings.initialWindowSize);
    this.streams.set(1, stream);
    this.streamsOpened++;
    this.metrics?.streamOpened();
    if (request.body.length > 0) {
      stream.body.push(request.body);
      stream.body.end([]);
    }
    stream.state = StreamState.HalfClosedRemote;
    this.meter.handlerCalled();
    runHandler(this.context.handler, stream, this.context.logger, this.id);
  }

  // ---- Ending ----

  /** A defence budget ran out: counted once, as the connection error it causes happens once. */
  private tripped(defence: DefenceName): void {
    if (!this.closing) this.metrics?.defenceTripped(defence);
  }

  /** A stream is closed: its exchange reported (if it was not yet) and its lifetime counted. */
  private streamGone(stream: Http2Stream, aborted: boolean): void {
    stream.reportFinished(aborted);
    if (this.metrics !== null) this.metrics.streamClosed(this.context.clock.now() - stream.startedAt);
  }

  private spendIdle(what: string): boolean {
    if (this.idleFrames.spend()) return true;
    this.tripped('maxIdleFrames');
    this.connectionError(ErrorCode.ENHANCE_YOUR_CALM, `more than ${this.config.defences.maxIdleFrames} frames that do no work (${what}) in ${this.config.defences.budgetWindowMs} ms`, 'http2.flood');
    return false;
  }

  private armIdle(): void {
    if (this.config.timeouts.idleMs > 0 && !this.closing) this.idleDeadline.set(this.config.timeouts.idleMs);
  }

  /** GOAWAY without an error: no new streams; close once the streams in flight are done. */
  private goAway(code: number, reason: string): void {
    if (this.closing) return;
    if (!this.goawaySent) {
      this.goawaySent = true;
      this.write(encodeGoaway(this.lastPeerStreamId, code, Buffer.from(reason, 'latin1')));
    }
    this.maybeFinish();
  }

  private maybeFinish(): void {
    // Streams that only wait for the rest of a request nobody reads do not hold a closing connection open.
    if (this.closing || this.streams.size > this.lingering.size) return;
    if (this.goawaySent || this.peerGoaway || this.draining) this.closeGracefully();
  }

  /** A connection error (§5.4.1): GOAWAY with the code, then close. */
  private connectionError(code: number, message: string, event: string, now = false): void {
    if (this.closing) return;
    this.context.logger.log('info', event, { connection: this.id, code: errorCodeName(code), message });
    if (!this.goawaySent) {
      this.goawaySent = true;
      this.write(encodeGoaway(this.lastPeerStreamId, code, Buffer.from(message.slice(0, 200), 'latin1')));
    }
    if (now) {
      this.closing = true;
      this.resetTransport();
      return;
    }
    this.closeGracefully();
  }

  /**
   * Close in stages, as HTTP/1.1 does (RFC 9112 §9.6): FIN after the GOAWAY, then read and
   * discard until the peer closes or lingerMs passes, so bytes the peer had in flight cannot
   * provoke a reset that destroys our GOAWAY before the peer reads it.
   */
  private closeGracefully(): void {
    if (this.closing) return;
    // §6.8: say GOAWAY before closing, even when the peer went first.
    if (!this.goawaySent) {
      this.goawaySent = true;
      this.write(encodeGoaway(this.lastPeerStreamId, ErrorCode.NO_ERROR));
    }
    this.closing = true;
    for (const d of [this.prefaceDeadline, this.settingsAckDeadline, this.idleDeadline, this.sendStall]) d.clear();
    this.streamLingerDeadline.dispose();
    const reason = new HttpError(499, 'the connection is closing');
    for (const stream of [...this.streams.values()]) this.closeStream(stream, Closed.ResetByUs, reason);
    // Everything written so far goes before the FIN.
    this.output.flush();
    this.transport.end();
    this.transport.resume();
    this.lingerDeadline.set(this.config.timeouts.lingerMs > 0 ? this.config.timeouts.lingerMs : 2_000);
  }
}

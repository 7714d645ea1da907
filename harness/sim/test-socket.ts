import type { Transport, TransportError, TransportEvents, TransportInfo } from '../../server/transport/transport.js';
import type { VirtualClock } from './virtual-clock.js';
import type { Rng } from './rng.js';
import type { LinkFaults } from './faults.js';
import { Link } from './link.js';
import type { Trace } from './trace.js';

/** One captured event of a connection, in delivery order, for the synthesized pcap. */
export interface CaptureEvent {
  time: number;
  connection: number;
  kind: 'open' | 'data' | 'fin' | 'rst';
  from: 'client' | 'server';
  bytes?: Buffer;
  /** On 'open': the server's port when it is not 80. */
  serverPort?: number;
}

/** How a connection presents itself, apart from its faults. */
export interface ConnectionOptions {
  /** The server's port in captures (default 80; 443 for TLS, so tshark decodes it unaided). */
  serverPort?: number;
  /**
   * The bytes are encrypted (TLS): their contents differ from run to run by design (random
   * nonces and keys), so the trace records their sizes and timing but not a fingerprint of them.
   */
  opaque?: boolean;
}

export interface ConnectionFaults {
  clientToServer: LinkFaults;
  serverToClient: LinkFaults;
}

/**
 * A simulated TCP connection between a test client and a server: two Links with their own
 * seeded faults. `server` is a Transport the real server runs over unchanged; `client` is a raw
 * byte client for tests.
 */
export class TestConnection {
  readonly server: SimServerTransport;
  readonly client: SimClient;
  readonly c2s: Link;
  readonly s2c: Link;
  private resetDone = false;

  constructor(
    readonly id: number,
    private readonly clock: VirtualClock,
    rng: Rng,
    readonly faults: ConnectionFaults,
    private readonly trace: Trace,
    private readonly capture: CaptureEvent[],
    readonly options: ConnectionOptions = {},
  ) {
    const conn = this; // the links' receivers read the endpoints' state through it
    this.server = new SimServerTransport(this, id);
    this.client = new SimClient(this);
    const record = (from: 'client' | 'server') => (kind: CaptureEvent['kind'], bytes?: Buffer) =>
      this.capture.push({ time: clock.time, connection: id, kind, from, ...(bytes ? { bytes } : {}) });
    const fromClient = record('client');
    const fromServer = record('server');
    this.c2s = new Link(`c${id} c->s`, clock, rng.fork(`conn-${id}/c->s`), faults.clientToServer, trace, {
      get reading() { return conn.server.reading; },
      deliverData: (chunk) => { fromClient('data', chunk); this.server.deliverData(chunk); },
      deliverEnd: () => { fromClient('fin'); this.server.deliverEnd(); },
    }, () => this.client.drained(), () => this.reset('client'), options.opaque === true);
    this.s2c = new Link(`c${id} s->c`, clock, rng.fork(`conn-${id}/s->c`), faults.serverToClient, trace, {
      get reading() { return conn.client.reading; },
      deliverData: (chunk) => { fromServer('data', chunk); this.client.deliverData(chunk); },
      deliverEnd: () => { fromServer('fin'); this.client.deliverEnd(); },
    }, () => this.server.drained(), () => this.reset('server'), options.opaque === true);
    capture.push({ time: clock.time, connection: id, kind: 'open', from: 'client', ...(options.serverPort !== undefined ? { serverPort: options.serverPort } : {}) });
    trace.add(clock.time, `c${id}`, 'open');
  }

  /** An abortive close from one side: queued bytes are dropped and the peer sees a reset. */
  reset(by: 'client' | 'server'): void {
    if (this.resetDone) return;
    this.resetDone = true;
    this.trace.add(this.clock.time, `c${this.id}`, `rst from ${by}`);
    this.capture.push({ time: this.clock.time, connection: this.id, kind: 'rst', from: by });
    this.c2s.kill();
    this.s2c.kill();
    const latency = (by === 'client' ? this.faults.clientToServer : this.faults.serverToClient).latencyMs;
    // The side that resets is closed at once; its peer learns after the one-way delay.
    if (by === 'client') {
      this.client.markClosed(null);
      this.clock.setTimer(latency, () => this.server.deliverReset());
    } else {
      this.server.markResetLocally();
      this.clock.setTimer(latency, () => this.client.deliverReset());
    }
  }

  /** A trace line about this connection (endpoints record what the server was told). */
  note(event: string): void {
    this.trace.add(this.clock.time, `c${this.id}`, event);
  }

  get isReset(): boolean {
    return this.resetDone;
  }

  /** Both ends are gone. */
  get closed(): boolean {
    return this.server.closed && this.client.closed;
  }

  schedule(delayMs: number, fn: () => void): void {
    this.clock.setTimer(delayMs, fn);
  }
}

/**
 * The error a peer's RST leaves on a Linux socket (tcp_reset() in net/ipv4/tcp_input.c): EPIPE in
 * CLOSE_WAIT (the peer had already sent its FIN and we had not), ECONNRESET otherwise. The next
 * read or write reports it once; a write after that gets EPIPE.
 */
function resetErrorCode(peerEnded: boolean, writeEnded: boolean): 'EPIPE' | 'ECONNRESET' {
  return peerEnded && !writeEnded ? 'EPIPE' : 'ECONNRESET';
}

function transportError(code: string, op: 'read' | 'write'): TransportError {
  return { code, message: `${op} ${code}: ${code === 'EPIPE' ? 'broken pipe' : 'connection reset by peer'}` };
}

/**
 * The server's end of a TestConnection: the Transport the real server runs over.
 *
 * A peer's reset reaches it as a kernel socket under an event loop would see it. The RST itself
 * takes the link's one-way delay; until it arrives the server knows nothing (its writes go out
 * as usual, and the dead link never drains them). When it arrives:
 * - if the socket is being read (not paused, no FIN seen: Node stops reading at EOF), or a write
 *   is waiting for drain (the loop polls for writability), the pending read or write fails at
 *   once: onError (ECONNRESET, or EPIPE in CLOSE_WAIT), then onClose;
 * - otherwise nothing polls the socket, and the error waits there (Linux keeps it in sk_err) for
 *   the next syscall: the next write() or resume() fails with it, reported on a later turn as a
 *   socket reports a failed write; end(), close() and reset() close quietly (Node ignores a
 *   failed shutdown). This is where a server meets `write EPIPE`: the client sent its request
 *   and FIN, then reset, while the handler was still working.
 * Either way onError comes once, and onClose once after it.
 */
export class SimServerTransport implements Transport {
  readonly info: TransportInfo;
  private events: TransportEvents | null = null;
  private paused = false;
  private writeEnded = false;
  private peerEnded = false;
  private closeEmitted = false;
  private isClosed = false;
  /** A write returned false and no drain has come since: the event loop polls for writability. */
  private awaitingDrain = false;
  /** The peer's RST arrived while nothing polled the socket: the error the next syscall gets. */
  private pendingError: 'EPIPE' | 'ECONNRESET' | null = null;

  constructor(private readonly conn: TestConnection, id: number) {
    this.info = { remoteAddress: '10.0.0.2', remotePort: 40000 + id, localAddress: '10.0.0.1', localPort: conn.options.serverPort ?? 80, encrypted: false, alpnProtocol: null, servername: null };
  }

  /** A closed socket still "reads": what arrives then is answered with a reset (deliverData). */
  get reading(): boolean {
    return !this.paused || this.isClosed;
  }

  get closed(): boolean {
    return this.isClosed;
  }

  attach(events: TransportEvents): void {
    if (this.events !== null) throw new Error('SimServerTransport.attach: already attached');
    this.events = events;
  }

  reattach(events: TransportEvents): void {
    this.events = events;
  }

  write(chunk: Uint8Array): boolean {
    if (this.isClosed || this.writeEnded) return false;
    if (this.pendingError !== null) {
      this.failLater(this.pendingError, 'write');
      return false;
    }
    const ok = this.conn.s2c.send(Buffer.from(chunk));
    if (!ok) this.awaitingDrain = true;
    return ok;
  }

  writeLatin1(text: string): boolean {
    return this.write(Buffer.from(text, 'latin1'));
  }

  get writableLength(): number {
    return this.conn.s2c.inFlight;
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    // Reading again: the first read gets the error a reset left on the socket.
    if (this.pendingError !== null && !this.isClosed) {
      this.failLater(this.pendingError, 'read');
      return;
    }
    this.conn.c2s.receiverResumed();
  }

  end(): void {
    if (this.isClosed || this.writeEnded) return;
    this.writeEnded = true;
    this.conn.s2c.sendFin();
    if (this.peerEnded) this.finishClose();
  }

  close(): void {
    if (this.isClosed) return;
    this.end();
    this.finishClose();
  }

  reset(): void {
    if (this.isClosed) return;
    // The peer reset first (its RST on the way or arrived): there is nothing left to abort, but
    // our socket is gone at once all the same.
    if (this.conn.isReset) {
      this.pendingError = null;
      this.finishClose();
      return;
    }
    this.conn.reset('server');
  }

  // ---- from the link ----

  deliverData(chunk: Buffer): void {
    // Bytes for a socket we have closed: a real stack answers with RST.
    if (this.isClosed) {
      this.conn.reset('server');
      return;
    }
    this.events?.onData(chunk);
  }

  deliverEnd(): void {
    if (this.isClosed) return;
    this.peerEnded = true;
    this.events?.onEnd();
    if (this.writeEnded) this.finishClose();
  }

  /** The peer's RST arrived (see the class comment for what the server is told, and when). */
  deliverReset(): void {
    if (this.isClosed || this.pendingError !== null) return;
    const code = resetErrorCode(this.peerEnded, this.writeEnded);
    const reading = !this.paused && !this.peerEnded;
    if (!reading && !this.awaitingDrain) {
      this.pendingError = code;
      this.conn.note(`server socket holds ${code} (nothing polling it)`);
      return;
    }
    this.conn.note(`server ${reading ? 'read' : 'write'} ${code}`);
    this.events?.onError(transportError(code, reading ? 'read' : 'write'));
    this.finishClose();
  }

  drained(): void {
    this.awaitingDrain = false;
    if (!this.isClosed) this.events?.onDrain();
  }

  markResetLocally(): void {
    this.finishClose();
  }

  /**
   * A syscall the server just made failed with the reset's error: closed from now on (later
   * writes return false, quietly), onError on a later turn, as a socket reports a failed write,
   * and onClose after it.
   */
  private failLater(code: 'EPIPE' | 'ECONNRESET', op: 'read' | 'write'): void {
    this.pendingError = null;
    this.conn.note(`server ${op} ${code}`);
    this.conn.schedule(0, () => {
      if (!this.closeEmitted) this.events?.onError(transportError(code, op));
    });
    this.finishClose();
  }

  private finishClose(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    // 'close' comes on a later turn, as a socket's does, never inside the call that caused it.
    this.conn.schedule(0, () => {
      if (this.closeEmitted) return;
      this.closeEmitted = true;
      this.events?.onClose();
    });
  }
}

/** What SimClient.observe() reports, in delivery order. */
export interface SimClientObserver {
  data(chunk: Buffer): void;
  /** The server's FIN. */
  end(): void;
  /** The connection is gone: error is 'ECONNRESET' (or 'EPIPE') after a reset by the server, else null. */
  closed(error: string | null): void;
}

/** The test's end of a TestConnection: raw bytes in and out, with waits resolved on virtual time. */
export class SimClient {
  private readonly chunks: Buffer[] = [];
  private total = 0;
  private paused = false;
  private sentFin = false;
  private gotFin = false;
  private isClosed = false;
  private closeError: string | null = null;
  private waiters: Array<() => void> = [];
  private drainWaiters: Array<() => void> = [];
  private observers: SimClientObserver[] = [];

  constructor(private readonly conn: TestConnection) {}

  /** Follow deliveries as they happen (the node stream adapter does, instead of polling `received`). */
  observe(observer: SimClientObserver): void {
    this.observers.push(observer);
  }

  get reading(): boolean {
    return !this.paused && !this.isClosed;
  }

  /** Everything received so far. */
  get received(): Buffer {
    return this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.total);
  }

  get receivedBytes(): number {
    return this.total;
  }

  get ended(): boolean {
    return this.gotFin;
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /**
   * The error the server's reset left, as a Linux read reports it: 'ECONNRESET', or 'EPIPE' when
   * the server's FIN had arrived and ours had not been sent (CLOSE_WAIT). Null for a clean close.
   */
  get error(): string | null {
    return this.closeError;
  }

  /**
   * Send bytes; resolves once the window has room again (backpressure). Rejects with an error
   * whose `code` is 'EPIPE' once the connection is closed or our side has been ended, as write(2)
   * would fail.
   */
  async write(data: string | Uint8Array): Promise<void> {
    if (this.isClosed || this.sentFin) throw Object.assign(new Error(`c${this.conn.id}: write EPIPE (write after close)`), { code: 'EPIPE' });
    const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : Buffer.from(data);
    if (!this.conn.c2s.send(bytes) && !this.conn.isReset) await new Promise<void>((resolve) => this.drainWaiters.push(resolve));
  }

  /** Half-close (FIN). */
  end(): void {
    if (this.isClosed || this.sentFin) return;
    this.sentFin = true;
    this.conn.c2s.sendFin();
    if (this.gotFin) this.markClosed(null);
  }

  reset(): void {
    if (!this.isClosed) this.conn.reset('client');
  }

  /** Stop reading (the server then sees backpressure once the window fills). */
  pause(): void {
    this.paused = true;
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.conn.s2c.receiverResumed();
  }

  /** Resolves when `predicate` holds (checked after every delivery and state change). */
  until(predicate: () => boolean): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise((resolve) => {
      const check = () => {
        if (predicate()) resolve();
        else this.waiters.push(check);
      };
      this.waiters.push(check);
    });
  }

  untilClosed(): Promise<void> {
    return this.until(() => this.isClosed);
  }

  // ---- from the link ----

  deliverData(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.total += chunk.length;
    for (const o of this.observers) o.data(chunk);
    this.notify();
  }

  deliverEnd(): void {
    this.gotFin = true;
    for (const o of this.observers) o.end();
    if (this.sentFin) this.markClosed(null);
    this.notify();
  }

  /** The server's RST arrived: the client learns at once (a test client always reads). */
  deliverReset(): void {
    this.markClosed(resetErrorCode(this.gotFin, this.sentFin));
  }

  drained(): void {
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const w of waiters) w();
  }

  markClosed(error: string | null): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.closeError = error;
    this.drained();
    for (const o of this.observers) o.closed(error);
    this.notify();
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

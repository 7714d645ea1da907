import type { Transport, TransportEvents, TransportInfo } from '../../server/transport/transport.js';
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
    }, () => this.client.drained(), () => this.reset('client'));
    this.s2c = new Link(`c${id} s->c`, clock, rng.fork(`conn-${id}/s->c`), faults.serverToClient, trace, {
      get reading() { return conn.client.reading; },
      deliverData: (chunk) => { fromServer('data', chunk); this.client.deliverData(chunk); },
      deliverEnd: () => { fromServer('fin'); this.client.deliverEnd(); },
    }, () => this.server.drained(), () => this.reset('server'));
    capture.push({ time: clock.time, connection: id, kind: 'open', from: 'client' });
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
      this.clock.setTimer(latency, () => this.client.markClosed('ECONNRESET'));
    }
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

/** The server's end of a TestConnection: the Transport the real server runs over. */
export class SimServerTransport implements Transport {
  readonly info: TransportInfo;
  private events: TransportEvents | null = null;
  private paused = false;
  private writeEnded = false;
  private peerEnded = false;
  private closeEmitted = false;
  private isClosed = false;

  constructor(private readonly conn: TestConnection, id: number) {
    this.info = { remoteAddress: '10.0.0.2', remotePort: 40000 + id, localAddress: '10.0.0.1', localPort: 80, encrypted: false, alpnProtocol: null, servername: null };
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
    return this.conn.s2c.send(Buffer.from(chunk));
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

  deliverReset(): void {
    if (this.isClosed) return;
    this.events?.onError({ code: 'ECONNRESET', message: 'connection reset by peer' });
    this.finishClose();
  }

  drained(): void {
    if (!this.isClosed) this.events?.onDrain();
  }

  markResetLocally(): void {
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
  /** The connection is gone: error is 'ECONNRESET' after a reset by the server, else null. */
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

  /** 'ECONNRESET' when the server reset the connection. */
  get error(): string | null {
    return this.closeError;
  }

  /** Send bytes; resolves once the window has room again (backpressure). */
  async write(data: string | Uint8Array): Promise<void> {
    if (this.isClosed || this.sentFin) throw new Error(`c${this.conn.id}: write after close`);
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

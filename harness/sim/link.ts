import type { VirtualClock } from './virtual-clock.js';
import type { Rng } from './rng.js';
import type { LinkFaults } from './faults.js';
import { fingerprint, type Trace } from './trace.js';

/** The end that bytes arrive at. */
export interface LinkReceiver {
  /** False while the receiver is not reading (paused by the application). */
  readonly reading: boolean;
  deliverData(chunk: Buffer): void;
  deliverEnd(): void;
}

interface Segment {
  kind: 'data' | 'fin';
  bytes: Buffer;
  at: number;
}

/**
 * One direction of a simulated TCP connection. Writes are cut into segments, possibly merged
 * with the next write, delayed, and delivered strictly in order (a reliable link never reorders:
 * each segment arrives no earlier than the one before it). A receiver that is not reading, or
 * that the seed stalls, holds arrived bytes; they stay "in flight" and the sender sees
 * backpressure past the window, like a closed TCP window.
 */
export class Link {
  private readonly queue: Segment[] = [];
  private readonly held: Segment[] = [];
  private inFlightBytes = 0;
  private sent = 0;
  private deliveredBytes = 0;
  private lastAt = 0;
  private stalledUntil = -1;
  private wantsDrain = false;
  private dead = false;
  private finQueued = false;

  constructor(
    readonly name: string,
    private readonly clock: VirtualClock,
    private readonly rng: Rng,
    readonly faults: LinkFaults,
    private readonly trace: Trace,
    private readonly receiver: LinkReceiver,
    private readonly onDrain: () => void,
    /** Called when resetAfterBytes is reached: the connection must be reset by its sender. */
    private readonly onResetPoint: () => void,
  ) {}

  get inFlight(): number {
    return this.inFlightBytes;
  }

  /** Bytes accepted from the sender, and bytes handed to the receiver: equal on a reliable link once idle. */
  get sentBytes(): number {
    return this.sent;
  }

  get delivered(): number {
    return this.deliveredBytes;
  }

  get finSent(): boolean {
    return this.finQueued;
  }

  /** Queue bytes; false when the window is full (wait for the drain callback). */
  send(bytes: Buffer): boolean {
    if (this.dead || this.finQueued || bytes.length === 0) return !this.dead && this.inFlightBytes < this.faults.windowBytes;
    let data = bytes;
    const limit = this.faults.resetAfterBytes;
    let resetNow = false;
    if (limit !== null && this.sent + data.length >= limit) {
      data = data.subarray(0, Math.max(0, limit - this.sent));
      resetNow = true;
    }
    this.sent += data.length;
    this.inFlightBytes += data.length;
    let offset = 0;
    while (offset < data.length) {
      const size = Math.min(data.length - offset, this.rng.int(1, this.faults.maxSegment));
      const piece = data.subarray(offset, offset + size);
      offset += size;
      const last = this.queue[this.queue.length - 1];
      // Coalescing: the new bytes ride in the segment still waiting to leave.
      if (offset === size && last !== undefined && last.kind === 'data' && this.rng.chance(this.faults.coalesce)) {
        last.bytes = Buffer.concat([last.bytes, piece]);
        continue;
      }
      this.schedule({ kind: 'data', bytes: Buffer.from(piece), at: 0 });
    }
    if (resetNow) {
      this.trace.add(this.clock.time, this.name, `fault reset-after-bytes ${limit}`);
      this.onResetPoint();
      return false;
    }
    const ok = this.inFlightBytes < this.faults.windowBytes;
    if (!ok) this.wantsDrain = true;
    return ok;
  }

  /** Half-close: a FIN after everything already queued. */
  sendFin(): void {
    if (this.dead || this.finQueued) return;
    this.finQueued = true;
    this.schedule({ kind: 'fin', bytes: Buffer.alloc(0), at: 0 });
  }

  /** The connection was reset: nothing more moves on this link. */
  kill(): void {
    this.dead = true;
    this.queue.length = 0;
    this.held.length = 0;
  }

  /** The receiver started reading again: hand over what it held back, in order, on the clock. */
  receiverResumed(): void {
    if (this.held.length > 0) this.clock.setTimer(0, () => this.flushHeld());
  }

  private schedule(segment: Segment): void {
    const delay = this.faults.latencyMs + (this.faults.jitterMs > 0 ? this.rng.float() * this.faults.jitterMs : 0);
    // Never earlier than the previous segment: the stream stays in order.
    segment.at = Math.max(this.lastAt, this.clock.time + delay);
    this.lastAt = segment.at;
    this.queue.push(segment);
    this.clock.setTimer(segment.at - this.clock.time, () => this.arrive());
  }

  private arrive(): void {
    const segment = this.queue.shift();
    if (segment === undefined || this.dead) return;
    this.held.push(segment);
    if (segment.kind === 'data' && this.rng.chance(this.faults.stallChance)) {
      this.stalledUntil = this.clock.time + this.faults.stallMs;
      this.trace.add(this.clock.time, this.name, `fault stall ${this.faults.stallMs}ms`);
      this.clock.setTimer(this.faults.stallMs, () => this.flushHeld());
      return;
    }
    this.flushHeld();
  }

  private flushHeld(): void {
    while (this.held.length > 0 && !this.dead) {
      if (!this.receiver.reading || this.clock.time < this.stalledUntil) return;
      const segment = this.held.shift()!;
      if (segment.kind === 'fin') {
        this.trace.add(this.clock.time, this.name, 'fin');
        this.receiver.deliverEnd();
        continue;
      }
      this.trace.add(this.clock.time, this.name, `data ${segment.bytes.length} ${fingerprint(segment.bytes)}`);
      this.inFlightBytes -= segment.bytes.length;
      this.deliveredBytes += segment.bytes.length;
      this.receiver.deliverData(segment.bytes);
      if (this.wantsDrain && this.inFlightBytes < this.faults.windowBytes) {
        this.wantsDrain = false;
        this.onDrain();
      }
    }
  }
}

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
  /** A second delivery made by a hostile link: these bytes were never sent, so never in flight. */
  copy?: boolean;
  /** Holds bytes a hostile link held back behind the next segment: not moved a second time. */
  moved?: boolean;
}

/**
 * At most this many failed attempts in a row for one syscall: the next one succeeds. A kernel
 * makes progress eventually, and without a bound eagainChance + eintrChance near 1 would spin.
 */
export const MAX_SYSCALL_FAILURES = 8;

/**
 * One direction of a simulated TCP connection. Writes are cut into segments, possibly merged
 * with the next write, delayed, and delivered strictly in order (a reliable link never reorders:
 * each segment arrives no earlier than the one before it). A receiver that is not reading, or
 * that the seed stalls, holds arrived bytes; they stay "in flight" and the sender sees
 * backpressure past the window, like a closed TCP window.
 *
 * Syscall-style errors, as a non-blocking event loop (libuv) meets them, are modelled at both
 * ends: the sender's write(2) of each write and the receiver's read(2) of each data segment may
 * fail with EINTR, which is retried at once, in the same call, or EAGAIN, which is retried on the
 * loop's next poll: later in the same virtual instant, after everything else already due then
 * (a blocked write's bytes wait in user space, and every later write queues behind them). Virtual
 * time never moves for them, so the timing a scenario expects is unchanged; what changes is the
 * order of events within an instant. Each failure is a trace line (`fault EAGAIN read`), so the
 * determinism audit covers it, and none reaches the endpoints: no byte is lost, duplicated or
 * reordered by them.
 *
 * A hostile link (faults.hostile set) models a broken middlebox on top: as each data segment
 * arrives it may be swapped with the next one, have one bit flipped, or be delivered twice. The
 * receiver's byte stream then differs from what was sent; every such fault is traced.
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
  private finArrived = false;
  /** A read that failed with EAGAIN waits for the next poll: nothing is delivered before it. */
  private readRetryPending = false;
  private failedReads = 0;
  /** Segments of a write that met EAGAIN (and of every write and FIN after it) until the next poll. */
  private blocked: Segment[] | null = null;

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
    /** The bytes are encrypted and differ from run to run by design: trace their sizes, not a fingerprint. */
    private readonly opaque = false,
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

  /** The FIN has been handed to the receiver. */
  get finDelivered(): boolean {
    return this.finArrived;
  }

  /** The hostile-link mode is on: delivered bytes need not equal sent bytes. */
  get hostile(): boolean {
    return this.faults.hostile !== null;
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
    // The sender's write(2), attempted only when nothing waits in user space already. EINTR is
    // retried in the same call; EAGAIN leaves the bytes queued until the next poll. The sender is
    // not told either way: its bytes are accepted.
    if (data.length > 0 && this.blocked === null && this.writeWouldBlock()) {
      this.blocked = [];
      this.clock.setTimer(0, () => this.unblock());
    }
    let offset = 0;
    while (offset < data.length) {
      const size = Math.min(data.length - offset, this.rng.int(1, this.faults.maxSegment));
      const piece = data.subarray(offset, offset + size);
      offset += size;
      const last = this.blocked !== null ? this.blocked[this.blocked.length - 1] : this.queue[this.queue.length - 1];
      // Coalescing: the new bytes ride in the segment still waiting to leave.
      if (offset === size && last !== undefined && last.kind === 'data' && this.rng.chance(this.faults.coalesce)) {
        last.bytes = Buffer.concat([last.bytes, piece]);
        continue;
      }
      this.enqueue({ kind: 'data', bytes: Buffer.from(piece), at: 0 });
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
    this.enqueue({ kind: 'fin', bytes: Buffer.alloc(0), at: 0 });
  }

  /** The connection was reset: nothing more moves on this link. */
  kill(): void {
    this.dead = true;
    this.queue.length = 0;
    this.held.length = 0;
    this.blocked = null;
  }

  /** The receiver started reading again: hand over what it held back, in order, on the clock. */
  receiverResumed(): void {
    if (this.held.length > 0) this.clock.setTimer(0, () => this.flushHeld());
  }

  /** A segment leaves now, or after the write that blocked ahead of it. */
  private enqueue(segment: Segment): void {
    if (this.blocked !== null) this.blocked.push(segment);
    else this.schedule(segment);
  }

  /** The next poll after a write met EAGAIN: the socket is writable, what waited goes out in order. */
  private unblock(): void {
    const waiting = this.blocked;
    this.blocked = null;
    if (waiting === null || this.dead) return;
    for (const segment of waiting) this.schedule(segment);
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
    if (segment.kind === 'data' && this.faults.hostile !== null) this.misbehave(segment);
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
      if (!this.receiver.reading || this.clock.time < this.stalledUntil || this.readRetryPending) return;
      if (this.held[0]!.kind === 'data' && this.readFails()) return;
      const segment = this.held.shift()!;
      if (segment.kind === 'fin') {
        this.trace.add(this.clock.time, this.name, 'fin');
        this.finArrived = true;
        this.receiver.deliverEnd();
        continue;
      }
      this.trace.add(this.clock.time, this.name, this.opaque ? `data ${segment.bytes.length}` : `data ${segment.bytes.length} ${fingerprint(segment.bytes)}`);
      if (segment.copy !== true) this.inFlightBytes -= segment.bytes.length;
      this.deliveredBytes += segment.bytes.length;
      this.receiver.deliverData(segment.bytes);
      if (this.wantsDrain && this.inFlightBytes < this.faults.windowBytes) {
        this.wantsDrain = false;
        this.onDrain();
      }
    }
  }

  /** The sender's write(2): true when it ends in EAGAIN (after any EINTR retries), each failure traced. */
  private writeWouldBlock(): boolean {
    for (let failures = 0; failures < MAX_SYSCALL_FAILURES; failures++) {
      const code = this.drawSyscallError();
      if (code === null) return false;
      this.trace.add(this.clock.time, this.name, `fault ${code} write`);
      if (code === 'EAGAIN') return true;
    }
    return false;
  }

  /**
   * The receiver's read(2) of the next segment: EINTR is retried at once; EAGAIN (a spurious
   * wakeup) schedules a retry on the next poll and delivers nothing until then, so true. Each
   * failure is traced; after MAX_SYSCALL_FAILURES in a row the read goes through.
   */
  private readFails(): boolean {
    for (;;) {
      const code = this.failedReads < MAX_SYSCALL_FAILURES ? this.drawSyscallError() : null;
      if (code === null) {
        this.failedReads = 0;
        return false;
      }
      this.failedReads++;
      this.trace.add(this.clock.time, this.name, `fault ${code} read`);
      if (code === 'EAGAIN') break;
    }
    this.readRetryPending = true;
    this.clock.setTimer(0, () => {
      this.readRetryPending = false;
      this.flushHeld();
    });
    return true;
  }

  private drawSyscallError(): 'EINTR' | 'EAGAIN' | null {
    if (this.rng.chance(this.faults.eintrChance)) return 'EINTR';
    if (this.rng.chance(this.faults.eagainChance)) return 'EAGAIN';
    return null;
  }

  /**
   * A broken middlebox handles `segment` (just arrived, last in `held`): it may swap it with the
   * next segment still on its way (the receiver gets the later bytes first; bytes held back are
   * not held back again, so swaps are of neighbours), flip one of its bits, and deliver it twice
   * (a copy right after it). A FIN is never moved before data.
   */
  private misbehave(segment: Segment): void {
    const hostile = this.faults.hostile!;
    const next = this.queue[0];
    if (segment.moved !== true && next !== undefined && next.kind === 'data' && this.rng.chance(hostile.reorder)) {
      const early = next.bytes;
      next.bytes = segment.bytes;
      next.moved = true;
      segment.bytes = early;
      this.trace.add(this.clock.time, this.name, `fault reorder ${segment.bytes.length} before ${next.bytes.length}`);
    }
    if (segment.bytes.length > 0 && this.rng.chance(hostile.corrupt)) {
      const index = this.rng.int(0, segment.bytes.length - 1);
      const bit = this.rng.int(0, 7);
      segment.bytes = Buffer.from(segment.bytes);
      segment.bytes[index]! ^= 1 << bit;
      this.trace.add(this.clock.time, this.name, `fault corrupt byte ${index} bit ${bit}`);
    }
    if (this.rng.chance(hostile.duplicate)) {
      // The copy is a separate buffer: the receiver may keep (and own) each delivery.
      this.held.push({ kind: 'data', bytes: Buffer.from(segment.bytes), at: segment.at, copy: true });
      this.trace.add(this.clock.time, this.name, `fault duplicate ${segment.bytes.length}`);
    }
  }
}

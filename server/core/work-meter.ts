/**
 * Per-connection work accounting, for amplification budgets: how much the server does (bytes and
 * frames it queues, handlers it runs, memory it holds, CPU it spends) per byte the peer sends.
 * Attacks such as Rapid Reset (CVE-2023-44487), MadeYouReset (CVE-2025-8671), CONTINUATION floods
 * (CVE-2024-27316) and HPACK bombs are all a small input buying a large amount of server work; a
 * test that divides one by the other catches the class, not just the one exploit it was written for.
 *
 * The connections feed it on their hot paths, so it is plain fields and integer adds: no
 * allocation, no lookups, no clock reads unless a cpu clock is injected (sans-I/O: protocol code
 * never reads a clock of its own).
 */

export interface WorkCounts {
  /** Bytes the peer sent that the connection read. */
  bytesIn: number;
  /** Bytes queued to the transport for output. */
  bytesOut: number;
  /** HTTP/2 frames queued (HTTP/1.1: responses, counting each 1xx interim too). */
  framesOut: number;
  /** Request handler invocations (an HTTP/2 CONNECT tunnel's dial counts as one). */
  handlerCalls: number;
  /**
   * Bytes the connection holds right now: input buffered, output queued but not drained, HPACK
   * dynamic tables, header blocks being assembled, request bodies buffered and unread.
   */
  retainedBytes: number;
  /** The most retainedBytes seen, sampled at the end of every input/drain turn and every response. */
  peakRetainedBytes: number;
  /** CPU time in the connection's own code (its input and drain turns), when a cpu clock is injected; 0 otherwise. */
  cpuMicros: number;
}

/** What a connection holds in buffers that do not report deltas (parser, frame reader, HPACK, transport queue). */
export interface RetainedProbe {
  retainedBytes(): number;
}

/** A cpu clock in microseconds, e.g. `() => { const u = process.cpuUsage(); return u.user + u.system; }`. */
export type CpuClock = () => number;

export class WorkMeter {
  bytesIn = 0;
  bytesOut = 0;
  framesOut = 0;
  handlerCalls = 0;
  cpuMicros = 0;
  /** Bytes reported by retain(): request bodies and response output queued in streams. */
  private held = 0;
  private peak = 0;
  private probe: RetainedProbe | null = null;
  private ended = false;
  /** Clock reading at the start of the outermost turn in progress; -1 outside one. */
  private turnStartedAt = -1;

  constructor(private readonly cpuClock: CpuClock | null = null) {}

  /** The connection that now owns the transport (an HTTP/1.1 connection, then maybe HTTP/2 after h2c). */
  watch(probe: RetainedProbe): void {
    this.probe = probe;
  }

  read(bytes: number): void {
    this.bytesIn += bytes;
  }

  wrote(bytes: number, frames = 0): void {
    this.bytesOut += bytes;
    this.framesOut += frames;
  }

  /** HTTP/1.1 counts responses, not writes, as its frames. */
  responded(): void {
    this.framesOut++;
  }

  handlerCalled(): void {
    this.handlerCalls++;
  }

  /** Bytes now held (positive) or released (negative) outside what the probe sees. */
  retain(delta: number): void {
    this.held += delta;
  }

  /** Record the peak: called where retention can have grown (end of a turn, a queued response). */
  sample(): void {
    if (this.ended) return;
    const now = this.held + (this.probe === null ? 0 : this.probe.retainedBytes());
    if (now > this.peak) this.peak = now;
  }

  /**
   * Start a turn of the connection's own code (onData, onDrain). Returns whether this call started
   * the timing: a turn nested in another (an HTTP/1.1 connection handing its input to HTTP/2) is
   * part of the outer one.
   */
  beginTurn(): boolean {
    if (this.cpuClock === null || this.turnStartedAt >= 0) return false;
    this.turnStartedAt = this.cpuClock();
    return true;
  }

  /** End a turn: add its CPU time if this turn started the timing, and sample retention. */
  endTurn(began: boolean): void {
    if (began) {
      this.cpuMicros += this.cpuClock!() - this.turnStartedAt;
      this.turnStartedAt = -1;
    }
    this.sample();
  }

  /** The connection is gone: it holds nothing from now on, and the counts stay as they are. */
  end(): void {
    this.sample();
    this.ended = true;
    this.probe = null;
    this.held = 0;
  }

  get retainedBytes(): number {
    if (this.ended) return 0;
    return this.held + (this.probe === null ? 0 : this.probe.retainedBytes());
  }

  get peakRetainedBytes(): number {
    this.sample();
    return this.peak;
  }

  snapshot(): WorkCounts {
    return {
      bytesIn: this.bytesIn,
      bytesOut: this.bytesOut,
      framesOut: this.framesOut,
      handlerCalls: this.handlerCalls,
      retainedBytes: this.retainedBytes,
      peakRetainedBytes: this.peakRetainedBytes,
      cpuMicros: this.cpuMicros,
    };
  }
}

/** Server work per attacker byte, the quantities the amplification bounds are stated in. */
export interface Amplification {
  /** Output bytes per input byte. */
  outPerIn: number;
  /** Frames (HTTP/1.1: responses) per KiB of input. */
  framesPerKiB: number;
  /** Handler invocations per KiB of input. */
  handlerCallsPerKiB: number;
  /** Peak memory held per input byte. */
  peakRetainedPerIn: number;
  /** CPU microseconds per KiB of input (0 without a cpu clock). For reports, never for assertions on a shared machine. */
  cpuMicrosPerKiB: number;
}

/** Ratios of work to input; an empty input counts as one byte so that nothing divides by zero. */
export function amplification(counts: WorkCounts): Amplification {
  const bytesIn = Math.max(1, counts.bytesIn);
  const kib = bytesIn / 1024;
  return {
    outPerIn: counts.bytesOut / bytesIn,
    framesPerKiB: counts.framesOut / kib,
    handlerCallsPerKiB: counts.handlerCalls / kib,
    peakRetainedPerIn: counts.peakRetainedBytes / bytesIn,
    cpuMicrosPerKiB: counts.cpuMicros / kib,
  };
}

import type { Clock, Timer } from '../../transport/clock.js';

/**
 * Test-only: wall time plus an offset that `advance()` moves forward, firing every timer that
 * falls due on the way, in order. Timers also fire on their own in real time, so a socket test's
 * ordinary timeouts (keep-alive, close deadlines) behave normally, while hours of ticket rotation
 * or OCSP refreshes pass in one call. `frozen`: time moves only by advance() (exact boundaries
 * for unit tests), and timers never fire by themselves.
 */
export class JumpClock implements Clock {
  private offset = 0;
  private readonly pending = new Set<{ at: number; fire(): void }>();
  private readonly frozenAt: number | null;

  constructor(options: { frozen?: boolean } = {}) {
    this.frozenAt = options.frozen === true ? Date.now() : null;
  }

  now(): number {
    return (this.frozenAt ?? Date.now()) + this.offset;
  }

  setTimer(delayMs: number, callback: () => void): Timer {
    let done = false;
    const entry = {
      at: this.now() + Math.max(0, delayMs),
      fire: () => {
        if (done) return;
        done = true;
        clearTimeout(handle);
        this.pending.delete(entry);
        callback();
      },
    };
    const handle = this.frozenAt === null ? setTimeout(entry.fire, Math.max(0, delayMs)) : undefined;
    handle?.unref();
    this.pending.add(entry);
    return {
      cancel: () => {
        done = true;
        clearTimeout(handle);
        this.pending.delete(entry);
      },
    };
  }

  /** Move time forward by `ms`, firing timers due by then (earliest first, new ones included). */
  advance(ms: number): void {
    const target = this.now() + ms;
    while (true) {
      let next: { at: number; fire(): void } | null = null;
      for (const e of this.pending) if (e.at <= target && (next === null || e.at < next.at)) next = e;
      if (next === null) break;
      this.offset += Math.max(0, next.at - this.now());
      next.fire();
    }
    this.offset += Math.max(0, target - this.now());
  }

  /** Timers not yet fired or cancelled. */
  get pendingTimers(): number {
    return this.pending.size;
  }
}

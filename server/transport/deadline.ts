import type { Clock, Timer } from './clock.js';

/**
 * One re-armable deadline on a Clock, for the per-connection timeouts (header section, body,
 * keep-alive idle). Moving a deadline later is the common case (every request re-arms it), so
 * instead of cancelling and creating a timer each time we keep the timer that is already armed
 * and, when it fires early, re-arm it for the remaining time. Cost per request: two field writes.
 */
export class Deadline {
  private at = Infinity;
  private timer: Timer | null = null;
  private timerAt = Infinity;

  constructor(
    private readonly clock: Clock,
    private readonly onExpire: () => void,
  ) {}

  /**
   * Expire `delayMs` from now; a non-finite or non-positive delay disarms it. `now` lets a caller
   * that has just read the clock pass it on instead of reading it again.
   */
  set(delayMs: number, now: number = this.clock.now()): void {
    if (!(delayMs > 0) || !Number.isFinite(delayMs)) {
      this.at = Infinity;
      return;
    }
    this.at = now + delayMs;
    // An armed timer that fires no later than the new deadline can be reused; otherwise arm one.
    if (this.timer === null || this.timerAt > this.at) this.arm(delayMs, now);
  }

  /**
   * Disarm. The armed timer is left to fire (it will find nothing to do) because requests
   * disarm and re-arm constantly; cancelling and re-creating a timer each time costs more.
   */
  clear(): void {
    this.at = Infinity;
  }

  /** Disarm and cancel the underlying timer: the owner is going away and must leave no timer behind. */
  dispose(): void {
    this.at = Infinity;
    if (this.timer !== null) {
      this.timer.cancel();
      this.timer = null;
      this.timerAt = Infinity;
    }
  }

  get armed(): boolean {
    return this.at !== Infinity;
  }

  private arm(delayMs: number, now: number): void {
    if (this.timer !== null) this.timer.cancel();
    this.timerAt = now + delayMs;
    this.timer = this.clock.setTimer(delayMs, () => this.fire());
  }

  private fire(): void {
    this.timer = null;
    this.timerAt = Infinity;
    if (this.at === Infinity) return;
    const now = this.clock.now();
    const remaining = this.at - now;
    if (remaining > 0) {
      this.arm(remaining, now);
      return;
    }
    this.at = Infinity;
    this.onExpire();
  }
}

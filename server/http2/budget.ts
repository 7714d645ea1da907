import type { Clock } from '../transport/clock.js';

/**
 * A count of events allowed per window of time, for the flood defences: `spend()` records one
 * event and says whether the peer is still within its budget. Fixed windows on the injected
 * clock: cheap (no per-event timestamps), and a peer gets at most twice the budget across a
 * window boundary, which is still bounded.
 */
export class Budget {
  private windowStart = -Infinity;
  private used = 0;

  constructor(
    private readonly clock: Clock,
    private readonly max: number,
    private readonly windowMs: number,
  ) {}

  spend(): boolean {
    const now = this.clock.now();
    if (now - this.windowStart >= this.windowMs) {
      this.windowStart = now;
      this.used = 0;
    }
    this.used++;
    return this.used <= this.max;
  }
}

import type { Clock } from '../transport/clock.js';

/**
 * The Date field's IMF-fixdate (RFC 9110 §5.6.7), computed at most once per second of the
 * injected clock (virtual time in a simulation, so traces stay reproducible).
 */
export class HttpDate {
  private second = -1;
  private value = '';

  constructor(private readonly clock: Clock) {}

  get(now: number = this.clock.now()): string {
    const second = Math.floor(now / 1000);
    if (second !== this.second) {
      this.second = second;
      this.value = new Date(second * 1000).toUTCString();
    }
    return this.value;
  }
}

import type { Clock, Timer } from './clock.js';

/** A Clock that knows how many of its timers are still pending (set, not yet fired or cancelled). */
export interface CountingClock extends Clock {
  readonly pendingTimers: number;
}

/**
 * Wrap a clock so leaks can be seen from outside: the debug registry (server/debug/) reports the
 * count, and a harness asserts it falls back once a scenario's connections are gone. Costs one
 * closure per timer, so it is only used when the debug listener is on.
 */
export function countingClock(inner: Clock): CountingClock {
  let pending = 0;
  return {
    now: () => inner.now(),
    setTimer(delayMs: number, callback: () => void): Timer {
      let live = true;
      pending++;
      const timer = inner.setTimer(delayMs, () => {
        if (!live) return;
        live = false;
        pending--;
        callback();
      });
      return {
        cancel() {
          if (!live) return;
          live = false;
          pending--;
          timer.cancel();
        },
      };
    },
    get pendingTimers() {
      return pending;
    },
  };
}

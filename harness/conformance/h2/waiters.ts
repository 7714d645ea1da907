/** Starts a timer on some clock (real time for sockets, virtual time in the sim). */
export type StartTimer = (ms: number, fire: () => void) => { cancel(): void };

/**
 * Conditions a connection waits on, re-checked whenever it says something happened: the one
 * `until` both targets share, each with its own clock.
 */
export class Waiters {
  private readonly waiting = new Set<() => void>();

  constructor(private readonly startTimer: StartTimer) {}

  /** Something happened (frames arrived, the connection closed): re-check every condition. */
  notify(): void {
    for (const w of [...this.waiting]) w();
  }

  /** Resolves true once `pred` holds, or with `pred()`'s value when `timeoutMs` has passed. */
  until(pred: () => boolean, timeoutMs: number): Promise<boolean> {
    if (pred()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const check = () => {
        if (pred()) finish(true);
      };
      const finish = (value: boolean) => {
        timer.cancel();
        this.waiting.delete(check);
        resolve(value);
      };
      const timer = this.startTimer(timeoutMs, () => finish(pred()));
      this.waiting.add(check);
    });
  }

  /** Wake-ups that are not conditions (a close listener); removed with `remove`. */
  add(listener: () => void): void {
    this.waiting.add(listener);
  }

  remove(listener: () => void): void {
    this.waiting.delete(listener);
  }

  clear(): void {
    this.waiting.clear();
  }
}

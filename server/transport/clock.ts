/**
 * Time, injected. Protocol cores ask this for the current time and for timers, never the wall
 * clock or setTimeout, so a simulation can run a 60-second idle timeout in microseconds and
 * replay it exactly.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch (virtual in a simulation); used for Date and deadlines. */
  now(): number;
  /** Call `callback` once, `delayMs` from now. */
  setTimer(delayMs: number, callback: () => void): Timer;
}

export interface Timer {
  /** Cancel if not yet fired; harmless afterwards. */
  cancel(): void;
}

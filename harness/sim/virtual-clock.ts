import type { Clock, Timer } from '../../server/transport/clock.js';

interface Entry {
  at: number;
  seq: number;
  callback: () => void;
  cancelled: boolean;
}

/** Virtual time starts here (a fixed instant, so Date fields in traces never change). */
export const SIM_EPOCH_MS = Date.UTC(2026, 0, 1);

/**
 * The simulation's Clock: time only moves when the simulation moves it, to the next timer.
 * Timers due at the same instant fire in the order they were set, so ordering never depends on
 * wall time. A 60-second idle timeout costs one heap operation.
 */
export class VirtualClock implements Clock {
  private elapsed = 0;
  private seq = 0;
  private heap: Entry[] = [];
  private live = 0;

  now(): number {
    return SIM_EPOCH_MS + this.elapsed;
  }

  /** Milliseconds since the simulation started. */
  get time(): number {
    return this.elapsed;
  }

  setTimer(delayMs: number, callback: () => void): Timer {
    const entry: Entry = { at: this.elapsed + Math.max(0, delayMs), seq: this.seq++, callback, cancelled: false };
    this.push(entry);
    this.live++;
    return {
      cancel: () => {
        if (!entry.cancelled) {
          entry.cancelled = true;
          this.live--;
        }
      },
    };
  }

  /** Timers ever set: a cheap sign that something happened (the Sim's settle loop watches it). */
  get timersSet(): number {
    return this.seq;
  }

  /** Timers set and neither fired nor cancelled (teardown checks this is zero). */
  get pendingTimers(): number {
    return this.live;
  }

  /** When the next live timer is due, or null. */
  nextAt(): number | null {
    while (this.heap.length > 0 && this.heap[0]!.cancelled) this.pop();
    return this.heap.length > 0 ? this.heap[0]!.at : null;
  }

  /** Move time to the next timer and fire it (one timer). Returns false when none is left. */
  fireNext(): boolean {
    const at = this.nextAt();
    if (at === null) return false;
    const entry = this.pop()!;
    this.elapsed = Math.max(this.elapsed, at);
    entry.cancelled = true;
    this.live--;
    entry.callback();
    return true;
  }

  private push(entry: Entry): void {
    const heap = this.heap;
    heap.push(entry);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  private pop(): Entry | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (heap.length > 0 && last !== undefined) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && before(heap[l]!, heap[m]!)) m = l;
        if (r < heap.length && before(heap[r]!, heap[m]!)) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m]!, heap[i]!];
        i = m;
      }
    }
    return top;
  }
}

function before(a: Entry, b: Entry): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

/**
 * The pipes between the stages of a link (reference §5: "reader -> chain of stubs -> writer", data
 * travelling as chunks stamped with their receive time). A Go channel blocks the sender; here a
 * producer asks `ready` before pushing and waits with `onReady` otherwise, so memory stays bounded
 * by the capacities instead of by how fast the peer sends.
 */

/** One read from a socket, stamped with performance.now() when it was read (§5). */
export interface Chunk {
  data: Buffer;
  /** ms (performance.now()); latency advances it so stacked latency toxics add up (§7). */
  at: number;
}

/** Where a stage (or the reader) puts what it emits. */
export interface Sink {
  /** False: the producer must wait (onReady) before pushing more. */
  readonly ready: boolean;
  push(chunk: Chunk): void;
  /** End of stream: a Go stub closing its output channel. Nothing may be pushed after it. */
  end(): void;
  /** One-shot: called when ready turns true again (at once, synchronously, if it already is). */
  onReady(cb: () => void): void;
}

/** What a consumer takes: a chunk, or EOF (sticky, like a receive from a closed Go channel). */
export const EOF = Symbol('EOF');
export type Item = Chunk | typeof EOF;
/** receive() result: the stage is being interrupted (PATCH, a neighbour added/removed) or killed. */
export const INTERRUPTED = Symbol('INTERRUPTED');
/** receive(timeoutMs) result: nothing arrived in time (the timeout toxic's select on time.After). */
export const TIMEOUT = Symbol('TIMEOUT');

/**
 * A bounded FIFO in front of a stage. Go's channels are unbuffered except the 1024-chunk one in
 * front of latency (§7 "Buffers"); capacity 1 stands in for "unbuffered". EOF is a flag, not an
 * item: once the queue is empty every take returns EOF again, which is what lets a restarted toxic
 * (PATCH) see the end again, as a Go toxic reading a closed channel does.
 */
export class Channel implements Sink {
  private items: Chunk[] = [];
  private head = 0;
  private eof = false;
  private discarding = false;
  private readyWaiters: (() => void)[] = [];
  /** Buffered payload bytes, for the memory bound the tests check. */
  bytes = 0;
  /** The consumer's wake-up, called on every push and on end. */
  onItem: (() => void) | null = null;

  constructor(readonly capacity: number) {}

  get length(): number {
    return this.items.length - this.head;
  }

  get ready(): boolean {
    return this.discarding || this.length < this.capacity;
  }

  get ended(): boolean {
    return this.eof;
  }

  push(chunk: Chunk): void {
    if (this.discarding || this.eof) return;
    this.items.push(chunk);
    this.bytes += chunk.data.length;
    this.onItem?.();
  }

  end(): void {
    if (this.eof) return;
    this.eof = true;
    this.onItem?.();
  }

  /** The next item, EOF once drained after end(), or undefined when there is nothing yet. */
  tryTake(): Item | undefined {
    if (this.head < this.items.length) {
      const chunk = this.items[this.head]!;
      this.items[this.head++] = undefined as unknown as Chunk;
      if (this.head > 64 && this.head * 2 > this.items.length) {
        this.items = this.items.slice(this.head);
        this.head = 0;
      }
      this.bytes -= chunk.data.length;
      if (this.readyWaiters.length > 0 && this.length < this.capacity) this.fireReady();
      return chunk;
    }
    return this.eof ? EOF : undefined;
  }

  onReady(cb: () => void): void {
    if (this.ready) cb();
    else this.readyWaiters.push(cb);
  }

  /**
   * The stage behind it closed (a toxic ended the link): drop what is queued and everything that
   * comes later, so the producers in front never block on a consumer that is gone.
   */
  discard(): void {
    this.discarding = true;
    this.items = [];
    this.head = 0;
    this.bytes = 0;
    this.fireReady();
  }

  private fireReady(): void {
    const waiters = this.readyWaiters;
    if (waiters.length === 0) return;
    this.readyWaiters = [];
    for (const cb of waiters) cb();
  }
}

/** Resolve when the sink is ready (or at once). */
export function whenReady(sink: Sink): Promise<void> {
  return new Promise((resolve) => sink.onReady(resolve));
}

import type { RequestBody } from './types.js';
import { collectBody, parseJsonBody } from './body-reading.js';
import type { WorkMeter } from './work-meter.js';

/** What a body stream needs from the protocol connection carrying it. */
export interface BodySource {
  /** Stop reading from the peer (unread content is above the high-water mark). */
  pause(): void;
  resume(): void;
  /** The application started reading: the moment to send 100 Continue (RFC 9110 §10.1.1). */
  onFirstRead(): void;
}

const HIGH_WATER_MARK = 64 * 1024;

/**
 * Request content as the protocol delivers it: pushed chunks, pulled by the application through
 * async iteration or buffer()/text()/json(). While unread chunks exceed the high-water mark the
 * source is paused, so a handler that reads slowly (or never) bounds what the server holds.
 */
export class RequestBodyStream implements RequestBody {
  private readonly queue: Buffer[] = [];
  private queued = 0;
  private ended = false;
  private failure: Error | null = null;
  private waiter: (() => void) | null = null;
  private paused = false;
  private readStarted = false;
  private consumed = false;
  trailers: ReadonlyArray<readonly [string, string]> = [];

  constructor(
    private readonly source: BodySource,
    readonly empty: boolean,
    private readonly defaultLimit: number,
    /** The connection's meter: queued bytes count as held by the connection until releaseMeter(). */
    private meter: WorkMeter | null = null,
  ) {
    if (empty) this.ended = true;
  }

  /** Protocol side: a chunk of content arrived. */
  push(chunk: Buffer): void {
    if (this.ended || this.failure !== null || chunk.length === 0) return;
    if (this.consumed) return; // the application abandoned the body: discard
    this.queue.push(chunk);
    this.queued += chunk.length;
    this.meter?.retain(chunk.length);
    if (!this.paused && this.queued > HIGH_WATER_MARK) {
      this.paused = true;
      this.source.pause();
    }
    this.wake();
  }

  /** Protocol side: the content is complete. */
  end(trailers: ReadonlyArray<readonly [string, string]> = []): void {
    if (this.ended) return;
    this.trailers = trailers;
    this.ended = true;
    this.wake();
  }

  /** Protocol side: the content will never complete (reset, timeout, parse error). */
  fail(error: Error): void {
    if (this.ended || this.failure !== null) return;
    this.failure = error;
    this.wake();
  }

  /** True once every byte has been delivered to the protocol (whether or not it was read). */
  get complete(): boolean {
    return this.ended;
  }

  /** Whether the application ever asked for the content. */
  get started(): boolean {
    return this.readStarted;
  }

  /** Protocol side: the connection lets go of this exchange; what is still queued is the application's now. */
  releaseMeter(): void {
    this.meter?.retain(-this.queued);
    this.meter = null;
  }

  /** Protocol side: drop what is queued and whatever still arrives (response already sent). */
  discard(): void {
    this.consumed = true;
    this.queue.length = 0;
    this.meter?.retain(-this.queued);
    this.queued = 0;
    this.releasePause();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Buffer> {
    this.markRead();
    for (;;) {
      const chunk = this.queue.shift();
      if (chunk !== undefined) {
        this.queued -= chunk.length;
        this.meter?.retain(-chunk.length);
        if (this.paused && this.queued <= HIGH_WATER_MARK / 2) this.releasePause();
        yield chunk;
        continue;
      }
      if (this.failure !== null) throw this.failure;
      if (this.ended) return;
      await new Promise<void>((resolve) => (this.waiter = resolve));
    }
  }

  buffer(limit = this.defaultLimit): Promise<Buffer> {
    return collectBody(this, limit, () => this.discard());
  }

  async text(limit?: number): Promise<string> {
    return (await this.buffer(limit)).toString('utf8');
  }

  async json<T = unknown>(limit?: number): Promise<T> {
    return parseJsonBody<T>(await this.text(limit));
  }


  private markRead(): void {
    if (this.readStarted) return;
    this.readStarted = true;
    if (!this.ended) this.source.onFirstRead();
  }

  private releasePause(): void {
    if (!this.paused) return;
    this.paused = false;
    this.source.resume();
  }

  private wake(): void {
    const w = this.waiter;
    if (w !== null) {
      this.waiter = null;
      w();
    }
  }
}

import type { Socket } from 'node:net';
import type { Chunk, Sink } from './channel.js';

/**
 * The end of a link: writes chunks to the destination socket. Its `ready` is the socket's own
 * backpressure (write() returned false -> wait for 'drain'), so nothing in front of it buffers more
 * than a chunk while the peer does not read, the way a blocked Go Write holds its goroutine (§5).
 * After EOF or once the socket is gone it swallows everything, so the chain behind it drains.
 */
export class LinkWriter implements Sink {
  /** Bytes handed to the destination socket. */
  sent = 0;
  /** The destination went away before EOF reached us: Toxiproxy then counts no sent bytes (§4 /metrics). */
  failed = false;
  done = false;
  /** The capture tap (ProxyRuntimeOptions.onWire): sees every buffer handed to the destination. */
  tap: ((data: Buffer) => void) | null = null;
  private waiters: (() => void)[] = [];

  constructor(
    readonly dest: Socket,
    /** EOF reached the writer (or the destination failed): the connection closes the socket and ends the other link. */
    private readonly onEnd: () => void,
  ) {
    dest.on('drain', () => this.fireReady());
  }

  get ready(): boolean {
    return this.done || !this.dest.writableNeedDrain;
  }

  push(chunk: Chunk): void {
    this.write(chunk.data);
  }

  /** The no-toxic fast path writes raw buffers here; false = wait for onReady. */
  write(data: Buffer): boolean {
    if (this.done) return true;
    this.sent += data.length;
    this.tap?.(data);
    return this.dest.write(data);
  }

  end(): void {
    if (this.done) return;
    this.done = true;
    this.fireReady();
    this.onEnd();
  }

  /** The destination socket closed under us (error, peer reset, teardown). */
  destGone(): void {
    if (this.done) return;
    this.failed = true;
    this.end();
  }

  /** Teardown: swallow everything from now on without closing anything (the sockets are being destroyed). */
  abandon(): void {
    if (this.done) return;
    this.done = true;
    this.failed = true;
    this.fireReady();
  }

  onReady(cb: () => void): void {
    if (this.ready) cb();
    else this.waiters.push(cb);
  }

  private fireReady(): void {
    if (this.waiters.length === 0) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const cb of waiters) cb();
  }
}

import type { Transport, TransportEvents } from './transport.js';

/**
 * A Transport handed to a new owner (an Upgrade handler, a CONNECT tunnel) that still tells the
 * previous owner when it closes, whatever events the new owner installs. The server keeps such
 * connections in its registry until then, so a drain can still reach them.
 */
export class ObservedTransport implements Transport {
  constructor(
    private readonly inner: Transport,
    private readonly onClosed: () => void,
  ) {}

  get info() { return this.inner.info; }
  get writableLength() { return this.inner.writableLength; }
  get closed() { return this.inner.closed; }

  attach(events: TransportEvents): void {
    this.reattach(events);
  }

  reattach(events: TransportEvents): void {
    this.inner.reattach({
      onData: (chunk) => events.onData(chunk),
      onEnd: () => events.onEnd(),
      onDrain: () => events.onDrain(),
      onError: (error) => events.onError(error),
      onClose: () => {
        try {
          events.onClose();
        } finally {
          this.onClosed();
        }
      },
    });
  }

  write(chunk: Uint8Array): boolean { return this.inner.write(chunk); }
  writev(chunks: readonly Uint8Array[]): boolean {
    if (this.inner.writev !== undefined) return this.inner.writev(chunks);
    let below = true;
    for (const chunk of chunks) below = this.inner.write(chunk);
    return below;
  }
  writeLatin1(text: string): boolean { return this.inner.writeLatin1(text); }
  pause(): void { this.inner.pause(); }
  resume(): void { this.inner.resume(); }
  end(): void { this.inner.end(); }
  close(): void { this.inner.close(); }
  reset(): void { this.inner.reset(); }
}

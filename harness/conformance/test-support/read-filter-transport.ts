import type { Transport, TransportEvents } from '../../../server/transport/transport.js';

/**
 * Test-only: a Transport with a reader in front of the server's, to build deliberately fragile
 * servers (ones that break when a read ends in the wrong place). `read(chunk, deliver, reset)`
 * sees each chunk first and passes on what the server should get; everything else is forwarded.
 */
export class ReadFilterTransport implements Transport {
  constructor(
    private readonly inner: Transport,
    private readonly read: (chunk: Buffer, deliver: (chunk: Buffer) => void, reset: () => void) => void,
  ) {}

  private wrap(events: TransportEvents): TransportEvents {
    return {
      onData: (chunk) => this.read(chunk, (c) => events.onData(c), () => this.inner.reset()),
      onEnd: () => events.onEnd(),
      onDrain: () => events.onDrain(),
      onClose: () => events.onClose(),
      onError: (error) => events.onError(error),
    };
  }

  attach(events: TransportEvents): void {
    this.inner.attach(this.wrap(events));
  }
  /** aeronet reads the HTTP/2 preface as HTTP/1.x would, then hands the connection over here. */
  reattach(events: TransportEvents): void {
    this.inner.reattach(this.wrap(events));
  }
  write(chunk: Uint8Array): boolean {
    return this.inner.write(chunk);
  }
  writeLatin1(text: string): boolean {
    return this.inner.writeLatin1(text);
  }
  get writableLength(): number {
    return this.inner.writableLength;
  }
  pause(): void {
    this.inner.pause();
  }
  resume(): void {
    this.inner.resume();
  }
  end(): void {
    this.inner.end();
  }
  close(): void {
    this.inner.close();
  }
  reset(): void {
    this.inner.reset();
  }
  get closed(): boolean {
    return this.inner.closed;
  }
  get info() {
    return this.inner.info;
  }
}

/**
 * What the in-process benchmarks (h1-core, metrics) feed the HTTP/1.1 core: one GET /hello, and a
 * Transport whose writes go nowhere, so a measurement is the server's JavaScript and nothing else.
 */
import type { Transport, TransportEvents } from '../../server/transport/transport.js';

export const REQUEST = Buffer.from('GET /hello HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n', 'latin1');

export class NullTransport implements Transport {
  events: TransportEvents | null = null;
  written = 0;
  readonly writableLength = 0;
  readonly closed = false;
  readonly info = { remoteAddress: '127.0.0.1', remotePort: 1, localAddress: '127.0.0.1', localPort: 80, encrypted: false, alpnProtocol: null, servername: null };
  attach(events: TransportEvents): void { this.events = events; }
  reattach(events: TransportEvents): void { this.events = events; }
  write(chunk: Uint8Array): boolean { this.written += chunk.length; return true; }
  writeLatin1(text: string): boolean { this.written += text.length; return true; }
  pause(): void {}
  resume(): void {}
  end(): void {}
  close(): void {}
  reset(): void {}
}

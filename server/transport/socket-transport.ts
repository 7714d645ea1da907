import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { captureTlsSession, describeTlsSession } from '../tls/tls-session-info.js';
import type { TlsSessionInfo, Transport, TransportError, TransportEvents, TransportInfo } from './transport.js';

/**
 * The production Transport over a node:net Socket or a node:tls TLSSocket. It translates
 * Socket events into the TransportEvents callbacks once, here, so protocol cores never see a
 * Socket. The Socket is created with allowHalfOpen so a peer's FIN does not close our side.
 */
export class SocketTransport implements Transport {
  readonly info: TransportInfo;
  private events: TransportEvents | null = null;
  private closeReported = false;
  /** Our side has been ended or the socket is gone: writes are refused. Kept here because the
   * Socket's `writable`/`destroyed` getters cost more than the write path can spare. */
  private writeClosed = false;

  /**
   * `addresses` stands in for a socket that has none of its own: a TLSSocket over a stream that
   * is not a kernel socket (TLS over the simulated network). `describeTls` builds `info.tls` on
   * first read (the server passes one that knows the client-certificate verdict); without it a
   * TLS socket gets a description with no client identity.
   */
  constructor(private readonly socket: Socket, addresses?: Pick<TransportInfo, 'remoteAddress' | 'remotePort' | 'localAddress' | 'localPort'>, describeTls?: () => TlsSessionInfo) {
    const tlsSocket = socket as Partial<TLSSocket>;
    const encrypted = tlsSocket.encrypted === true;
    // The session's facts now (they are gone once the socket is), the object on first read.
    const facts = encrypted && describeTls === undefined ? captureTlsSession(socket as TLSSocket) : null;
    const describe = describeTls ?? (facts !== null ? () => describeTlsSession(facts, null) : null);
    let tls: TlsSessionInfo | null | undefined;
    this.info = {
      remoteAddress: addresses?.remoteAddress ?? socket.remoteAddress ?? '',
      remotePort: addresses?.remotePort ?? socket.remotePort ?? 0,
      localAddress: addresses?.localAddress ?? socket.localAddress ?? '',
      localPort: addresses?.localPort ?? socket.localPort ?? 0,
      encrypted,
      alpnProtocol: encrypted && typeof tlsSocket.alpnProtocol === 'string' ? tlsSocket.alpnProtocol : null,
      servername: encrypted && typeof tlsSocket.servername === 'string' ? tlsSocket.servername : null,
      get tls(): TlsSessionInfo | null {
        if (tls === undefined) tls = describe === null ? null : describe();
        return tls;
      },
    };
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.events?.onData(chunk));
    socket.on('end', () => this.events?.onEnd());
    socket.on('drain', () => this.events?.onDrain());
    socket.on('error', (err: NodeJS.ErrnoException) => this.events?.onError(toTransportError(err)));
    socket.on('close', () => {
      this.writeClosed = true;
      if (this.closeReported) return;
      this.closeReported = true;
      this.events?.onClose();
    });
  }

  attach(events: TransportEvents): void {
    if (this.events !== null) throw new Error('SocketTransport.attach: already attached; use reattach');
    this.events = events;
  }

  reattach(events: TransportEvents): void {
    this.events = events;
  }

  write(chunk: Uint8Array): boolean {
    if (this.writeClosed) return false;
    return this.socket.write(chunk);
  }

  writev(chunks: readonly Uint8Array[]): boolean {
    if (this.writeClosed) return false;
    // Corked writes reach the socket as one _writev: one syscall (or TLS pass) for them all.
    const socket = this.socket;
    socket.cork();
    let below = true;
    for (const chunk of chunks) below = socket.write(chunk);
    socket.uncork();
    return below;
  }

  writeLatin1(text: string): boolean {
    if (this.writeClosed) return false;
    return this.socket.write(text, 'latin1');
  }

  get writableLength(): number {
    return this.socket.writableLength;
  }

  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  end(): void {
    this.writeClosed = true;
    if (!this.socket.destroyed) this.socket.end();
  }

  close(): void {
    this.writeClosed = true;
    if (this.socket.destroyed) return;
    // end() flushes queued bytes and sends FIN; destroy once the kernel has them, so a peer that
    // never closes its side cannot keep the socket open.
    this.socket.end(() => this.socket.destroy());
    if (!this.socket.writable) this.socket.destroy();
  }

  reset(): void {
    this.writeClosed = true;
    if (this.socket.destroyed) return;
    // resetAndDestroy sends a TCP RST (Node >= 16.17); TLS sockets fall back to destroy.
    const s = this.socket as Socket & { resetAndDestroy?: () => void };
    if (typeof s.resetAndDestroy === 'function' && s.constructor.name === 'Socket') s.resetAndDestroy();
    else this.socket.destroy();
  }

  get closed(): boolean {
    return this.socket.destroyed;
  }
}

function toTransportError(err: NodeJS.ErrnoException): TransportError {
  return { code: typeof err.code === 'string' ? err.code : 'EUNKNOWN', message: err.message };
}

import tls from 'node:tls';
import type { Duplex } from 'node:stream';
import type { Clock, Timer } from '../transport/clock.js';
import type { Logger } from '../core/logger.js';

export interface TlsHandshakeOptions {
  /** Built once per server from its TLS options. */
  secureContext: tls.SecureContext;
  alpnProtocols: readonly string[];
  sniCallback: tls.TlsOptions['SNICallback'];
  clock: Clock;
  /** The whole handshake must finish within this long, on `clock` (0 = no limit). */
  timeoutMs: number;
  logger: Logger;
  remoteAddress: string;
  onSecure(socket: tls.TLSSocket): void;
  /** The handshake failed, with its reason code (for the failure counters). */
  onFailed?(code: string): void;
  /** Called once when the handshake ends, either way (the server stops tracking it). */
  onSettled(): void;
  /** Ask for a client certificate / refuse a handshake without one (client-auth.ts). Default false. */
  requestCert?: boolean;
  rejectUnauthorized?: boolean;
  /** Receives the session keys (NSS key log lines); debugging only (key-log.ts). */
  keyLog?: (line: Buffer) => void;
  /** Node emits 'OCSPRequest' on a TLSSocket's `server` option; the OCSP stapler listens there. */
  ocspServer?: tls.Server;
}

/**
 * The server side of a TLS handshake over any byte stream (listen() uses node:tls's own server
 * for kernel sockets unless a context per connection is needed, policy-handshake.ts; this is how
 * TLS runs over a simulated TestSocket). Two rules the node:tls
 * server also keeps: a handshake that takes longer than the timeout is abandoned, and a client
 * that half-closes before the handshake ends is closed at once (there is no session to half-close).
 * The timeout runs on the injected clock, so it is virtual time in the simulation.
 */
export class TlsHandshake {
  private readonly socket: tls.TLSSocket;
  private timer: Timer | null = null;
  private settled = false;

  constructor(stream: Duplex, private readonly options: TlsHandshakeOptions) {
    this.socket = new tls.TLSSocket(stream, {
      isServer: true,
      secureContext: options.secureContext,
      ALPNProtocols: [...options.alpnProtocols],
      ...(options.sniCallback ? { SNICallback: options.sniCallback } : {}),
      ...(options.ocspServer ? { server: options.ocspServer } : {}),
      requestCert: options.requestCert === true,
      rejectUnauthorized: options.rejectUnauthorized === true,
    });
    const socket = this.socket;
    // Before the handshake starts (TLSSocket starts reading on the next tick): every line counts.
    const keyLog = options.keyLog;
    if (keyLog) socket.on('keylog', (line: Buffer) => keyLog(line));
    if (options.timeoutMs > 0) {
      this.timer = options.clock.setTimer(options.timeoutMs, () => {
        this.timer = null;
        this.fail('timeout', 'the TLS handshake did not finish in time');
      });
    }
    socket.once('secure', () => {
      if (this.settle()) {
        // From here on the connection is half-open like a plain one.
        socket.allowHalfOpen = true;
        options.onSecure(socket);
      }
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (!this.settled) this.fail(err.code ?? 'EUNKNOWN', err.message);
    });
    socket.once('end', () => {
      if (!this.settled) this.fail('EOF', 'the client closed during the TLS handshake');
    });
    socket.once('close', () => {
      if (!this.settled) this.fail('ECONNRESET', 'the connection closed during the TLS handshake');
    });
  }

  /** Abandon the handshake (server close). */
  destroy(): void {
    if (!this.settled) this.fail('ECANCELED', 'the server is closing');
  }

  private settle(): boolean {
    if (this.settled) return false;
    this.settled = true;
    this.timer?.cancel();
    this.timer = null;
    this.options.onSettled();
    return true;
  }

  private fail(code: string, message: string): void {
    if (!this.settle()) return;
    this.options.logger.log('info', 'tls.handshake-failed', { code, message, remote: this.options.remoteAddress });
    this.options.onFailed?.(code);
    this.socket.destroy();
  }
}

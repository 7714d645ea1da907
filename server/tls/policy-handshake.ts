import type tls from 'node:tls';
import type { Duplex } from 'node:stream';
import type { Logger } from '../core/logger.js';
import type { Clock, Timer } from '../transport/clock.js';
import type { TlsSessionInfo } from '../transport/transport.js';
import { judgeClientCertificate, NO_CLIENT_CERTIFICATE } from './client-auth.js';
import { peekClientHello, type PeekHandle, type PeekResult } from './client-hello-peek.js';
import type { TlsContextSet } from './tls-contexts.js';
import { TlsHandshake } from './tls-handshake.js';
import { captureTlsSession, describeTlsSession } from './tls-session-info.js';

export interface PolicyHandshakeOptions {
  contexts: TlsContextSet;
  alpnProtocols: readonly string[];
  clock: Clock;
  /** For the ClientHello and the handshake together, on `clock` (0 = no limit). */
  timeoutMs: number;
  logger: Logger;
  remoteAddress: string;
  keyLog?: (line: Buffer) => void;
  ocspServer?: tls.Server;
  /** A session that passed its name's client-certificate policy; `describe` is req.tls. */
  onSecure(socket: tls.TLSSocket, describe: () => TlsSessionInfo): void;
  onFailed?(code: string): void;
  onSettled(): void;
}

/** OpenSSL's error when SSL_VERIFY_FAIL_IF_NO_PEER_CERT (rejectUnauthorized) finds no certificate. */
const NO_PEER_CERT = 'ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE';

/**
 * A TLS handshake whose context, ticket keys and client-certificate policy are chosen per
 * connection: read the ClientHello (SNI, ticket key names), pick the context (tls-contexts.ts),
 * run the handshake with that name's verify mode, then enforce the policy:
 *
 * - `none`: no CertificateRequest is sent; no identity, whatever the client does.
 * - `optional`: a CertificateRequest naming the CAs; served either way; identity only if verified.
 * - `required`: OpenSSL itself ends a handshake with no certificate (TLS 1.3 certificate_required,
 *   TLS 1.2 handshake_failure alert). A certificate that fails verification cannot get an alert:
 *   Node's verify callback lets every handshake complete, so the session is closed right after
 *   the handshake instead, before any HTTP byte is read or sent, and the reason is logged.
 */
export class PolicyTlsHandshake {
  private peek: PeekHandle | null;
  private handshake: TlsHandshake | null = null;
  private timer: Timer | null = null;
  private settled = false;
  private readonly startedAt: number;

  constructor(private readonly stream: Duplex, private readonly options: PolicyHandshakeOptions) {
    this.startedAt = options.clock.now();
    if (options.timeoutMs > 0) {
      this.timer = options.clock.setTimer(options.timeoutMs, () => {
        this.timer = null;
        this.failEarly('timeout', 'the TLS handshake did not finish in time');
      });
    }
    this.peek = peekClientHello(stream, (result) => this.peeked(result));
  }

  /** Abandon the handshake (server close). */
  destroy(): void {
    if (this.handshake !== null) this.handshake.destroy();
    else this.failEarly('ECANCELED', 'the server is closing');
  }

  private peeked(result: PeekResult): void {
    this.peek = null;
    if (this.settled) return;
    if (result.kind === 'ended') return this.failEarly('EOF', 'the client closed during the TLS handshake');
    if (result.kind === 'closed') return this.failEarly(result.code, result.message);
    const hello = result.kind === 'hello' ? result.hello : null;
    if (result.kind === 'opaque') this.options.logger.log('debug', 'tls.client-hello-unread', { reason: result.reason, remote: this.options.remoteAddress });
    const selected = this.options.contexts.select(hello);
    const mode = selected.entry.clientAuth.mode;
    this.timer?.cancel();
    this.timer = null;
    const o = this.options;
    const elapsed = o.clock.now() - this.startedAt;
    this.handshake = new TlsHandshake(this.stream, {
      secureContext: selected.context,
      alpnProtocols: o.alpnProtocols,
      // Always this connection's own context: so OCSP (which reads the SNI context's
      // certificate) and the CA store agree with what the ClientHello selected, even when
      // OpenSSL reads a name we could not.
      sniCallback: (_name, cb) => cb(null, selected.context),
      requestCert: mode !== 'none',
      rejectUnauthorized: mode === 'required',
      ...(o.keyLog ? { keyLog: o.keyLog } : {}),
      ...(o.ocspServer ? { ocspServer: o.ocspServer } : {}),
      clock: o.clock,
      timeoutMs: o.timeoutMs > 0 ? Math.max(1, o.timeoutMs - elapsed) : 0,
      logger: o.logger,
      remoteAddress: o.remoteAddress,
      onFailed: (code) => {
        if (code === NO_PEER_CERT) this.refused(selected.entry.label, hello?.serverName ?? null, `no client certificate (${selected.entry.label} requires one)`, 'in-handshake alert');
        o.onFailed?.(code);
      },
      onSettled: () => this.settle(),
      onSecure: (socket) => {
        const verdict = judgeClientCertificate(socket, mode);
        if (mode === 'required' && !verdict.authorized) {
          const reason = verdict.authorizationError === NO_CLIENT_CERTIFICATE ? `no client certificate (${selected.entry.label} requires one)` : `the client certificate did not verify: ${verdict.authorizationError}`;
          this.refused(selected.entry.label, hello?.serverName ?? null, reason, 'closed after the handshake');
          o.onFailed?.('client-auth-refused');
          socket.destroy();
          return;
        }
        const facts = captureTlsSession(socket, hello?.serverName ?? null);
        o.onSecure(socket, () => describeTlsSession(facts, verdict));
      },
    });
  }

  private refused(entry: string, servername: string | null, reason: string, how: string): void {
    this.options.logger.log('warn', 'tls.client-auth-refused', { entry, servername, reason, how, remote: this.options.remoteAddress });
  }

  private settle(): boolean {
    if (this.settled) return false;
    this.settled = true;
    this.timer?.cancel();
    this.timer = null;
    this.options.onSettled();
    return true;
  }

  /** A failure before the TLSSocket exists (while reading the ClientHello). */
  private failEarly(code: string, message: string): void {
    if (!this.settle()) return;
    this.peek?.cancel();
    this.peek = null;
    this.options.logger.log('info', 'tls.handshake-failed', { code, message, remote: this.options.remoteAddress });
    this.options.onFailed?.(code);
    this.stream.destroy();
  }
}

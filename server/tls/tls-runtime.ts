import { createHash, X509Certificate } from 'node:crypto';
import tls from 'node:tls';
import type { Duplex } from 'node:stream';
import type { Logger } from '../core/logger.js';
import type { Clock } from '../transport/clock.js';
import type { TlsSessionInfo } from '../transport/transport.js';
import { openKeyLog, type KeyLogSink } from './key-log.js';
import { parseCertificate } from './key-pair.js';
import { OcspStapler } from './ocsp-stapler.js';
import { PolicyTlsHandshake } from './policy-handshake.js';
import { createTlsServerOptions, resolveTlsConfig, wantsClientCertificates, type ResolvedTlsConfig, type ResolvedTlsEntry, type TlsConfig } from './tls-config.js';
import { TlsContextSet } from './tls-contexts.js';
import { TlsHandshake } from './tls-handshake.js';

/** What the server hands a handshake besides the stream (TlsHandshakeOptions minus the TLS parts). */
export interface TlsHandshakeRequest {
  clock: Clock;
  timeoutMs: number;
  logger: Logger;
  remoteAddress: string;
  /** `describe` builds req.tls (absent: the default description, with no client identity). */
  onSecure(socket: tls.TLSSocket, describe?: () => TlsSessionInfo): void;
  onFailed?(code: string): void;
  onSettled(): void;
}

/**
 * Everything a server's TLS needs at run time, built once from its TlsConfig at createServer():
 * the contexts, the key log, the OCSP staplers, and which of two ways connections are served.
 *
 * - Node's own server (tls.createServer for listen(), one shared context for acceptTls()) when
 *   no server name asks for client certificates and ticket keys do not rotate: nothing here
 *   needs more than Node does, and it stays exactly as fast.
 * - A context per connection (TlsContextSet + PolicyTlsHandshake, for listen() and acceptTls()
 *   alike) otherwise: see tls-contexts.ts for why Node's server cannot do these.
 */
export class TlsRuntime {
  readonly resolved: ResolvedTlsConfig;
  /** Connections get their context from their ClientHello (client-certificate policies, rotation). */
  readonly perConnection: boolean;
  /** Options for Node's own server (the first way above). */
  readonly serverOptions: tls.TlsOptions;
  private readonly contexts: TlsContextSet | null;
  private readonly keyLog: KeyLogSink | null;
  /** By SHA-256 of the certificate's DER, which is what Node's 'OCSPRequest' hands over. */
  private readonly staplers = new Map<string, OcspStapler>();
  /** The `server` of hand-made TLSSockets, so Node emits 'OCSPRequest' somewhere. */
  private readonly ocspServer: tls.Server | null = null;
  private sharedContext: tls.SecureContext | null = null;
  private started = false;

  constructor(config: TlsConfig, deps: { clock: Clock; logger: Logger }) {
    this.resolved = resolveTlsConfig(config);
    this.serverOptions = createTlsServerOptions(config);
    this.perConnection = wantsClientCertificates(this.resolved) || this.resolved.ticketRotation !== null;
    this.contexts = this.perConnection ? new TlsContextSet(this.resolved, deps.clock) : null;
    for (const entry of [this.resolved.defaultEntry, ...this.resolved.sniEntries]) {
      if (entry.ocsp === null) continue;
      const { leaf, issuer } = certificateAndIssuer(entry);
      if ('fetch' in entry.ocsp && issuer === null) {
        throw new Error(`TLS config: ocsp.fetch for ${entry.label} needs the issuer certificate: append it to the certificate PEM (the chain) or give ocsp.issuer`);
      }
      const stapler = new OcspStapler({ label: entry.label, config: entry.ocsp, leaf, issuer, clock: deps.clock, logger: deps.logger });
      this.staplers.set(createHash('sha256').update(leaf.raw).digest('hex'), stapler);
    }
    if (this.staplers.size > 0) {
      const hub = tls.createServer({ cert: this.resolved.defaultEntry.cert, key: this.resolved.defaultEntry.key });
      this.attachOcsp(hub);
      this.ocspServer = hub;
    }
    // Last, so a config error above never leaves a key log file behind with a warning for nothing.
    this.keyLog = this.resolved.keyLog === null ? null : openKeyLog(this.resolved.keyLog, deps.logger);
  }

  /** Start the timers (ticket rotation, OCSP refresh). Idempotent; listen() and acceptTls() call it. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.contexts?.start();
    for (const s of this.staplers.values()) s.start();
  }

  /** Stop every timer (server close): nothing of ours is left on the clock. */
  stop(): void {
    this.started = false;
    this.contexts?.stop();
    for (const s of this.staplers.values()) s.stop();
  }

  /** Hook Node's own server (listen() in the first mode): key log and OCSP. */
  attach(server: tls.Server): void {
    const sink = this.keyLog;
    if (sink !== null) server.on('keylog', (line: Buffer) => sink(line));
    if (this.staplers.size > 0) this.attachOcsp(server);
  }

  /** Run the server side of a handshake over `stream`, the way this config needs. */
  handshake(stream: Duplex, request: TlsHandshakeRequest): { destroy(): void } {
    const keyLog = this.keyLog;
    const common = {
      ...request,
      alpnProtocols: this.serverOptions.ALPNProtocols as string[],
      ...(keyLog !== null ? { keyLog } : {}),
      ...(this.ocspServer !== null ? { ocspServer: this.ocspServer } : {}),
    };
    if (this.contexts !== null) return new PolicyTlsHandshake(stream, { ...common, contexts: this.contexts });
    this.sharedContext ??= tls.createSecureContext(this.serverOptions);
    return new TlsHandshake(stream, {
      ...common,
      secureContext: this.sharedContext,
      sniCallback: this.serverOptions.SNICallback,
      onSecure: (socket) => request.onSecure(socket),
    });
  }

  private attachOcsp(server: tls.Server): void {
    // RFC 6066 §8: emitted only when the client sent status_request. No answer: nothing stapled.
    server.on('OCSPRequest', (certificate: Buffer, _issuer: Buffer, callback: (err: Error | null, response?: Buffer) => void) => {
      const stapler = this.staplers.get(createHash('sha256').update(certificate).digest('hex'));
      const response = stapler?.staple() ?? null;
      if (response !== null) callback(null, response);
      else callback(null);
    });
  }
}

/** The entry's leaf certificate, and its issuer from ocsp.issuer or from the PEM chain. */
function certificateAndIssuer(entry: ResolvedTlsEntry): { leaf: X509Certificate; issuer: X509Certificate | null } {
  const leaf = parseCertificate(entry.cert, entry.sniKey === null ? 'default certificate' : `${entry.label} certificate`);
  const given = entry.ocsp?.issuer;
  if (given !== undefined) {
    const issuer = parseCertificate(given, `ocsp.issuer of ${entry.label}`);
    if (!leaf.checkIssued(issuer)) throw new Error(`TLS config: ocsp.issuer of ${entry.label} did not issue that certificate`);
    return { leaf, issuer };
  }
  const text = typeof entry.cert === 'string' ? entry.cert : entry.cert.toString('latin1');
  for (const block of text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g)?.slice(1) ?? []) {
    const candidate = new X509Certificate(block);
    if (leaf.checkIssued(candidate)) return { leaf, issuer: candidate };
  }
  return { leaf, issuer: null };
}

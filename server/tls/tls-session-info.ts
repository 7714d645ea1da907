import type { X509Certificate } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import type { TlsClientCertificate, TlsSessionInfo } from '../transport/transport.js';
import type { ClientCertificateVerdict } from './client-auth.js';

/** The session facts that need the live TLS session: read once, when the handshake completes. */
export interface TlsSessionFacts {
  readonly servername: string | null;
  readonly alpnProtocol: string | null;
  readonly protocol: string | null;
  readonly cipher: string | null;
  readonly sessionReused: boolean;
}

/**
 * Read at 'secure', not later: once the socket is destroyed Node answers null for all of these,
 * and a handler may read req.tls after the client has gone. `servername` stands in when the
 * socket has none (a resumed TLS 1.2 session: OpenSSL then reports the name stored with the
 * session, and Node stores none).
 */
export function captureTlsSession(socket: TLSSocket, servername: string | null = null): TlsSessionFacts {
  const cipher = socket.getCipher() as { standardName?: string; name?: string } | undefined;
  return {
    servername: typeof socket.servername === 'string' && socket.servername !== '' ? socket.servername : servername,
    alpnProtocol: typeof socket.alpnProtocol === 'string' ? socket.alpnProtocol : null,
    protocol: socket.getProtocol() ?? null,
    cipher: cipher?.standardName ?? cipher?.name ?? null,
    sessionReused: socket.isSessionReused() === true,
  };
}

/**
 * `req.tls`: built on first read and then kept (SocketTransport caches it), so a connection that
 * never asks pays only for captureTlsSession. `verdict` is what the handshake decided about the
 * client certificate (null: no policy applied, so no identity).
 */
export function describeTlsSession(facts: TlsSessionFacts, verdict: ClientCertificateVerdict | null): TlsSessionInfo {
  const cert = verdict?.certificate ?? null;
  return {
    ...facts,
    clientAuth: verdict?.mode ?? 'none',
    clientCertificate: cert === null ? null : describeCertificate(cert),
    authorized: verdict?.authorized ?? false,
    ...(verdict?.authorizationError !== undefined ? { authorizationError: verdict.authorizationError } : {}),
  };
}

export function describeCertificate(cert: X509Certificate): TlsClientCertificate {
  return {
    subject: cert.subject,
    issuer: cert.issuer,
    serialNumber: cert.serialNumber.toUpperCase(),
    fingerprint256: cert.fingerprint256,
    validFrom: isoDate(cert.validFrom),
    validTo: isoDate(cert.validTo),
    subjectAltName: cert.subjectAltName ?? null,
  };
}

/** Node prints validity as OpenSSL does ('Dec  4 01:34:19 2026 GMT'); V8 parses that form. */
function isoDate(text: string): string {
  const t = Date.parse(text);
  return Number.isNaN(t) ? text : new Date(t).toISOString();
}

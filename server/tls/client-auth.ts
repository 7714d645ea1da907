import { X509Certificate } from 'node:crypto';
import type { TLSSocket } from 'node:tls';

/**
 * Client certificates (RFC 8446 §4.3.2 CertificateRequest, §4.4.2 Certificate), per server name:
 * `none` never asks for one, `optional` asks and serves either way (an identity only when it
 * verified), `required` refuses a connection without a verified one. Each policy has its own
 * trust anchors (`ca`), which OpenSSL verifies against in the handshake.
 */

export type ClientAuthMode = 'none' | 'optional' | 'required';
export const CLIENT_AUTH_MODES: readonly ClientAuthMode[] = ['none', 'optional', 'required'];

export type PemInput = string | Buffer;

export interface ClientAuthConfig {
  mode: ClientAuthMode;
  /** The CA certificates client certificates must chain to (PEM; one or several per string). */
  ca?: PemInput | readonly PemInput[];
}

/** A validated policy: the CA certificates split one PEM per entry. */
export interface ClientAuthPolicy {
  readonly mode: ClientAuthMode;
  readonly ca: readonly string[];
}

export const NO_CLIENT_AUTH: ClientAuthPolicy = { mode: 'none', ca: [] };

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/**
 * Checks a policy at startup. `label` names where it came from ('clientAuth of sni["a.test"]');
 * `caLabels[i]`, when given, names the source of `ca[i]` (a file) in messages instead.
 */
export function validateClientAuth(raw: unknown, label: string, caLabels: readonly string[] = []): ClientAuthPolicy {
  if (raw === undefined) return NO_CLIENT_AUTH;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new Error(`TLS config: ${label} must be an object { mode, ca }`);
  const { mode, ca } = raw as { mode?: unknown; ca?: unknown };
  if (typeof mode !== 'string' || !(CLIENT_AUTH_MODES as readonly string[]).includes(mode)) {
    throw new Error(`TLS config: ${label}.mode must be one of ${CLIENT_AUTH_MODES.map((m) => `'${m}'`).join(', ')}, got ${JSON.stringify(mode)}`);
  }
  const list = ca === undefined ? [] : Array.isArray(ca) ? ca : [ca];
  if (mode === 'none') {
    // A CA with 'none' would never be used; saying so beats silently ignoring a misconfiguration.
    if (list.length > 0) throw new Error(`TLS config: ${label} has mode 'none' but lists CA certificates; give mode 'optional' or 'required', or drop ca`);
    return NO_CLIENT_AUTH;
  }
  if (list.length === 0) throw new Error(`TLS config: ${label} has mode '${mode}' but no ca: client certificates need CA certificates to be verified against`);
  const pems: string[] = [];
  list.forEach((item, i) => {
    const source = caLabels[i] ?? (list.length > 1 ? `${label}.ca[${i}]` : `${label}.ca`);
    if (typeof item !== 'string' && !Buffer.isBuffer(item)) throw new Error(`TLS config: ${source} must be a PEM string or Buffer`);
    const text = typeof item === 'string' ? item : item.toString('latin1');
    const blocks = text.match(PEM_CERT) ?? [];
    if (blocks.length === 0) throw new Error(`TLS ${source} does not contain a PEM certificate (no "-----BEGIN CERTIFICATE-----" block)`);
    blocks.forEach((block, j) => {
      try {
        new X509Certificate(block);
      } catch (err) {
        throw new Error(`TLS ${source}: certificate ${j + 1} of ${blocks.length} is not a valid PEM certificate: ${(err as Error).message}`);
      }
      pems.push(block + '\n');
    });
  });
  return { mode: mode as ClientAuthMode, ca: pems };
}

/** What the handshake established about the client's certificate. */
export interface ClientCertificateVerdict {
  readonly mode: ClientAuthMode;
  /** The client's certificate when it was verified against this policy's CAs; else null. */
  readonly certificate: X509Certificate | null;
  readonly authorized: boolean;
  /** Why not authorized: an OpenSSL verify code, or NO_CLIENT_CERTIFICATE. Absent for 'none'. */
  readonly authorizationError?: string;
}

export const NO_CLIENT_CERTIFICATE = 'NO_CLIENT_CERTIFICATE';

/**
 * Judge the client's certificate after the handshake, for a socket whose context verified it
 * against `mode`'s CAs. Two Node facts shape this: Node's verify callback lets every handshake
 * finish (the result is read afterwards with verifyError(), which node:tls's own server calls in
 * the same place), and verifyError() reports a TLS 1.3 resumed session with no certificate as
 * verified. So "authorized" here means: a certificate is present AND it verified.
 */
export function judgeClientCertificate(socket: TLSSocket, mode: ClientAuthMode): ClientCertificateVerdict {
  if (mode === 'none') return { mode, certificate: null, authorized: false };
  const peer = socket.getPeerX509Certificate();
  if (peer === undefined) return { mode, certificate: null, authorized: false, authorizationError: NO_CLIENT_CERTIFICATE };
  // TLSSocket.ssl is the TLSWrap; verifyError() is how node:tls's server computes `authorized`.
  const ssl = (socket as unknown as { ssl?: { verifyError(): (Error & { code?: string }) | null } | null }).ssl;
  const error: (Error & { code?: string }) | null = ssl ? ssl.verifyError() : new Error('the TLS session is gone');
  if (error !== null) return { mode, certificate: null, authorized: false, authorizationError: error.code ?? error.message };
  return { mode, certificate: peer, authorized: true };
}

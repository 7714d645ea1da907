import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';

/**
 * Parses and cross-checks one certificate + private key before the server listens. node:tls
 * would reject most of these problems too, but only as an OpenSSL error string that does not
 * say which of several certificates (default or which SNI name) or which file was wrong.
 * `certLabel`/`keyLabel` name the source in messages, e.g. 'certificate file "/etc/x.pem"'.
 */

export function parseCertificate(pem: string | Buffer, certLabel: string): X509Certificate {
  if (!pemText(pem).includes('-----BEGIN CERTIFICATE-----')) {
    throw new Error(`TLS ${certLabel} does not contain a PEM certificate (no "-----BEGIN CERTIFICATE-----" block)`);
  }
  try {
    // Parses the first certificate; any intermediates after it are left for node:tls.
    return new X509Certificate(pem);
  } catch (err) {
    throw new Error(`TLS ${certLabel} does not contain a valid PEM certificate: ${messageOf(err)}`);
  }
}

export function parsePrivateKey(pem: string | Buffer, keyLabel: string): KeyObject {
  const text = pemText(pem);
  if (!/-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----/.test(text)) {
    throw new Error(`TLS ${keyLabel} does not contain a PEM private key (no "-----BEGIN ... PRIVATE KEY-----" block)`);
  }
  if (text.includes('-----BEGIN ENCRYPTED PRIVATE KEY-----') || text.includes('Proc-Type: 4,ENCRYPTED')) {
    throw new Error(`TLS ${keyLabel} holds an encrypted private key; passphrases are not supported`);
  }
  try {
    return createPrivateKey(pem);
  } catch (err) {
    throw new Error(`TLS ${keyLabel} does not contain a valid PEM private key: ${messageOf(err)}`);
  }
}

/** Throws unless the private key belongs to the (first) certificate. */
export function checkKeyPair(cert: string | Buffer, key: string | Buffer, certLabel: string, keyLabel: string): void {
  const x509 = parseCertificate(cert, certLabel);
  const privateKey = parsePrivateKey(key, keyLabel);
  if (!x509.checkPrivateKey(privateKey)) {
    throw new Error(`TLS ${keyLabel} does not match ${certLabel} (the private key is not the certificate's key)`);
  }
}

function pemText(pem: string | Buffer): string {
  return typeof pem === 'string' ? pem : pem.toString('latin1');
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Test-only: a throwaway CA and leaf certificates made with the `openssl` CLI, so TLS tests run
 * real handshakes against certificates a client verifies with `ca` instead of turning
 * verification off (which would hide SNI/SAN mistakes). Not shipped.
 */

export interface TestCertificate {
  certFile: string;
  keyFile: string;
  /** PEM certificate. */
  cert: string;
  /** PEM (PKCS#8) private key. */
  key: string;
}

export interface TestCertificates {
  dir: string;
  caFile: string;
  /** PEM of the test CA: pass as `ca` to tls.connect. */
  ca: string;
  /** CN=localhost, SAN DNS:localhost + IP:127.0.0.1. */
  localhost: TestCertificate;
  /** CN=alt.test, SAN DNS:alt.test. */
  alt: TestCertificate;
  /** CN=*.wild.test, SAN DNS:*.wild.test. */
  wildcard: TestCertificate;
  /** Removes the directory if this call created it; a caller-supplied `dir` is left alone. */
  cleanup(): void;
}

// Our own config (via OPENSSL_CONF and -config) so the system openssl.cnf, which differs between
// distributions, cannot add or duplicate extensions. `prompt = no` plus -subj/-batch: no tty reads.
const OPENSSL_CNF = `
[ req ]
distinguished_name = dn
prompt = no

[ dn ]

[ ca_ext ]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash

[ leaf_localhost ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = DNS:localhost, IP:127.0.0.1

[ leaf_alt ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = DNS:alt.test

[ leaf_wild ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = DNS:*.wild.test
`;

// EC P-256: key generation is milliseconds, unlike RSA.
const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
// Long enough that a slow CI run never crosses notAfter; notBefore is "now" on this same machine.
const DAYS = '30';

export function generateTestCertificates(dir?: string): TestCertificates {
  const created = dir === undefined;
  const root = dir ?? mkdtempSync(join(tmpdir(), 'aeronet-tls-'));
  if (!created) mkdirSync(root, { recursive: true });
  const cnf = join(root, 'openssl.cnf');
  writeFileSync(cnf, OPENSSL_CNF);
  const run = (args: string[]): void => openssl(args, cnf);

  const caKey = join(root, 'ca.key');
  const caFile = join(root, 'ca.crt');
  run(['req', '-x509', ...EC_KEY, '-keyout', caKey, '-out', caFile, '-sha256', '-days', DAYS,
    '-subj', '/CN=aeronet test CA', '-config', cnf, '-extensions', 'ca_ext', '-set_serial', '1', '-batch']);

  // Fixed serials: x509 -req otherwise picks random ones (OpenSSL 3.0) or needs a serial file.
  const leaf = (name: string, cn: string, section: string, serial: number): TestCertificate => {
    const keyFile = join(root, `${name}.key`);
    const csrFile = join(root, `${name}.csr`);
    const certFile = join(root, `${name}.crt`);
    run(['req', '-new', ...EC_KEY, '-keyout', keyFile, '-out', csrFile, '-subj', `/CN=${cn}`, '-config', cnf, '-batch']);
    run(['x509', '-req', '-in', csrFile, '-CA', caFile, '-CAkey', caKey, '-set_serial', String(serial),
      '-sha256', '-days', DAYS, '-extfile', cnf, '-extensions', section, '-out', certFile]);
    return { certFile, keyFile, cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') };
  };

  return {
    dir: root,
    caFile,
    ca: readFileSync(caFile, 'utf8'),
    localhost: leaf('localhost', 'localhost', 'leaf_localhost', 2),
    alt: leaf('alt', 'alt.test', 'leaf_alt', 3),
    wildcard: leaf('wild', '*.wild.test', 'leaf_wild', 4),
    cleanup: () => {
      if (created) rmSync(root, { recursive: true, force: true });
    },
  };
}

function openssl(args: string[], cnf: string): void {
  try {
    execFileSync('openssl', args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, OPENSSL_CONF: cnf },
    });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: Buffer };
    if (e.code === 'ENOENT') throw new Error('generateTestCertificates: the openssl CLI is not on PATH');
    const stderr = e.stderr?.toString().trim() ?? '';
    throw new Error(`generateTestCertificates: openssl ${args[0]} failed: ${stderr || e.message}`);
  }
}

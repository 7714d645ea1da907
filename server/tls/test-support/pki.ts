import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Test-only: throwaway CAs, server and client certificates, and OCSP responses, all made at test
 * time with the `openssl` CLI (as certs.ts does for the basic TLS tests). Client certificates
 * carry extendedKeyUsage=clientAuth: OpenSSL checks a client certificate's purpose (sslclient).
 */

export interface TestCa {
  name: string;
  certFile: string;
  keyFile: string;
  cert: string;
  key: string;
}

export interface TestLeaf {
  certFile: string;
  keyFile: string;
  cert: string;
  key: string;
  /** Upper-case hex, as openssl prints it. */
  serial: string;
  subject: string;
}

export interface TestOcspResponse {
  file: string;
  der: Buffer;
  /** `openssl ocsp -respin <file> -resp_text -noverify`: what openssl itself reads in it. */
  text: string;
}

export interface TestPki {
  dir: string;
  ca(name: string): TestCa;
  /** `san` like 'DNS:localhost,IP:127.0.0.1'. `chain`: append the CA to the certificate PEM. */
  leaf(ca: TestCa, name: string, options: { usage: 'server' | 'client'; san?: string; chain?: boolean }): TestLeaf;
  /** An OCSP response for `leaf`, signed by its CA, valid from now for `minutes` (default a day). */
  ocspResponse(ca: TestCa, leaf: TestLeaf, options?: { minutes?: number; revoked?: boolean; name?: string }): TestOcspResponse;
  /** Runs openssl with this PKI's config (for tests that need more). */
  openssl(args: string[], options?: { input?: string; timeoutMs?: number }): string;
  cleanup(): void;
}

const CNF = `
[ req ]
distinguished_name = dn
prompt = no
[ dn ]
[ ca_ext ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign, digitalSignature
subjectKeyIdentifier = hash
[ server_ext ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = \${ENV::LEAF_SAN}
[ client_ext ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = \${ENV::LEAF_SAN}
`;

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];

export function createTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'aeronet-pki-'));
  const cnf = join(dir, 'openssl.cnf');
  writeFileSync(cnf, CNF);
  let serial = 100;
  const openssl = (args: string[], options: { input?: string; timeoutMs?: number; san?: string } = {}): string => {
    try {
      return execFileSync('openssl', args, {
        cwd: dir,
        input: options.input ?? '',
        timeout: options.timeoutMs ?? 10_000,
        stdio: ['pipe', 'pipe', 'pipe'],
        env: { ...process.env, OPENSSL_CONF: cnf, LEAF_SAN: options.san ?? 'DNS:unused.test' },
      }).toString();
    } catch (err) {
      const e = err as Error & { stderr?: Buffer; stdout?: Buffer };
      throw new Error(`openssl ${args.join(' ')} failed: ${e.stderr?.toString().trim() || e.message}`);
    }
  };
  const read = (f: string): string => readFileSync(join(dir, f), 'utf8');
  const pki: TestPki = {
    dir,
    openssl: (args, options) => openssl(args, options),
    ca(name) {
      openssl(['req', '-x509', ...EC_KEY, '-keyout', `${name}.key`, '-out', `${name}.crt`, '-sha256', '-days', '30', '-subj', `/CN=${name}`, '-config', cnf, '-extensions', 'ca_ext', '-set_serial', String(serial++), '-batch']);
      return { name, certFile: join(dir, `${name}.crt`), keyFile: join(dir, `${name}.key`), cert: read(`${name}.crt`), key: read(`${name}.key`) };
    },
    leaf(ca, name, options) {
      const san = options.san ?? `DNS:${name}.test`;
      const n = serial++;
      openssl(['req', '-new', ...EC_KEY, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`, '-config', cnf, '-batch'], { san });
      openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', ca.certFile, '-CAkey', ca.keyFile, '-set_serial', String(n), '-sha256', '-days', '30',
        '-extfile', cnf, '-extensions', options.usage === 'server' ? 'server_ext' : 'client_ext', '-out', `${name}.crt`], { san });
      if (options.chain) writeFileSync(join(dir, `${name}.crt`), read(`${name}.crt`) + ca.cert);
      return { certFile: join(dir, `${name}.crt`), keyFile: join(dir, `${name}.key`), cert: read(`${name}.crt`), key: read(`${name}.key`), serial: n.toString(16).toUpperCase().padStart(2, '0'), subject: `CN=${name}` };
    },
    ocspResponse(ca, leaf, options = {}) {
      const name = options.name ?? `ocsp-${leaf.serial}-${serial++}`;
      // openssl ca's index.txt: status, expiry (YYMMDDHHMMSSZ), revocation time, serial, file, subject.
      const expiry = '491231235959Z';
      const revokedAt = yymmdd(new Date(Date.now() - 3600_000));
      writeFileSync(join(dir, `${name}.index`), `${options.revoked ? 'R' : 'V'}\t${expiry}\t${options.revoked ? revokedAt : ''}\t${leaf.serial}\tunknown\t/${leaf.subject}\n`);
      openssl(['ocsp', '-issuer', ca.certFile, '-cert', leaf.certFile, '-reqout', `${name}.req`, '-no_nonce']);
      openssl(['ocsp', '-index', `${name}.index`, '-rsigner', ca.certFile, '-rkey', ca.keyFile, '-CA', ca.certFile, '-reqin', `${name}.req`, '-respout', `${name}.der`, '-nmin', String(options.minutes ?? 24 * 60)]);
      const file = join(dir, `${name}.der`);
      const text = openssl(['ocsp', '-respin', file, '-resp_text', '-noverify']);
      return { file, der: readFileSync(file), text };
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
  return pki;
}

function yymmdd(d: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${p(d.getUTCFullYear() % 100)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`;
}

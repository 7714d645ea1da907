import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from '../server.js';
import { createTestPki, type TestCa, type TestLeaf, type TestPki } from './test-support/pki.js';
import { loadTlsConfigFromFiles, resolveTlsConfig, wantsClientCertificates, type TlsConfig } from './tls-config.js';

/** Every way a client-certificate policy, CA file, rotation, key log or OCSP setting can be wrong: an error naming the key or file. */

let pki: TestPki;
let ca: TestCa;
let leaf: TestLeaf;

beforeAll(() => {
  pki = createTestPki();
  ca = pki.ca('policy-ca');
  leaf = pki.leaf(ca, 'server', { usage: 'server', san: 'DNS:localhost' });
});
afterAll(() => pki?.cleanup());

const base = (): TlsConfig => ({ cert: leaf.cert, key: leaf.key });
const make = (tls: TlsConfig) => () => createServer({ handler: () => {}, tls });

describe('clientAuth in TlsConfig', () => {
  it('an unknown mode names the key and the allowed values', () => {
    expect(make({ ...base(), clientAuth: { mode: 'maybe' as never, ca: ca.cert } })).toThrow(`TLS config: clientAuth.mode must be one of 'none', 'optional', 'required', got "maybe"`);
    expect(make({ ...base(), sni: { 'a.test': { ...base(), clientAuth: { mode: 'REQUIRED' as never } } } })).toThrow(/sni\["a\.test"\]\.clientAuth\.mode must be one of/);
  });

  it('optional/required need a CA; none must not have one', () => {
    expect(make({ ...base(), clientAuth: { mode: 'required' } })).toThrow(/clientAuth has mode 'required' but no ca/);
    expect(make({ ...base(), clientAuth: { mode: 'optional', ca: [] } })).toThrow(/clientAuth has mode 'optional' but no ca/);
    expect(make({ ...base(), clientAuth: { mode: 'none', ca: ca.cert } })).toThrow(/mode 'none' but lists CA certificates/);
  });

  it('CA PEM that is not a certificate, or a broken one, names the entry and which certificate', () => {
    expect(make({ ...base(), sni: { 'a.test': { ...base(), clientAuth: { mode: 'optional', ca: 'hello' } } } })).toThrow('TLS sni["a.test"].clientAuth.ca does not contain a PEM certificate (no "-----BEGIN CERTIFICATE-----" block)');
    const broken = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n';
    expect(make({ ...base(), clientAuth: { mode: 'required', ca: [ca.cert, ca.cert + broken] } })).toThrow(/clientAuth\.ca\[1\]: certificate 2 of 2 is not a valid PEM certificate/);
    expect(make({ ...base(), clientAuth: 'required' as never })).toThrow(/clientAuth must be an object \{ mode, ca \}/);
  });

  it('only a policy other than none switches to a context per connection', () => {
    expect(wantsClientCertificates(resolveTlsConfig(base()))).toBe(false);
    expect(wantsClientCertificates(resolveTlsConfig({ ...base(), clientAuth: { mode: 'none' } }))).toBe(false);
    expect(wantsClientCertificates(resolveTlsConfig({ ...base(), sni: { 'a.test': { ...base(), clientAuth: { mode: 'optional', ca: ca.cert } } } }))).toBe(true);
  });
});

describe('loadTlsConfigFromFiles: client CA files and OCSP files', () => {
  it('reads CA files into the policy', () => {
    const config = loadTlsConfigFromFiles({ certFile: leaf.certFile, keyFile: leaf.keyFile, clientAuth: { mode: 'required', caFile: ca.certFile }, ocspFile: '/some/ocsp.der' });
    expect(config.clientAuth).toEqual({ mode: 'required', ca: [ca.cert] });
    expect(config.ocsp).toEqual({ file: '/some/ocsp.der' });
  });

  it('a missing CA file, one without a certificate, and a broken one are named', () => {
    const files = (caFile: string, name?: string) => () => loadTlsConfigFromFiles({
      certFile: leaf.certFile, keyFile: leaf.keyFile,
      ...(name ? { sni: { [name]: { certFile: leaf.certFile, keyFile: leaf.keyFile, clientAuth: { mode: 'optional', caFile } } } } : { clientAuth: { mode: 'optional', caFile } }),
    });
    const missing = join(pki.dir, 'missing-ca.pem');
    expect(files(missing)).toThrow(`TLS client CA file ${JSON.stringify(missing)} does not exist`);
    const notPem = join(pki.dir, 'not-pem.pem');
    writeFileSync(notPem, 'just text\n');
    expect(files(notPem, 'b.test')).toThrow(`TLS client CA file ${JSON.stringify(notPem)} does not contain a PEM certificate`);
    const broken = join(pki.dir, 'broken-ca.pem');
    writeFileSync(broken, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    expect(files(broken)).toThrow(new RegExp(`client CA file ${JSON.stringify(broken).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: certificate 1 of 1 is not a valid PEM certificate`));
    expect(() => loadTlsConfigFromFiles({ certFile: leaf.certFile, keyFile: leaf.keyFile, clientAuth: { mode: 'sometimes' as never, caFile: ca.certFile } })).toThrow(/clientAuth of the default certificate\.mode must be one of/);
  });
});

describe('ticketRotation, keyLog, ocsp', () => {
  it('each bad value names its key', () => {
    expect(make({ ...base(), ticketRotation: { intervalMs: 5 } })).toThrow(/ticketRotation\.intervalMs must be an integer from 1000/);
    expect(make({ ...base(), ticketRotation: { intervalMs: 60_000, windowMs: 1.5 } })).toThrow(/ticketRotation\.windowMs/);
    expect(make({ ...base(), keyLog: 42 as never })).toThrow(/keyLog must be a file path or a function/);
    expect(make({ ...base(), ocsp: {} as never })).toThrow(/ocsp must have exactly one of file and fetch/);
    expect(make({ ...base(), sni: { 'a.test': { ...base(), ocsp: { fetch: 'http://ocsp' } as never } } })).toThrow(/sni\["a\.test"\]\.ocsp\.fetch must be a function/);
  });
});

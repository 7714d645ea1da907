import { execFile } from 'node:child_process';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from '../server.js';
import { startTestServer, type TestServer } from '../test-support/test-server.js';
import { eventually } from '../test-support/socket-client.js';
import { JumpClock } from './test-support/jump-clock.js';
import { createTestPki, type TestCa, type TestLeaf, type TestPki } from './test-support/pki.js';

/**
 * OCSP stapling end to end: responses made by `openssl ocsp` at test time, checked with
 * `openssl s_client -status` and node:tls's requestOCSP; refresh halfway to nextUpdate on the
 * injected clock, a failed refresh keeping the old response until it expires, and nothing
 * stapled after that; a `fetch` source; an SNI entry's own response; startup errors.
 */

const MINUTE = 60_000;
let pki: TestPki;
let ca: TestCa;
let leaf: TestLeaf;
let altLeaf: TestLeaf;

beforeAll(() => {
  pki = createTestPki();
  ca = pki.ca('ocsp-ca');
  // chain: the CA follows the leaf in the PEM, which is where the stapler finds the issuer.
  leaf = pki.leaf(ca, 'stapled', { usage: 'server', san: 'DNS:localhost,IP:127.0.0.1', chain: true });
  altLeaf = pki.leaf(ca, 'alt', { usage: 'server', san: 'DNS:alt.test', chain: true });
});
afterAll(() => pki?.cleanup());

function sClientStatus(port: number, servername = 'localhost'): Promise<string> {
  return new Promise((resolve) => {
    const child = execFile('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-servername', servername, '-CAfile', ca.certFile, '-status'], { timeout: 10_000 }, (_e, out, err) => resolve(out + err));
    child.stdin?.end();
  });
}

/** The OCSP response node:tls received with requestOCSP, or null when none was stapled. */
function stapled(port: number, servername = 'localhost'): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    let response: Buffer | null = null;
    // requestOCSP is a documented tls.connect option that @types/node 20 does not list.
    const s = tls.connect({ host: '127.0.0.1', port, ca: ca.cert, servername, requestOCSP: true } as tls.ConnectionOptions);
    s.on('OCSPResponse', (r: Buffer | null) => (response = r !== null && r.length > 0 ? r : null));
    s.once('secureConnect', () => s.end());
    s.on('error', reject);
    s.on('close', () => resolve(response));
  });
}

describe('from a file, on Node\'s own TLS server', () => {
  let ts: TestServer;
  let clock: JumpClock;
  let file: string;
  let first: ReturnType<TestPki['ocspResponse']>;

  beforeAll(async () => {
    first = pki.ocspResponse(ca, leaf, { minutes: 60 });
    file = join(pki.dir, 'staple.der');
    copyFileSync(first.file, file);
    clock = new JumpClock();
    ts = await startTestServer({ clock, tls: { cert: leaf.cert, key: leaf.key, ocsp: { file } } });
  });
  afterAll(async () => {
    await ts?.close();
    expect(clock.pendingTimers).toBe(0);
  });

  it('openssl s_client -status: OCSP Response Status successful, Cert Status good', async () => {
    const out = await sClientStatus(ts.port);
    expect(out).toContain('OCSP Response Status: successful (0x0)');
    expect(out).toContain('Cert Status: good');
    expect(await stapled(ts.port)).toEqual(first.der);
  });

  it('refreshes from the file halfway to nextUpdate; a failed refresh keeps the old response until it expires, then nothing is stapled', async () => {
    const second = pki.ocspResponse(ca, leaf, { minutes: 90 });
    writeFileSync(file, second.der);
    clock.advance(29 * MINUTE);
    expect(await stapled(ts.port)).toEqual(first.der);
    clock.advance(2 * MINUTE); // past the first response's midpoint: re-read
    expect(await stapled(ts.port)).toEqual(second.der);
    expect(ts.logger.find('tls.ocsp-loaded').length).toBe(2);

    writeFileSync(file, Buffer.from('not DER at all'));
    clock.advance(50 * MINUTE); // second's midpoint (45 min after it was made): the refresh fails
    await eventually(() => ts.logger.find('tls.ocsp-refresh-failed').length > 0);
    expect(ts.logger.find('tls.ocsp-refresh-failed')[0]).toMatchObject({ reason: expect.stringMatching(/not a valid OCSP response/), keeping: expect.stringMatching(/valid until/) });
    expect(await stapled(ts.port)).toEqual(second.der);

    clock.advance(45 * MINUTE); // past the second's nextUpdate
    expect(ts.logger.find('tls.ocsp-expired')).toHaveLength(1);
    expect(await stapled(ts.port)).toBeNull();
    expect(await sClientStatus(ts.port)).toContain('OCSP response: no response sent');

    // A good file again: picked up by the next retry.
    const third = pki.ocspResponse(ca, leaf, { minutes: 24 * 60 });
    writeFileSync(file, third.der);
    clock.advance(2 * MINUTE);
    // The clock is 2 h ahead of the wall clock, and third was made on the wall clock: still inside its day.
    expect(await stapled(ts.port)).toEqual(third.der);
  });
});

describe('from fetch(), on the per-connection path, and per SNI entry', () => {
  it('fetch gets the certificate and issuer DER; each name staples its own response; a failing fetch staples nothing', async () => {
    const defaultResponse = pki.ocspResponse(ca, leaf, { minutes: 60 });
    const altResponse = pki.ocspResponse(ca, altLeaf, { minutes: 60 });
    const seen: Array<{ cert: Buffer; issuer: Buffer }> = [];
    let fail = false;
    const clock = new JumpClock();
    const ts = await startTestServer({
      clock,
      tls: {
        cert: leaf.cert,
        key: leaf.key,
        // Client certificates make this server use a context per connection (the other path).
        clientAuth: { mode: 'optional', ca: ca.cert },
        ocsp: {
          fetch: async (cert, issuer) => {
            seen.push({ cert, issuer });
            if (fail) throw new Error('responder down');
            return defaultResponse.der;
          },
        },
        sni: { 'alt.test': { cert: altLeaf.cert, key: altLeaf.key, ocsp: { file: altResponse.file } } },
      },
    });
    try {
      await eventually(() => ts.logger.find('tls.ocsp-loaded').length === 2);
      expect(seen[0]!.cert.toString('base64')).toBe(pemBody(leaf.cert, 0));
      expect(seen[0]!.issuer.toString('base64')).toBe(pemBody(ca.cert, 0));
      expect(await stapled(ts.port)).toEqual(defaultResponse.der);
      expect(await stapled(ts.port, 'alt.test')).toEqual(altResponse.der);
      expect(await sClientStatus(ts.port, 'alt.test')).toContain('Cert Status: good');

      fail = true;
      // Just past the midpoint: the refresh runs, and its promise settles before the fetch timeout (30 s later).
      clock.advance(30 * MINUTE + 1000);
      await eventually(() => ts.logger.find('tls.ocsp-refresh-failed').length > 0);
      expect(ts.logger.find('tls.ocsp-refresh-failed')[0]).toMatchObject({ reason: 'fetch failed: responder down' });
      expect(await stapled(ts.port)).toEqual(defaultResponse.der);
      clock.advance(30 * MINUTE);
      expect(await stapled(ts.port)).toBeNull();
    } finally {
      await ts.close();
    }
  });
});

describe('startup errors and refusals', () => {
  const make = (ocsp: object, cert = leaf) => () => createServer({ handler: () => {}, tls: { cert: cert.cert, key: cert.key, ocsp: ocsp as never } });

  it('a missing, unparseable or foreign response file fails createServer with the file named', () => {
    const garbage = join(pki.dir, 'garbage.der');
    writeFileSync(garbage, Buffer.from([0x30, 0x82, 0x01]));
    const foreign = pki.ocspResponse(ca, altLeaf, { minutes: 60 });
    expect(make({ file: join(pki.dir, 'nope.der') })).toThrow(/OCSP response file ".*nope\.der" for the default certificate does not exist/);
    expect(make({ file: garbage })).toThrow(/garbage\.der.*not a valid OCSP response/);
    expect(make({ file: foreign.file })).toThrow(/holds no response for this certificate/);
    expect(make({ file: garbage, fetch: async () => Buffer.alloc(0) })).toThrow(/exactly one of file and fetch/);
  });

  it('an expired response only warns, and is never stapled; fetch without an issuer is refused', async () => {
    const clock = new JumpClock();
    const old = pki.ocspResponse(ca, leaf, { minutes: 1 });
    clock.advance(2 * MINUTE);
    const ts = await startTestServer({ clock, tls: { cert: leaf.cert, key: leaf.key, ocsp: { file: old.file } } });
    try {
      expect(ts.logger.find('tls.ocsp-not-stapled')[0]).toMatchObject({ reason: expect.stringMatching(/expired/) });
      expect(await stapled(ts.port)).toBeNull();
    } finally {
      await ts.close();
    }
    const bare = pki.leaf(ca, 'bare', { usage: 'server', san: 'DNS:localhost' });
    expect(make({ fetch: async () => Buffer.alloc(0) }, bare)).toThrow(/needs the issuer certificate/);
  });
});

/** The DER of the i-th certificate of a PEM, base64 (what Node hands fetch, as a Buffer). */
function pemBody(pem: string, i: number): string {
  return pem.match(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)![i]!.replace(/-----[A-Z ]+-----|\s/g, '');
}

import { execFile } from 'node:child_process';
import { join } from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../test-support/test-server.js';
import { JumpClock } from './test-support/jump-clock.js';
import { createTestPki, type TestCa, type TestLeaf, type TestPki } from './test-support/pki.js';

/**
 * Session ticket key rotation with real resumption: node:tls (`session`, isSessionReused()) and
 * openssl s_client (-sess_out / -sess_in, "Reused"), TLS 1.3 and 1.2. The server's clock is a
 * JumpClock: an hour of rotation passes in one advance() call, nothing waits on wall time.
 */

const HOUR = 3600_000;
let pki: TestPki;
let ca: TestCa;
let leaf: TestLeaf;
let clock: JumpClock;
let ts: TestServer;

beforeAll(async () => {
  pki = createTestPki();
  ca = pki.ca('rotation-ca');
  leaf = pki.leaf(ca, 'server', { usage: 'server', san: 'DNS:localhost,DNS:alt.test,IP:127.0.0.1' });
  clock = new JumpClock();
  ts = await startTestServer({
    clock,
    tls: { cert: leaf.cert, key: leaf.key, sni: { 'alt.test': { cert: leaf.cert, key: leaf.key } }, ticketRotation: { intervalMs: HOUR, windowMs: HOUR } },
  });
});

afterAll(async () => {
  await ts?.close();
  expect(clock.pendingTimers).toBe(0);
  pki?.cleanup();
});

/** One GET /hello; the first session ticket the server sent, and whether this one resumed. */
function hello(options: { session?: Buffer; maxVersion?: tls.SecureVersion; servername?: string } = {}): Promise<{ status: string; session: Buffer | null; reused: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port: ts.port, ca: ca.cert, servername: options.servername ?? 'localhost', ALPNProtocols: ['http/1.1'], ...(options.session ? { session: options.session } : {}), ...(options.maxVersion ? { maxVersion: options.maxVersion } : {}) });
    let session: Buffer | null = null;
    let reused = false;
    let text = '';
    socket.on('session', (s: Buffer) => (session ??= s));
    socket.once('secureConnect', () => {
      reused = socket.isSessionReused();
      socket.write('GET /hello HTTP/1.1\r\nhost: localhost\r\nconnection: close\r\n\r\n');
    });
    socket.on('data', (d: Buffer) => (text += d.toString('latin1')));
    socket.on('error', reject);
    socket.on('close', () => resolve({ status: text.split('\r\n')[0] ?? '', session, reused }));
  });
}

function sClient(args: string[]): Promise<string> {
  return new Promise((resolve) => {
    const child = execFile('openssl', ['s_client', '-connect', `127.0.0.1:${ts.port}`, '-servername', 'localhost', '-CAfile', ca.certFile, '-ign_eof', ...args], { timeout: 10_000 }, (_e, out, err) => resolve(out + err));
    child.stdin?.end('GET /hello HTTP/1.1\r\nhost: localhost\r\nconnection: close\r\n\r\n');
  });
}

describe('ticket rotation: node:tls resumption', () => {
  for (const maxVersion of ['TLSv1.3', 'TLSv1.2'] as const) {
    it(`${maxVersion}: resumes across a rotation (within the window), not after it, and then a full handshake works`, async () => {
      const first = await hello({ maxVersion });
      expect(first.status).toBe('HTTP/1.1 200 OK');
      expect(first.reused).toBe(false);
      const sameKey = await hello({ maxVersion, session: first.session! });
      expect(sameKey.reused).toBe(true);

      clock.advance(HOUR); // a new key is current; the first is still accepted for an hour
      const afterRotation = await hello({ maxVersion, session: first.session! });
      expect(afterRotation.status).toBe('HTTP/1.1 200 OK');
      expect(afterRotation.reused).toBe(true);

      clock.advance(HOUR); // the first key's window is over
      const afterWindow = await hello({ maxVersion, session: first.session! });
      expect(afterWindow.reused).toBe(false);
      expect(afterWindow.status).toBe('HTTP/1.1 200 OK');
      // The full handshake's ticket is under the current key, and resumes.
      expect((await hello({ maxVersion, session: afterWindow.session! })).reused).toBe(true);
    });
  }

  it('an SNI entry rotates too, and its tickets only open under that name', async () => {
    const alt = await hello({ servername: 'alt.test' });
    expect((await hello({ servername: 'alt.test', session: alt.session! })).reused).toBe(true);
    expect((await hello({ servername: 'localhost', session: alt.session! })).reused).toBe(false);
    clock.advance(HOUR);
    expect((await hello({ servername: 'alt.test', session: alt.session! })).reused).toBe(true);
    clock.advance(HOUR);
    expect((await hello({ servername: 'alt.test', session: alt.session! })).reused).toBe(false);
  });
});

describe('ticket rotation: openssl s_client -sess_out / -sess_in', () => {
  for (const version of ['-tls1_3', '-tls1_2']) {
    it(`${version}: Reused across a rotation, New after the window`, async () => {
      const sess = join(pki.dir, `session${version}.pem`);
      const first = await sClient([version, '-sess_out', sess]);
      expect(first).toMatch(/^New, TLSv1\.[23]/m);
      expect(first).toContain('HTTP/1.1 200 OK');
      clock.advance(HOUR);
      const within = await sClient([version, '-sess_in', sess]);
      expect(within).toMatch(/^Reused, TLSv1\.[23]/m);
      expect(within).toContain('HTTP/1.1 200 OK');
      clock.advance(HOUR);
      const after = await sClient([version, '-sess_in', sess]);
      expect(after).toMatch(/^New, TLSv1\.[23]/m);
      expect(after).toContain('HTTP/1.1 200 OK');
    });
  }
});

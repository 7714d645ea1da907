import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTcpdump } from '../../harness/artifacts/tcpdump.js';
import { createServer } from '../server.js';
import { startTestServer } from '../test-support/test-server.js';
import { KEYLOG_WARNING } from './key-log.js';
import { createTestPki, type TestCa, type TestLeaf, type TestPki } from './test-support/pki.js';

/**
 * The TLS key log over listen(), on both ways a server serves TLS (Node's own server, and a
 * context per connection): NSS key log lines in the file, the warning logged, and a loopback
 * tcpdump capture that tshark decrypts with the file and cannot read without it.
 */

let pki: TestPki;
let ca: TestCa;
let leaf: TestLeaf;
let dir: string;

beforeAll(() => {
  pki = createTestPki();
  ca = pki.ca('keylog-ca');
  leaf = pki.leaf(ca, 'server', { usage: 'server', san: 'DNS:localhost,IP:127.0.0.1' });
  dir = mkdtempSync(join(tmpdir(), 'aeronet-keylog-'));
});
afterAll(() => {
  pki?.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

function getHello(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = tls.connect({ host: '127.0.0.1', port, ca: ca.cert, servername: 'localhost', ALPNProtocols: ['http/1.1'] });
    let text = '';
    s.once('secureConnect', () => s.write('GET /hello HTTP/1.1\r\nhost: localhost\r\nconnection: close\r\n\r\n'));
    s.on('data', (d: Buffer) => (text += d.toString()));
    s.on('error', reject);
    s.on('close', () => resolve(text));
  });
}

const LINE = /^(CLIENT_HANDSHAKE_TRAFFIC_SECRET|SERVER_HANDSHAKE_TRAFFIC_SECRET|CLIENT_TRAFFIC_SECRET_0|SERVER_TRAFFIC_SECRET_0|EXPORTER_SECRET) [0-9a-f]{64} [0-9a-f]{64,96}$/;

const canCapture = process.getuid?.() === 0 && (() => {
  try {
    execFileSync('tcpdump', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

for (const [label, extra] of [
  ["Node's own TLS server", {}],
  ['a context per connection', { ticketRotation: { intervalMs: 3600_000 } }],
] as const) {
  describe(`key log, ${label}`, () => {
    it('writes NSS key log lines for every session and warns loudly', async () => {
      const file = join(dir, `${label.replace(/\W+/g, '-')}.log`);
      const ts = await startTestServer({ tls: { cert: leaf.cert, key: leaf.key, keyLog: file, ...extra } });
      try {
        expect(ts.logger.find('tls.keylog-enabled')).toEqual([{ level: 'warn', event: 'tls.keylog-enabled', file, message: KEYLOG_WARNING }]);
        expect(await getHello(ts.port)).toContain('hello, world');
        expect(await getHello(ts.port)).toContain('hello, world');
        const lines = readFileSync(file, 'utf8').trim().split('\n');
        expect(lines).toHaveLength(10); // 5 TLS 1.3 secrets per session
        for (const line of lines) expect(line).toMatch(LINE);
      } finally {
        await ts.close();
      }
    });

    it.skipIf(!canCapture)('tshark decrypts a loopback tcpdump capture with the key log, and only with it', async () => {
      const file = join(dir, `capture-${label.replace(/\W+/g, '-')}.log`);
      const pcap = join(dir, `capture-${label.replace(/\W+/g, '-')}.pcap`);
      const ts = await startTestServer({ tls: { cert: leaf.cert, key: leaf.key, keyLog: file, ...extra } });
      try {
        const dump = await startTcpdump({ iface: 'lo', file: pcap, filter: `tcp port ${ts.port}` });
        expect(await getHello(ts.port)).toContain('hello, world');
        await dump.stop();
        const read = (keys: boolean): string => execFileSync('tshark', ['-r', pcap, '-d', `tcp.port==${ts.port},tls`, ...(keys ? ['-o', `tls.keylog_file:${file}`] : []), '-Y', 'http'], { timeout: 60_000 }).toString();
        expect(read(true)).toContain('GET /hello HTTP/1.1');
        expect(read(true)).toContain('HTTP/1.1 200 OK');
        expect(read(false)).toBe('');
      } finally {
        await ts.close();
      }
    });
  });
}

it('an unwritable key log path fails createServer with the path named', () => {
  expect(() => createServer({ handler: () => {}, tls: { cert: leaf.cert, key: leaf.key, keyLog: join(dir, 'no-such-dir', 'keys.log') } })).toThrow(/TLS keyLog file ".*no-such-dir\/keys\.log" cannot be written \(ENOENT\)/);
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import http2 from 'node:http2';
import { promisify } from 'node:util';
import { startTestServer, type TestServer } from '../test-support/test-server.js';
import { createDemoRouter, patternBytes } from '../demo/demo-routes.js';
import { generateTestCertificates, type TestCertificates } from '../tls/test-support/certs.js';

const run = promisify(execFile);

/** Real HTTP/2 clients against aeronet on real sockets: curl, nghttp, h2load (nghttp2-client) and node:http2. */
let plain: TestServer;
let secure: TestServer;
let certs: TestCertificates;

beforeAll(async () => {
  certs = generateTestCertificates();
  plain = await startTestServer({ handler: createDemoRouter().handle });
  secure = await startTestServer({ handler: createDemoRouter().handle, tls: { cert: certs.localhost.cert, key: certs.localhost.key } });
});

afterAll(async () => {
  await plain?.close();
  await secure?.close();
  certs?.cleanup();
});

describe('real HTTP/2 clients', () => {
  it('curl --http2-prior-knowledge (h2c)', async () => {
    const { stdout } = await run('curl', ['-sS', '--http2-prior-knowledge', '-o', '-', '-w', '\\n%{http_version} %{http_code}', `http://127.0.0.1:${plain.port}/hello`]);
    expect(stdout).toBe('hello, world\n\n2 200');
  });

  it('curl --http2 on the plain port upgrades (h2c Upgrade, answered on stream 1)', async () => {
    const { stdout } = await run('curl', ['-sS', '--http2', '-o', '-', '-w', '\\n%{http_version} %{http_code}', '--data-binary', 'upgrade me', `http://127.0.0.1:${plain.port}/echo`]);
    expect(stdout).toBe('upgrade me\n2 200');
  });

  it('curl over TLS negotiates h2 with ALPN and verifies the certificate', async () => {
    const { stdout } = await run('curl', ['-sS', '--http2', '--cacert', certs.caFile, '-o', '-', '-w', '\\n%{http_version} %{http_code}', `https://localhost:${secure.port}/bytes/70000`]);
    const [body, status] = [stdout.slice(0, 70_000), stdout.slice(70_000)];
    expect(Buffer.from(body, 'latin1').equals(patternBytes(0, 70_000))).toBe(true);
    expect(status).toBe('\n2 200');
  });

  it('nghttp fetches with h2c and over TLS', async () => {
    const a = await run('nghttp', ['-n', '-s', `http://127.0.0.1:${plain.port}/bytes/200000`]);
    expect(a.stdout).toMatch(/200\s/);
    const b = await run('nghttp', ['-v', '-n', `https://localhost:${secure.port}/hello`]);
    expect(b.stdout).toMatch(/:status: 200/);
    expect(b.stdout).toMatch(/recv SETTINGS frame/);
  });

  it('h2load: 2,000 multiplexed requests, all 2xx, none failed', async () => {
    const { stdout } = await run('h2load', ['-n2000', '-c4', '-m16', `http://127.0.0.1:${plain.port}/hello`]);
    expect(stdout).toMatch(/requests: 2000 total, 2000 started, 2000 done, 2000 succeeded, 0 failed, 0 errored, 0 timeout/);
    expect(stdout).toMatch(/status codes: 2000 2xx, 0 3xx, 0 4xx, 0 5xx/);
  });

  it('node:http2 client over TLS: concurrent uploads echoed intact', async () => {
    const session = http2.connect(`https://localhost:${secure.port}`, { ca: certs.ca });
    try {
      const bodies = Array.from({ length: 8 }, (_, i) => patternBytes(i, 50_000 + i * 1000));
      const echoed = await Promise.all(bodies.map((body) => new Promise<Buffer>((resolve, reject) => {
        const req = session.request({ ':method': 'POST', ':path': '/echo' });
        const parts: Buffer[] = [];
        req.on('data', (d: Buffer) => parts.push(d));
        req.on('end', () => resolve(Buffer.concat(parts)));
        req.on('error', reject);
        req.end(body);
      })));
      echoed.forEach((e, i) => expect(e.equals(bodies[i]!), `upload ${i}`).toBe(true));
      expect(session.alpnProtocol).toBe('h2');
    } finally {
      session.close();
    }
  });
});

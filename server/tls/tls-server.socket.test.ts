import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import { join } from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from '../server.js';
import { createDemoRouter } from '../demo/demo-routes.js';
import { rawExchange, startTestServer, type TestServer } from '../test-support/test-server.js';
import { eventually } from '../test-support/socket-client.js';
import { loadTlsConfigFromFiles, type TlsConfig } from './tls-config.js';
import { generateTestCertificates, type TestCertificates } from './test-support/certs.js';

/**
 * HTTPS end to end: real handshakes against certificates from a throwaway CA, verified by the
 * client (never rejectUnauthorized: false), SNI certificate selection, ALPN, curl, and hostile
 * clients (plaintext on the TLS port, a reset mid-handshake) that must not hurt the server.
 */

let certs: TestCertificates;
let ts: TestServer;
let tlsConfig: TlsConfig;

beforeAll(async () => {
  certs = generateTestCertificates();
  tlsConfig = {
    cert: certs.localhost.cert,
    key: certs.localhost.key,
    sni: {
      'alt.test': { cert: certs.alt.cert, key: certs.alt.key },
      '*.wild.test': { cert: certs.wildcard.cert, key: certs.wildcard.key },
    },
    alpn: ['http/1.1'],
  };
  ts = await startTestServer({ tls: tlsConfig });
});

afterAll(async () => {
  await ts?.close();
  certs?.cleanup();
});

function httpsGet(path: string, options: https.RequestOptions = {}): Promise<{ status: number; headers: NodeJS.Dict<string | string[]>; body: string; encrypted: boolean }> {
  return new Promise((resolve, reject) => {
    const req = https.get(
      { host: '127.0.0.1', port: ts.port, path, ca: certs.ca, servername: 'localhost', agent: false, ...options },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('error', reject);
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body, encrypted: (res.socket as tls.TLSSocket).encrypted === true }));
      },
    );
    req.on('error', reject);
  });
}

interface HandshakeResult {
  subjectCN: string | undefined;
  alpn: string | false | null;
  authorized: boolean;
  protocol: string | null;
}

/** Handshake with the test CA trusted; `checkIdentity: false` accepts a CA-signed certificate for another name. */
function handshake(options: tls.ConnectionOptions & { checkIdentity?: boolean }): Promise<HandshakeResult> {
  const { checkIdentity = true, ...rest } = options;
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      host: '127.0.0.1',
      port: ts.port,
      ca: certs.ca,
      ...(checkIdentity ? {} : { checkServerIdentity: () => undefined }),
      ...rest,
    });
    socket.once('secureConnect', () => {
      const cert = socket.getPeerCertificate();
      const result: HandshakeResult = {
        subjectCN: typeof cert.subject?.CN === 'string' ? cert.subject.CN : undefined,
        alpn: socket.alpnProtocol,
        authorized: socket.authorized,
        protocol: socket.getProtocol(),
      };
      // Close cleanly (FIN after our Finished has gone out): see the dedicated test below for
      // what an abrupt close right after the handshake does to the server.
      socket.once('close', () => resolve(result));
      socket.end();
    });
    socket.once('error', reject);
  });
}

function run(cmd: string, args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  // Asynchronous on purpose: the server under test runs in this process's event loop.
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: 10_000 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof (err as NodeJS.ErrnoException & { code?: unknown }).code === 'number' ? ((err as unknown as { code: number }).code) : 1;
      resolve({ stdout, stderr, code });
    });
  });
}

describe('HTTPS serving', () => {
  it('GET /hello over https with the test CA -> 200', async () => {
    const res = await httpsGet('/hello');
    expect(res.status).toBe(200);
    expect(res.body).toBe('hello, world\n');
    expect(res.encrypted).toBe(true);
  });

  it('the handler sees req.encrypted = true', async () => {
    const srv = await startTestServer({ tls: tlsConfig, handler: (req, res) => res.json({ encrypted: req.encrypted }) });
    try {
      const body = await new Promise<string>((resolve, reject) => {
        https
          .get({ host: '127.0.0.1', port: srv.port, path: '/', ca: certs.ca, servername: 'localhost', agent: false }, (res) => {
            let b = '';
            res.on('data', (c: Buffer) => (b += c.toString()));
            res.on('end', () => resolve(b));
          })
          .on('error', reject);
      });
      expect(JSON.parse(body)).toEqual({ encrypted: true });
    } finally {
      await srv.close();
    }
  });

  it('the server URL reports https', () => {
    expect(ts.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  });
});

describe('SNI', () => {
  it('no SNI-matched name: servername localhost gets the default certificate', async () => {
    const r = await handshake({ servername: 'localhost' });
    expect(r.subjectCN).toBe('localhost');
    expect(r.authorized).toBe(true);
  });

  it('servername alt.test gets the alt.test certificate, which verifies for that name', async () => {
    const r = await handshake({ servername: 'alt.test' });
    expect(r.subjectCN).toBe('alt.test');
    expect(r.authorized).toBe(true);
  });

  it('servername under the wildcard gets the *.wild.test certificate', async () => {
    const r = await handshake({ servername: 'api.wild.test' });
    expect(r.subjectCN).toBe('*.wild.test');
    expect(r.authorized).toBe(true);
  });

  it('the wildcard covers a single label only: deep.api.wild.test gets the default certificate', async () => {
    const r = await handshake({ servername: 'deep.api.wild.test', checkIdentity: false });
    expect(r.subjectCN).toBe('localhost');
  });

  it('an unknown servername gets the default certificate', async () => {
    const r = await handshake({ servername: 'unknown.test', checkIdentity: false });
    expect(r.subjectCN).toBe('localhost');
  });

  it('SNI names are case-insensitive', async () => {
    const r = await handshake({ servername: 'ALT.Test' });
    expect(r.subjectCN).toBe('alt.test');
  });

  it('an https request with servername alt.test verifies against alt.test and is served', async () => {
    const res = await httpsGet('/hello', { servername: 'alt.test', headers: { host: 'alt.test' } });
    expect(res.status).toBe(200);
    expect(res.body).toBe('hello, world\n');
  });
});

describe('ALPN', () => {
  it('a client offering h2 and http/1.1 gets http/1.1', async () => {
    const r = await handshake({ servername: 'localhost', ALPNProtocols: ['h2', 'http/1.1'] });
    expect(r.alpn).toBe('http/1.1');
  });

  it('a client offering only http/1.1 gets http/1.1', async () => {
    const r = await handshake({ servername: 'localhost', ALPNProtocols: ['http/1.1'] });
    expect(r.alpn).toBe('http/1.1');
  });

  it('a client without ALPN gets none and is still served', async () => {
    const r = await handshake({ servername: 'localhost' });
    expect(r.alpn).toBe(false);
  });

  it('a client offering only h2 is refused (no_application_protocol) and the server logs it', async () => {
    const mark = ts.logger.records.length;
    await expect(handshake({ servername: 'localhost', ALPNProtocols: ['h2'] })).rejects.toThrow(/no.application.protocol|alert number 120|ALPN/i);
    await eventually(() => ts.logger.records.slice(mark).some((r) => r.event === 'tls.handshake-failed'), 2000, 'tls.handshake-failed');
    expect(ts.server.connectionCount).toBe(0);
  });

  it('TLS below 1.2 is not offered', async () => {
    await expect(handshake({ servername: 'localhost', minVersion: 'TLSv1', maxVersion: 'TLSv1.1' })).rejects.toThrow();
    const r = await handshake({ servername: 'localhost' });
    expect(['TLSv1.2', 'TLSv1.3']).toContain(r.protocol);
  });
});

describe('curl', () => {
  it('curl --cacert <ca> https://localhost:<port>/hello works', async () => {
    const res = await run('/usr/bin/curl', [
      '--silent', '--show-error', '--fail',
      '--cacert', certs.caFile,
      '--resolve', `localhost:${ts.port}:127.0.0.1`,
      '--http1.1',
      '--write-out', '\n%{http_code} %{ssl_verify_result}',
      `https://localhost:${ts.port}/hello`,
    ]);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toBe('hello, world\n\n200 0');
  });

  it('curl with SNI alt.test verifies the alt.test certificate', async () => {
    const res = await run('/usr/bin/curl', [
      '--silent', '--show-error', '--fail',
      '--cacert', certs.caFile,
      '--resolve', `alt.test:${ts.port}:127.0.0.1`,
      `https://alt.test:${ts.port}/hello`,
    ]);
    expect(res.stderr).toBe('');
    expect(res.stdout).toBe('hello, world\n');
  });

  it('curl without the CA refuses the certificate (verification is real)', async () => {
    const res = await run('/usr/bin/curl', ['--silent', '--resolve', `localhost:${ts.port}:127.0.0.1`, `https://localhost:${ts.port}/hello`]);
    expect(res.code).not.toBe(0);
    expect(res.stdout).toBe('');
  });
});

describe('hostile clients', () => {
  it('plaintext HTTP on the TLS port: no crash, the connection is closed, tls.handshake-failed logged', async () => {
    const mark = ts.logger.records.length;
    const { text, closed } = await rawExchange(ts.port, 'GET /hello HTTP/1.1\r\nHost: localhost\r\n\r\n', { timeoutMs: 3000 });
    expect(closed).toBe(true);
    // Whatever came back (nothing, or a TLS alert) is not an HTTP response.
    expect(text.startsWith('HTTP/')).toBe(false);
    await eventually(() => ts.logger.records.slice(mark).some((r) => r.event === 'tls.handshake-failed'), 2000, 'tls.handshake-failed');
    const record = ts.logger.records.slice(mark).find((r) => r.event === 'tls.handshake-failed')!;
    expect(typeof record['message']).toBe('string');
    expect(record['remote']).toBe('127.0.0.1');
    expect(ts.server.connectionCount).toBe(0);
    // Still serving.
    expect((await httpsGet('/hello')).status).toBe(200);
  });

  it('a client that never sends its ClientHello is closed at the handshake timeout (the headers timeout)', async () => {
    const quick = await startTestServer({ tls: tlsConfig, timeouts: { headersMs: 300 } });
    try {
      const socket = net.connect({ host: '127.0.0.1', port: quick.port });
      socket.on('error', () => {});
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      const started = performance.now();
      const closed = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), 3000);
        socket.once('close', () => {
          clearTimeout(timer);
          resolve(true);
        });
      });
      socket.destroy();
      expect(closed, 'the server kept a silent pre-handshake connection open past its handshake timeout').toBe(true);
      expect(performance.now() - started).toBeGreaterThanOrEqual(250);
      await eventually(() => quick.logger.records.some((r) => r.event === 'tls.handshake-failed' && r['code'] === 'ERR_TLS_HANDSHAKE_TIMEOUT'), 2000, 'handshake timeout logged');
    } finally {
      await quick.close();
    }
  });

  it('a client that resets mid-handshake leaves connectionCount at 0 and the server serving', async () => {
    const socket = net.connect({ host: '127.0.0.1', port: ts.port });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('error', reject);
    });
    // The start of a TLS record carrying a ClientHello that claims 512 bytes but stops short.
    const hello = Buffer.alloc(64, 0x11);
    Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03]).copy(hello);
    socket.write(hello);
    await new Promise((r) => setTimeout(r, 50));
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => {});
    socket.resetAndDestroy();
    await closed;
    await new Promise((r) => setTimeout(r, 100));
    expect(ts.server.connectionCount).toBe(0);
    expect((await httpsGet('/hello')).status).toBe(200);
    await eventually(() => ts.server.connectionCount === 0, 2000, 'connectionCount 0');
  });

  it('a request followed at once by a half-close still gets its response over TLS', async () => {
    const slow = await startTestServer({
      tls: tlsConfig,
      handler: async (_req, res) => {
        await new Promise((r) => setTimeout(r, 100));
        await res.send('late answer\n');
      },
    });
    try {
      const text = await new Promise<string>((resolve, reject) => {
        const sock = tls.connect({ host: '127.0.0.1', port: slow.port, ca: certs.ca, servername: 'localhost' }, () => {
          sock.write('GET / HTTP/1.1\r\nHost: localhost\r\n\r\n');
          sock.end();
        });
        let body = '';
        sock.on('data', (c: Buffer) => (body += c.toString('latin1')));
        sock.on('close', () => resolve(body));
        sock.on('error', reject);
      });
      expect(text).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
      expect(text.endsWith('\r\n\r\nlate answer\n')).toBe(true);
    } finally {
      await slow.close();
    }
  });

  it('a client that goes away after the handshake, mid-request, is forgotten (connectionCount back to 0)', async () => {
    const socket = tls.connect({ host: '127.0.0.1', port: ts.port, ca: certs.ca, servername: 'localhost' });
    await new Promise<void>((resolve, reject) => {
      socket.once('secureConnect', () => resolve());
      socket.once('error', reject);
    });
    socket.on('error', () => {});
    socket.write('GET /hello HTTP/1.1\r\nHost: loc');
    await eventually(() => ts.server.connectionCount === 1, 2000, 'the connection to be registered');
    socket.destroy();
    await eventually(() => ts.server.connectionCount === 0, 2000, 'connectionCount 0');
  });
});

describe('abrupt close right after the handshake', () => {
  it('a client that closes as soon as its handshake completes leaves no socket behind: close() keeps its deadline', async () => {
    const s = await startTestServer({ tls: tlsConfig });
    // Test-only introspection, for cleanup: every raw socket the listener accepted.
    const listener = (s.server as unknown as { listener: net.Server }).listener;
    const raw: net.Socket[] = [];
    listener.on('connection', (sock: net.Socket) => raw.push(sock));
    try {
      await new Promise<void>((resolve, reject) => {
        const socket = tls.connect({ host: '127.0.0.1', port: s.port, ca: certs.ca, servername: 'localhost' }, () => {
          // Our Finished may still be queued: the server sees the TCP close mid-handshake.
          socket.destroy();
          resolve();
        });
        socket.once('error', reject);
      });
      // The client is gone; within a moment the server must have let go of the socket too.
      await eventually(() => raw.length === 1 && raw[0]!.destroyed, 2000, 'the server-side socket to be closed').catch((err: Error) => {
        throw new Error(`${err.message}: a TLS connection closed by the peer before the server finished its handshake stays open (allowHalfOpen) until handshakeTimeout`);
      });
      const started = Date.now();
      const closed = await Promise.race([s.close().then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 3000))]);
      expect(closed, 'server.close({ deadlineMs: 1000 }) did not resolve within 3 s').toBe(true);
      expect(Date.now() - started).toBeLessThan(1500);
    } finally {
      for (const sock of raw) sock.destroy();
      await s.close();
    }
  });
});

describe('TLS configuration errors', () => {
  it('loadTlsConfigFromFiles names a missing certificate file', () => {
    const missing = join(certs.dir, 'nope.crt');
    expect(() => loadTlsConfigFromFiles({ certFile: missing, keyFile: certs.localhost.keyFile })).toThrow(
      new Error(`TLS certificate file ${JSON.stringify(missing)} does not exist`),
    );
  });

  it('loadTlsConfigFromFiles names a missing key file', () => {
    const missing = join(certs.dir, 'nope.key');
    expect(() => loadTlsConfigFromFiles({ certFile: certs.localhost.certFile, keyFile: missing })).toThrow(/TLS key file .*nope\.key.* does not exist/);
  });

  it('loadTlsConfigFromFiles rejects a key that does not match its certificate, naming both files', () => {
    let message = '';
    try {
      loadTlsConfigFromFiles({ certFile: certs.localhost.certFile, keyFile: certs.alt.keyFile });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain(certs.localhost.certFile);
    expect(message).toContain(certs.alt.keyFile);
  });

  it('loadTlsConfigFromFiles rejects a file that is not PEM', () => {
    const junk = join(certs.dir, 'junk.crt');
    writeFileSync(junk, 'not a certificate\n');
    expect(() => loadTlsConfigFromFiles({ certFile: junk, keyFile: certs.localhost.keyFile })).toThrow(/junk\.crt/);
  });

  it('loadTlsConfigFromFiles loads a good set, SNI included, and the result serves', async () => {
    const config = loadTlsConfigFromFiles({
      certFile: certs.localhost.certFile,
      keyFile: certs.localhost.keyFile,
      sni: { 'alt.test': { certFile: certs.alt.certFile, keyFile: certs.alt.keyFile } },
    });
    expect(Object.keys(config.sni ?? {})).toEqual(['alt.test']);
    const s = await startTestServer({ tls: config });
    try {
      const r = await new Promise<string | undefined>((resolve, reject) => {
        const socket = tls.connect({ host: '127.0.0.1', port: s.port, ca: certs.ca, servername: 'alt.test' }, () => {
          const cn = socket.getPeerCertificate().subject?.CN;
          socket.once('close', () => resolve(typeof cn === 'string' ? cn : undefined));
          socket.end();
        });
        socket.once('error', reject);
      });
      expect(r).toBe('alt.test');
    } finally {
      await s.close();
    }
  });

  /** The first error from creating and starting a server, whichever step reports it. */
  async function startupError(config: TlsConfig): Promise<Error> {
    let server;
    try {
      server = createServer({ handler: createDemoRouter().handle, tls: config });
      await server.listen({ port: 0, host: '127.0.0.1' });
    } catch (err) {
      return err as Error;
    }
    await server.close({ deadlineMs: 100 });
    throw new Error('the server started with a bad TLS configuration');
  }

  it('a mismatched key pair in TlsConfig fails before serving, saying which', async () => {
    const err = await startupError({ cert: certs.localhost.cert, key: certs.alt.key });
    expect(err.message).toMatch(/default (certificate|key)/);
  });

  it('a mismatched SNI key pair fails before serving, naming the SNI entry', async () => {
    const err = await startupError({ cert: certs.localhost.cert, key: certs.localhost.key, sni: { 'alt.test': { cert: certs.alt.cert, key: certs.wildcard.key } } });
    expect(err.message).toContain('alt.test');
  });

  it('an empty ALPN list fails before serving', async () => {
    const err = await startupError({ cert: certs.localhost.cert, key: certs.localhost.key, alpn: [] });
    expect(err.message).toMatch(/alpn/);
  });

  it('a bad TLS configuration is reported by createServer() or as a rejected listen() promise, never a synchronous listen() throw', async () => {
    let server;
    try {
      server = createServer({ handler: createDemoRouter().handle, tls: { cert: certs.localhost.cert, key: certs.alt.key } });
    } catch (err) {
      // Rejected at construction: fine.
      expect((err as Error).message).toMatch(/default (certificate|key)/);
      return;
    }
    let result: Promise<unknown> | undefined;
    let thrown: unknown = null;
    try {
      result = server.listen({ port: 0, host: '127.0.0.1' });
    } catch (err) {
      thrown = err;
    }
    expect(thrown, 'listen() threw synchronously instead of returning a rejected promise').toBeNull();
    await expect(result).rejects.toThrow(/default (certificate|key)/);
  });
});

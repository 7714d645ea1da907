import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tls from 'node:tls';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateTestCertificates, type TestCertificates } from './test-support/certs.js';
import { createTlsServerOptions, loadTlsConfigFromFiles, type TlsConfig } from './tls-config.js';

let certs: TestCertificates;
beforeAll(() => {
  certs = generateTestCertificates();
});
afterAll(() => certs.cleanup());

interface Running {
  port: number;
  /** Errors from handshakes the server refused ('tlsClientError'). */
  clientErrors: Error[];
  /** Connections that completed the handshake and reached the handler. */
  accepted: number;
}

const servers: tls.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/** A bare TLS server that answers every connection with `servername alpnProtocol` and closes. */
async function startServer(config: TlsConfig): Promise<Running> {
  const running: Running = { port: 0, clientErrors: [], accepted: 0 };
  const server = tls.createServer(createTlsServerOptions(config), (socket) => {
    running.accepted++;
    socket.end(`${socket.servername} ${socket.alpnProtocol}`);
  });
  server.on('tlsClientError', (err) => running.clientErrors.push(err));
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  running.port = (server.address() as AddressInfo).port;
  return running;
}

interface Reply {
  text: string;
  peer: tls.PeerCertificate;
  protocol: string | null;
}

/** Connects with the test CA trusted (verification stays on) and reads the reply to EOF. */
function ask(port: number, options: tls.ConnectionOptions = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port, ca: certs.ca, ...options });
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('end', () => resolve({ text, peer: socket.getPeerCertificate(), protocol: socket.getProtocol() }));
    socket.on('error', reject);
  });
}

function filesConfig(): TlsConfig {
  return loadTlsConfigFromFiles({
    certFile: certs.localhost.certFile,
    keyFile: certs.localhost.keyFile,
    sni: { 'alt.test': certs.alt, '*.wild.test': certs.wildcard },
  });
}

describe('SNI certificate selection (RFC 6066 §3)', () => {
  // Servers are closed after each test, so each test starts its own.
  const start = async (): Promise<number> => (await startServer(filesConfig())).port;

  it('serves the default certificate to a client that sends no server_name', async () => {
    const port = await start();
    // Node sends no SNI when connecting to an IP literal (RFC 6066 forbids IP host names).
    const reply = await ask(port, { ALPNProtocols: ['http/1.1'] });
    expect(reply.text).toBe('false http/1.1');
    expect(reply.peer.subject.CN).toBe('localhost');
    expect(reply.peer.subjectaltname).toBe('DNS:localhost, IP Address:127.0.0.1');
  });

  it('selects the exact-match certificate', async () => {
    const port = await start();
    const reply = await ask(port, { servername: 'alt.test', ALPNProtocols: ['http/1.1'] });
    expect(reply.text).toBe('alt.test http/1.1');
    expect(reply.peer.subject.CN).toBe('alt.test');
    expect(reply.peer.subjectaltname).toBe('DNS:alt.test');
  });

  it('matches server names case-insensitively', async () => {
    const port = await start();
    const reply = await ask(port, { servername: 'ALT.Test' });
    // The server sees the name as sent; only the lookup folds case.
    expect(reply.text).toBe('ALT.Test false');
    expect(reply.peer.subject.CN).toBe('alt.test');
  });

  it('selects the wildcard certificate for one extra label', async () => {
    const port = await start();
    const reply = await ask(port, { servername: 'a.wild.test' });
    expect(reply.text).toBe('a.wild.test false');
    expect(reply.peer.subjectaltname).toBe('DNS:*.wild.test');
  });

  it.each(['a.b.wild.test', 'wild.test', 'unknown.test'])('serves the default certificate for %s', async (name) => {
    const port = await start();
    // Accept any name so the test can look at what was served instead of failing verification.
    const reply = await ask(port, { servername: name, checkServerIdentity: () => undefined });
    expect(reply.text).toBe(`${name} false`);
    expect(reply.peer.subject.CN).toBe('localhost');
    expect(reply.peer.subjectaltname).toBe('DNS:localhost, IP Address:127.0.0.1');
    // …and a normally verifying client would refuse it for that name.
    expect(tls.checkServerIdentity(name, reply.peer)).toBeInstanceOf(Error);
  });
});

describe('ALPN negotiation (RFC 7301)', () => {
  it('defaults to http/1.1 and ignores protocols it was not configured with', async () => {
    const { port } = await startServer(filesConfig());
    expect((await ask(port, { ALPNProtocols: ['h2', 'http/1.1'] })).text).toBe('false http/1.1');
  });

  it("picks h2 when configured with ['h2', 'http/1.1'], in the server's order, also after SNI", async () => {
    const { port } = await startServer({ ...filesConfig(), alpn: ['h2', 'http/1.1'] });
    expect((await ask(port, { ALPNProtocols: ['h2', 'http/1.1'] })).text).toBe('false h2');
    // RFC 7301 §3.2: the server selects; its preference wins over the client's order.
    expect((await ask(port, { ALPNProtocols: ['http/1.1', 'h2'] })).text).toBe('false h2');
    expect((await ask(port, { ALPNProtocols: ['http/1.1'] })).text).toBe('false http/1.1');
    // The SNI context swap must not lose the server's ALPN list.
    expect((await ask(port, { servername: 'a.wild.test', ALPNProtocols: ['h2'] })).text).toBe('a.wild.test h2');
  });

  it('negotiates nothing for a client that sends no ALPN extension', async () => {
    const { port } = await startServer(filesConfig());
    expect((await ask(port)).text).toBe('false false');
  });

  it('refuses a client that offers only unsupported protocols with no_application_protocol', async () => {
    const running = await startServer({ ...filesConfig(), alpn: ['h2', 'http/1.1'] });
    const failure = ask(running.port, { servername: 'alt.test', ALPNProtocols: ['spdy/3'] });
    // RFC 7301 §3.2: the server answers with the fatal no_application_protocol alert (120).
    await expect(failure).rejects.toMatchObject({ code: 'ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL' });
    await expect.poll(() => running.clientErrors.length).toBe(1);
    expect(running.clientErrors[0]).toMatchObject({ code: 'ERR_SSL_NO_APPLICATION_PROTOCOL' });
    expect(running.accepted).toBe(0);
  });
});

describe('minVersion', () => {
  it('accepts TLS 1.2 by default', async () => {
    const { port } = await startServer(filesConfig());
    expect((await ask(port, { servername: 'alt.test', maxVersion: 'TLSv1.2' })).protocol).toBe('TLSv1.2');
  });

  it('refuses a TLS 1.2-only client when minVersion is TLSv1.3, whatever the server name', async () => {
    const { port } = await startServer({ ...filesConfig(), minVersion: 'TLSv1.3' });
    for (const servername of [undefined, 'alt.test', 'a.wild.test']) {
      await expect(ask(port, { servername, maxVersion: 'TLSv1.2' })).rejects.toMatchObject({
        code: 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION',
      });
    }
    expect((await ask(port, { servername: 'alt.test' })).protocol).toBe('TLSv1.3');
  });
});

describe('createTlsServerOptions', () => {
  it('fills in the defaults', () => {
    const options = createTlsServerOptions({ cert: certs.localhost.cert, key: certs.localhost.key });
    expect(options.ALPNProtocols).toEqual(['http/1.1']);
    expect(options.minVersion).toBe('TLSv1.2');
    expect(options.cert).toBe(certs.localhost.cert);
  });

  it('creates each secure context once, up front, and answers unknown names with none', () => {
    const { SNICallback } = createTlsServerOptions(filesConfig());
    const lookup = (name: string): unknown => {
      let out: unknown = 'not called';
      SNICallback!(name, (err, ctx) => {
        expect(err).toBeNull();
        out = ctx;
      });
      return out;
    };
    const alt = lookup('alt.test');
    expect(alt).toHaveProperty('context'); // a tls.SecureContext
    expect(lookup('ALT.TEST')).toBe(alt);
    const wild = lookup('x.wild.test');
    expect(wild).toHaveProperty('context');
    expect(wild).not.toBe(alt);
    expect(lookup('y.wild.test')).toBe(wild);
    expect(lookup('nowhere.test')).toBeUndefined();
  });

  it.each([
    ['a.*.test', /"a\.\*\.test" uses an unsupported wildcard form/],
    ['foo*.wild.test', /unsupported wildcard form/],
    ['*.*.test', /more than one '\*'/],
    ['*', /unsupported wildcard form/],
    ['*.test', /wildcard over a single label/],
    ['127.0.0.1', /IP address; RFC 6066 §3 forbids/],
    ['bad_name.test', /not a valid host name/],
    ['-lead.test', /not a valid host name/],
  ])('rejects the sni key %j', (name, message) => {
    expect(() => createTlsServerOptions({ ...certs.localhost, sni: { [name]: certs.alt } })).toThrow(message);
  });

  it('rejects two sni keys that differ only in case', () => {
    const sni = { 'alt.test': certs.alt, 'ALT.test': certs.alt };
    expect(() => createTlsServerOptions({ ...certs.localhost, sni })).toThrow(/"ALT.test" duplicates another key/);
  });

  it('rejects a bad alpn list or minVersion', () => {
    const base = { cert: certs.localhost.cert, key: certs.localhost.key };
    expect(() => createTlsServerOptions({ ...base, alpn: [] })).toThrow(/alpn must list at least one protocol/);
    expect(() => createTlsServerOptions({ ...base, alpn: ['h2', 'h2'] })).toThrow(/"h2" is listed twice/);
    expect(() => createTlsServerOptions({ ...base, alpn: [''] })).toThrow(/non-empty string of at most 255 bytes/);
    expect(() => createTlsServerOptions({ ...base, alpn: ['x'.repeat(256)] })).toThrow(/at most 255 bytes/);
    const old = { ...base, minVersion: 'TLSv1.1' } as unknown as TlsConfig;
    expect(() => createTlsServerOptions(old)).toThrow(/minVersion must be 'TLSv1.2' or 'TLSv1.3', got "TLSv1.1"/);
  });

  it('names the entry whose key does not match its certificate', () => {
    const sni = { 'alt.test': { cert: certs.alt.cert, key: certs.wildcard.key } };
    expect(() => createTlsServerOptions({ ...certs.localhost, sni })).toThrow(
      'TLS sni["alt.test"] key does not match sni["alt.test"] certificate',
    );
    expect(() => createTlsServerOptions({ cert: certs.localhost.cert, key: certs.alt.key })).toThrow(
      'TLS default key does not match default certificate',
    );
  });
});

describe('loadTlsConfigFromFiles', () => {
  let scratch: string;
  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'aeronet-tls-files-'));
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  const write = (name: string, text: string): string => {
    const file = join(scratch, name);
    writeFileSync(file, text);
    return file;
  };
  const { stringify } = JSON;

  it('reads every pair as PEM text', () => {
    const config = filesConfig();
    expect(config.cert).toBe(certs.localhost.cert);
    expect(config.key).toBe(certs.localhost.key);
    expect(config.sni?.['alt.test']).toEqual({ cert: certs.alt.cert, key: certs.alt.key });
    expect(config.sni?.['*.wild.test']).toEqual({ cert: certs.wildcard.cert, key: certs.wildcard.key });
  });

  it('names a missing file', () => {
    const certFile = join(scratch, 'nope.crt');
    expect(() => loadTlsConfigFromFiles({ certFile, keyFile: certs.localhost.keyFile })).toThrow(
      `TLS certificate file ${stringify(certFile)} does not exist`,
    );
    const keyFile = join(scratch, 'nope.key');
    const sni = { 'alt.test': { certFile: certs.alt.certFile, keyFile } };
    expect(() => loadTlsConfigFromFiles({ ...certs.localhost, sni })).toThrow(
      `TLS key file ${stringify(keyFile)} does not exist`,
    );
  });

  it('names a file that cannot be read', () => {
    expect(() => loadTlsConfigFromFiles({ certFile: scratch, keyFile: certs.localhost.keyFile })).toThrow(
      `TLS certificate file ${stringify(scratch)} could not be read (EISDIR)`,
    );
  });

  it('names a certificate file without a PEM certificate', () => {
    const certFile = write('text.crt', 'hello, not a certificate\n');
    expect(() => loadTlsConfigFromFiles({ certFile, keyFile: certs.localhost.keyFile })).toThrow(
      `TLS certificate file ${stringify(certFile)} does not contain a PEM certificate`,
    );
    // A key where the certificate should be is the common swap.
    const swapped = { certFile: certs.localhost.keyFile, keyFile: certs.localhost.certFile };
    expect(() => loadTlsConfigFromFiles(swapped)).toThrow(
      `TLS certificate file ${stringify(certs.localhost.keyFile)} does not contain a PEM certificate`,
    );
    const broken = write('broken.crt', '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
    expect(() => loadTlsConfigFromFiles({ certFile: broken, keyFile: certs.localhost.keyFile })).toThrow(
      `TLS certificate file ${stringify(broken)} does not contain a valid PEM certificate`,
    );
  });

  it('names a key file without a PEM private key', () => {
    const keyFile = write('cert-as.key', certs.localhost.cert);
    expect(() => loadTlsConfigFromFiles({ certFile: certs.localhost.certFile, keyFile })).toThrow(
      `TLS key file ${stringify(keyFile)} does not contain a PEM private key`,
    );
  });

  it('names both files when the key does not match the certificate', () => {
    const files = { certFile: certs.localhost.certFile, keyFile: certs.alt.keyFile };
    expect(() => loadTlsConfigFromFiles(files)).toThrow(
      `TLS key file ${stringify(files.keyFile)} does not match certificate file ${stringify(files.certFile)}`,
    );
  });
});

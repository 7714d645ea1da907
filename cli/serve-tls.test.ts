import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import tls from 'node:tls';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestPki, type TestCa, type TestLeaf, type TestPki } from '../server/tls/test-support/pki.js';
import { killStarted, runCli, startCli } from './test-support/cli-process.js';

/**
 * `aeronet serve`'s TLS flags, through the built CLI: every bad value exits 2 naming the flag or
 * the file; a full configuration (client certificates, an SNI entry with its own policy, ticket
 * rotation, OCSP, key log) serves, warns about the key log on stderr, and drains on SIGTERM.
 */

const CLI = inject('aeronetCli');
let pki: TestPki;
let ca: TestCa;
let clientCa: TestCa;
let server: TestLeaf;
let client: TestLeaf;

beforeAll(() => {
  pki = createTestPki();
  ca = pki.ca('cli-ca');
  clientCa = pki.ca('cli-client-ca');
  server = pki.leaf(ca, 'server', { usage: 'server', san: 'DNS:localhost,DNS:opt.test,IP:127.0.0.1', chain: true });
  client = pki.leaf(clientCa, 'carol', { usage: 'client' });
});
afterEach(killStarted);
afterAll(() => pki?.cleanup());

const run = (args: string[]) => runCli(CLI, ['serve', '--port', '0', ...args]);

const tlsArgs = (): string[] => ['--tls-cert', server.certFile, '--tls-key', server.keyFile];

describe('aeronet serve TLS flags: bad values exit 2 and say what is wrong', () => {
  const cases: Array<[string, () => string[], RegExp]> = [
    ['a TLS flag without a certificate', () => ['--tls-client-auth', 'required'], /--tls-client-auth needs --tls-cert and --tls-key/],
    ['an unknown client-auth mode', () => [...tlsArgs(), '--tls-client-auth', 'maybe'], /--tls-client-auth must be one of none, optional, required, got "maybe"/],
    ['required without a CA', () => [...tlsArgs(), '--tls-client-auth', 'required'], /client-certificate mode 'required' for the default certificate needs a CA file/],
    ['none with a CA', () => [...tlsArgs(), '--tls-client-auth', 'none', '--tls-client-ca', clientCa.certFile], /mode 'none' for the default certificate contradicts its CA file/],
    ['a policy for an SNI name no --tls-sni configures', () => [...tlsArgs(), '--tls-client-auth', 'opt.test=optional'], /--tls-client-auth opt\.test=optional names an SNI entry no --tls-sni configures/],
    ['a CA for an SNI name no --tls-sni configures', () => [...tlsArgs(), '--tls-client-ca', `opt.test=${clientCa.certFile}`], /--tls-client-ca opt\.test=.* names an SNI entry no --tls-sni configures/],
    ['a missing CA file', () => [...tlsArgs(), '--tls-client-ca', '/nonexistent/ca.pem'], /TLS client CA file "\/nonexistent\/ca\.pem" does not exist/],
    ['a CA file without a certificate', () => [...tlsArgs(), '--tls-client-ca', server.keyFile], /TLS client CA file ".*server\.key" does not contain a PEM certificate/],
    ['--tls-sni without a key', () => [...tlsArgs(), '--tls-sni', `opt.test=${server.certFile}`], /--tls-sni must be NAME=CERT,KEY/],
    ['--tls-sni with an IP address', () => [...tlsArgs(), '--tls-sni', `10.0.0.1=${server.certFile},${server.keyFile}`], /--tls-sni: sni key "10\.0\.0\.1" is an IP address/],
    ['--tls-sni with an unknown option', () => [...tlsArgs(), '--tls-sni', `opt.test=${server.certFile},${server.keyFile},colour=blue`], /--tls-sni opt\.test: unknown option "colour=blue"/],
    ['--tls-sni with a bad auth', () => [...tlsArgs(), '--tls-sni', `opt.test=${server.certFile},${server.keyFile},auth=sometimes`], /--tls-sni opt\.test: auth must be one of none, optional, required/],
    ['--tls-sni twice for one name', () => [...tlsArgs(), '--tls-sni', `Opt.Test=${server.certFile},${server.keyFile}`, '--tls-sni', `opt.test=${server.certFile},${server.keyFile}`], /--tls-sni names "opt\.test" twice/],
    ['--tls-sni with a missing key file', () => [...tlsArgs(), '--tls-sni', `opt.test=${server.certFile},/nonexistent/key.pem`], /TLS key file "\/nonexistent\/key\.pem" does not exist/],
    ['a ticket rotation that is not a number', () => [...tlsArgs(), '--tls-ticket-rotation', 'hourly'], /--tls-ticket-rotation must be MS or MS,window=MS/],
    ['a ticket rotation below a second', () => [...tlsArgs(), '--tls-ticket-rotation', '10'], /ticketRotation\.intervalMs must be an integer from 1000/],
    ['a key log in a directory that does not exist', () => [...tlsArgs(), '--tls-keylog', '/nonexistent/dir/keys.log'], /TLS keyLog file "\/nonexistent\/dir\/keys\.log" cannot be written/],
    ['a missing OCSP file', () => [...tlsArgs(), '--tls-ocsp', '/nonexistent/ocsp.der'], /TLS OCSP response file "\/nonexistent\/ocsp\.der" for the default certificate does not exist/],
    ['an OCSP file that is not a response', () => [...tlsArgs(), '--tls-ocsp', server.certFile], /TLS OCSP response file ".*server\.crt" for the default certificate: not a valid OCSP response/],
  ];
  for (const [what, args, message] of cases) {
    it(what, async () => {
      const r = await run(args());
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(message);
    });
  }
});

describe('aeronet serve with every TLS flag', () => {
  it('serves with client certificates, an SNI policy, rotation, OCSP and a key log, and warns about the key log', async () => {
    const keyLog = join(pki.dir, 'serve-keys.log');
    const ocsp = pki.ocspResponse(ca, server, { minutes: 60 });
    const ocspFile = join(pki.dir, 'serve-ocsp.der');
    writeFileSync(ocspFile, ocsp.der);
    const started = await startCli(CLI, ['serve', '--port', '0', ...tlsArgs(),
      '--tls-client-ca', clientCa.certFile,
      '--tls-sni', `opt.test=${server.certFile},${server.keyFile},ca=${clientCa.certFile},auth=optional`,
      '--tls-ticket-rotation', '60000,window=30000',
      '--tls-ocsp', ocspFile,
      '--tls-keylog', keyLog,
    ], [/aeronet listening on https:\/\/127\.0\.0\.1:(\d+)/]);
    const { child, match: m } = started;
    const err = started.stderr();
    const port = Number(m[1]);
    expect(err).toContain(`aeronet: WARNING: --tls-keylog ${keyLog}: TLS key logging is on`);
    expect(err).toMatch(/"event":"tls\.keylog-enabled"/);

    const get = (servername: string, withCert: boolean): Promise<string> => new Promise((resolve) => {
      const s = tls.connect({ host: '127.0.0.1', port, ca: ca.cert, servername, ...(withCert ? { cert: client.cert, key: client.key } : {}) });
      let text = '';
      s.once('secureConnect', () => s.write(`GET /hello HTTP/1.1\r\nhost: ${servername}\r\nconnection: close\r\n\r\n`));
      s.on('data', (d: Buffer) => (text += d.toString()));
      s.on('error', () => {});
      s.on('close', () => resolve(text.split('\r\n')[0] ?? ''));
    });
    expect(await get('localhost', true)).toBe('HTTP/1.1 200 OK');
    expect(await get('localhost', false)).toBe('');
    expect(await get('opt.test', false)).toBe('HTTP/1.1 200 OK');
    expect(readFileSync(keyLog, 'utf8')).toMatch(/^CLIENT_TRAFFIC_SECRET_0 /m);
    const status = await new Promise<string>((resolve) => {
      const c = execFile('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-servername', 'opt.test', '-CAfile', ca.certFile, '-status'], { timeout: 10_000 }, (_e, o, e) => resolve(o + e));
      c.stdin?.end();
    });
    // opt.test is served with the same certificate as the default, so its OCSP response too.
    expect(status).toContain('OCSP Response Status: successful');
    expect(status).toContain('Cert Status: good');

    child.kill('SIGTERM');
    expect((await started.exited).code).toBe(0);
  });
});

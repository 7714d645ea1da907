/**
 * serveStatic and range requests over real sockets: HTTP/1.1 (curl, node:http, a raw client) and
 * HTTP/2 (node:http2 over h2c and TLS, curl), with the server's on-the-fly compression on (the
 * default), precompressed siblings, conditional requests, peers that leave mid-file and a 20 MB
 * file read slowly.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http2 from 'node:http2';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import v8 from 'node:v8';
import vm from 'node:vm';
import * as zlib from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Router } from '../core/router.js';
import { createServer } from '../server.js';
import { MemoryLogger } from '../core/logger.js';
import { startTestServer, type TestServer } from '../test-support/test-server.js';
import { delay, destroyAllClients, eventually, httpRequest, RawClient, startTappedServer, type TappedServer } from '../test-support/socket-client.js';
import { generateTestCertificates, type TestCertificates } from '../tls/test-support/certs.js';
import { serveStatic } from './serve-static.js';
import { sendRanged } from './send-ranged.js';
import { parseMultipartByteranges } from './test-support/parse-multipart.js';
import { fdsOpenOn, tempTree, type TempTree } from './test-support/temp-tree.js';

const run = promisify(execFile);
const MB = 1024 * 1024;

let tree: TempTree;
let plain: TestServer;
let secure: TestServer;
let certs: TestCertificates;
const MEDIUM = Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 7 + (i >> 8)) & 0xff));
const PAGE = Array.from({ length: 300 }, (_, i) => `<p>paragraph ${i}: the quick brown fox</p>\n`).join('');
const SCRIPT = Array.from({ length: 400 }, (_, i) => `export const v${i} = ${i};\n`).join('');
const BIG_SIZE = 20 * MB;
let bigPath: string;
let mediumPath: string;
let bigSha: string;

/** A 20 MB file, written 1 MB at a time (deterministic, not compressible: not a page of zeros). */
function writeBig(file: string): string {
  const fd = fs.openSync(file, 'w');
  const hash = createHash('sha256');
  const block = Buffer.allocUnsafe(MB);
  for (let k = 0; k < BIG_SIZE / MB; k++) {
    for (let i = 0; i < MB; i += 4) block.writeUInt32LE(((k * MB + i) * 2654435761) >>> 0, i);
    fs.writeSync(fd, block);
    hash.update(block);
  }
  fs.closeSync(fd);
  return hash.digest('hex');
}

function routerFor(root: string) {
  return new Router()
    .get('/hello', (_req, res) => res.send('hi\n'))
    .get('/static/*', serveStatic(root))
    .get('/ranged', (req, res) => sendRanged(req, res, { size: MEDIUM.length, etag: '"m1"', contentType: 'application/octet-stream', read: bufferRead(MEDIUM) }));
}

function bufferRead(bytes: Buffer) {
  return async function* (start: number, end: number) {
    for (let p = start; p <= end; p += 16 * 1024) yield bytes.subarray(p, Math.min(end + 1, p + 16 * 1024));
  };
}

beforeAll(async () => {
  tree = tempTree();
  tree.file('hello.txt', 'hello, static\n');
  mediumPath = tree.file('medium.bin', MEDIUM);
  tree.file('page.html', PAGE);
  tree.file('app.js', SCRIPT);
  tree.file('app.js.br', zlib.brotliCompressSync(SCRIPT));
  tree.file('app.js.gz', zlib.gzipSync(SCRIPT));
  tree.file('.env', 'SECRET=1\n');
  tree.symlink('escape.txt', path.join(tree.outside, 'secret.txt'));
  bigPath = path.join(tree.root, 'big.bin');
  bigSha = writeBig(bigPath);
  certs = generateTestCertificates();
  plain = await startTestServer({ handler: routerFor(tree.root).handle });
  secure = await startTestServer({ handler: routerFor(tree.root).handle, tls: { cert: certs.localhost.cert, key: certs.localhost.key } });
});

afterAll(async () => {
  await plain?.close();
  await secure?.close();
  certs?.cleanup();
  tree?.cleanup();
});

afterEach(() => destroyAllClients());

/** curl, binary-safe: the body and the response head (-D). */
async function curl(args: string[]): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
  const headFile = path.join(tree.base, `head-${process.pid}-${Math.floor(performance.now() * 1000)}.txt`);
  const { stdout } = await run('curl', ['-sS', '-D', headFile, '-o', '-', ...args], { encoding: 'buffer', maxBuffer: 64 * MB });
  const lines = fs.readFileSync(headFile, 'latin1').trim().split('\r\n');
  fs.rmSync(headFile);
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const i = line.indexOf(':');
    headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
  }
  return { status: Number(/^HTTP\/[\d.]+ (\d{3})/.exec(lines[0]!)![1]), headers, body: stdout };
}

describe('HTTP/1.1', () => {
  it('curl -r 0-99: 206 with the first 100 octets', async () => {
    const r = await curl(['-r', '0-99', `${plain.url}/static/medium.bin`]);
    expect(r.status).toBe(206);
    expect(r.headers['content-range']).toBe(`bytes 0-99/${MEDIUM.length}`);
    expect(r.headers['accept-ranges']).toBe('bytes');
    expect(r.body.equals(MEDIUM.subarray(0, 100))).toBe(true);
  });

  it("curl -H 'Range: bytes=0-1,5-6': close ranges come back as one (coalesced, RFC 9110 §14.2)", async () => {
    const r = await curl(['-H', 'Range: bytes=0-1,5-6', `${plain.url}/static/medium.bin`]);
    expect(r.status).toBe(206);
    expect(r.headers['content-range']).toBe(`bytes 0-6/${MEDIUM.length}`);
    expect(r.body.equals(MEDIUM.subarray(0, 7))).toBe(true);
  });

  it('curl with ranges far apart: multipart/byteranges that parses back to the file', async () => {
    const r = await curl(['-H', 'Range: bytes=0-1,100000-100099,-3', `${plain.url}/static/medium.bin`]);
    expect(r.status).toBe(206);
    expect(Number(r.headers['content-length'])).toBe(r.body.length);
    const parts = parseMultipartByteranges(r.body, r.headers['content-type']);
    expect(parts.map((p) => [p.start, p.end])).toEqual([[0, 1], [100000, 100099], [MEDIUM.length - 3, MEDIUM.length - 1]]);
    for (const p of parts) expect(p.body.equals(MEDIUM.subarray(p.start, p.end + 1))).toBe(true);
  });

  it('HEAD has the fields of GET and no body', async () => {
    const get = await httpRequest(`${plain.url}/static/medium.bin`);
    const head = await httpRequest(`${plain.url}/static/medium.bin`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    for (const name of ['content-length', 'content-type', 'etag', 'last-modified', 'accept-ranges', 'cache-control', 'vary', 'x-content-type-options']) {
      expect(head.headers[name], name).toBe(get.headers[name]);
    }
    expect(head.headers['content-length']).toBe(String(MEDIUM.length));
    // The connection stays usable: nothing of a body was sent after the HEAD's head.
    const c = await RawClient.connect(plain.port);
    c.write(`HEAD /static/big.bin HTTP/1.1\r\nhost: a\r\n\r\nGET /hello HTTP/1.1\r\nhost: a\r\n\r\n`);
    const [h, hello] = await c.responses(2, { head: [true, false] });
    expect(h!.header('content-length')).toBe(String(BIG_SIZE));
    expect(hello!.body.toString()).toBe('hi\n');
  });

  it('304, 412 and 416', async () => {
    const first = await httpRequest(`${plain.url}/static/medium.bin`);
    const etag = first.headers['etag'] as string;
    const lastModified = first.headers['last-modified'] as string;
    const nm = await httpRequest(`${plain.url}/static/medium.bin`, { headers: { 'if-none-match': etag } });
    expect(nm.status).toBe(304);
    expect(nm.body.length).toBe(0);
    expect(nm.headers['etag']).toBe(etag);
    expect((await httpRequest(`${plain.url}/static/medium.bin`, { headers: { 'if-modified-since': lastModified } })).status).toBe(304);
    expect((await httpRequest(`${plain.url}/static/medium.bin`, { headers: { 'if-match': '"nope"' } })).status).toBe(412);
    const out = await httpRequest(`${plain.url}/static/medium.bin`, { headers: { range: `bytes=${MEDIUM.length}-` } });
    expect(out.status).toBe(416);
    expect(out.headers['content-range']).toBe(`bytes */${MEDIUM.length}`);
    const resumed = await httpRequest(`${plain.url}/static/medium.bin`, { headers: { range: 'bytes=199990-', 'if-range': etag } });
    expect(resumed.status).toBe(206);
    expect(resumed.body.equals(MEDIUM.subarray(199_990))).toBe(true);
  });

  it('odd Range and conditional fields get a defined answer, never a 500', async () => {
    const odd = ['bytes=', 'bytes=-', 'bytes=1-0', 'bytes=0-1,,,,', 'BYTES=0-0', 'bytes=99999999999999999999999-', `bytes=${'1-2,'.repeat(1000)}`, 'bytes=\u00ff'];
    for (const range of odd) {
      const r = await httpRequest(`${plain.url}/static/medium.bin`, { headers: { range, 'if-range': 'W/"x"', 'if-match': '*', 'if-modified-since': 'not a date' } });
      expect([200, 206, 416], range).toContain(r.status);
    }
  });

  it('precompressed: curl --compressed gets the br sibling and decodes it to the script', async () => {
    const r = await curl(['--compressed', `${plain.url}/static/app.js`]);
    expect(r.status).toBe(200);
    expect(r.headers['content-encoding']).toBe('br');
    expect(r.headers['vary']).toBe('accept-encoding');
    expect(r.body.toString()).toBe(SCRIPT);
  });

  it('precompressed: the gzip sibling goes out as stored, not compressed again', async () => {
    const r = await httpRequest(`${plain.url}/static/app.js`, { headers: { 'accept-encoding': 'gzip' } });
    expect(r.headers['content-encoding']).toBe('gzip');
    expect(r.body.equals(fs.readFileSync(path.join(tree.root, 'app.js.gz')))).toBe(true);
    expect(r.headers['etag']).toMatch(/-gzip"$/);
  });

  it('on-the-fly compression: a whole 200 is compressed (weak ETag), a 206 and a multipart never are', async () => {
    const whole = await httpRequest(`${plain.url}/static/page.html`, { headers: { 'accept-encoding': 'gzip' } });
    expect(whole.headers['content-encoding']).toBe('gzip');
    expect(zlib.gunzipSync(whole.body).toString()).toBe(PAGE);
    expect(whole.headers['etag']).toMatch(/^W\//);
    const one = await httpRequest(`${plain.url}/static/page.html`, { headers: { 'accept-encoding': 'gzip', range: 'bytes=100-2099' } });
    expect(one.status).toBe(206);
    expect(one.headers['content-encoding']).toBeUndefined();
    expect(one.body.toString()).toBe(PAGE.slice(100, 2100));
    const many = await httpRequest(`${plain.url}/static/page.html`, { headers: { 'accept-encoding': 'gzip', range: 'bytes=0-1999,8000-9999' } });
    expect(many.status).toBe(206);
    expect(many.headers['content-encoding']).toBeUndefined();
    const parts = parseMultipartByteranges(many.body, many.headers['content-type'] as string);
    expect(parts.map((p) => p.body.toString())).toEqual([PAGE.slice(0, 2000), PAGE.slice(8000, 10_000)]);
    // The client that got the gzip 200 resumes with its (weak) tag: it gets the whole page again,
    // never identity octets spliced onto its gzip prefix.
    const resumed = await httpRequest(`${plain.url}/static/page.html`, { headers: { 'accept-encoding': 'gzip', range: 'bytes=500-', 'if-range': whole.headers['etag'] as string } });
    expect(resumed.status).toBe(200);
    expect(resumed.headers['content-encoding']).toBe('gzip');
  });

  it('HEAD of a page the server compresses reports the same coding as GET', async () => {
    const get = await httpRequest(`${plain.url}/static/page.html`, { headers: { 'accept-encoding': 'gzip' } });
    const head = await httpRequest(`${plain.url}/static/page.html`, { method: 'HEAD', headers: { 'accept-encoding': 'gzip' } });
    expect(head.headers['content-encoding']).toBe(get.headers['content-encoding']);
    expect(head.headers['etag']).toBe(get.headers['etag']);
    expect(head.headers['transfer-encoding']).toBe(get.headers['transfer-encoding']);
  });

  it('hostile paths, encoded, over the wire', async () => {
    for (const p of ['/static/%2e%2e/%2e%2e/outside/secret.txt', '/static/..%2f..%2foutside%2fsecret.txt', '/static/.env', '/static/escape.txt', '/static/hello.txt%00', '/static/%252e%252e/secret.txt']) {
      const c = await RawClient.connect(plain.port);
      c.write(`GET ${p} HTTP/1.1\r\nhost: a\r\nconnection: close\r\n\r\n`);
      const [r] = await c.responses(1);
      expect(r!.status, p).toBe(404);
    }
  });

  it('a client that disconnects mid-file: the read stops and the file is closed', async () => {
    const c = await RawClient.connect(plain.port);
    c.socket.removeAllListeners('data');
    c.socket.pause();
    c.write('GET /static/big.bin HTTP/1.1\r\nhost: a\r\n\r\n');
    await eventually(() => fdsOpenOn(bigPath) === 1, 3000, 'the file open');
    await delay(100);
    expect(fdsOpenOn(bigPath)).toBe(1);
    c.destroy();
    await eventually(() => fdsOpenOn(bigPath) === 0, 3000, 'the file closed');
  });
});

describe('HTTP/1.1, a 20 MB file and a slow reader', () => {
  let tapped: TappedServer | null = null;
  afterEach(async () => {
    await tapped?.close();
    tapped = null;
  });

  it('streams with backpressure: what the server holds stays under the high-water marks, and the file arrives intact', async () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const server = createServer({ handler: routerFor(tree.root).handle, logger: new MemoryLogger() });
    tapped = await startTappedServer(server);
    // Twice: the first pass may only queue what the weak callbacks of the last one freed.
    gc();
    gc();
    const baseline = process.memoryUsage().arrayBuffers;
    const socket = net.connect({ port: tapped.port, host: '127.0.0.1' });
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write('GET /static/big.bin HTTP/1.1\r\nhost: a\r\n\r\n');
    const hash = createHash('sha256');
    let head = Buffer.alloc(0);
    let bodyBytes = -1;
    let phase: 'reading' | 'stalled' | 'draining' = 'reading';
    const done = new Promise<void>((resolve, reject) => {
      socket.on('error', reject);
      socket.on('data', (chunk: Buffer) => {
        if (bodyBytes < 0) {
          head = Buffer.concat([head, chunk]);
          const end = head.indexOf('\r\n\r\n');
          if (end < 0) return;
          chunk = head.subarray(end + 4);
          bodyBytes = 0;
        }
        hash.update(chunk);
        bodyBytes += chunk.length;
        if (bodyBytes === BIG_SIZE) resolve();
        // A slow reader: stop for a while after the first megabyte, then sip.
        if (phase === 'reading' && bodyBytes >= MB) {
          phase = 'stalled';
          socket.pause();
        } else if (phase === 'draining') {
          socket.pause();
          setTimeout(() => socket.resume(), 1);
        }
      });
    });
    await eventually(() => phase === 'stalled', 5000, 'the first megabyte');
    await delay(500);
    // V8 frees ArrayBuffer backing stores on a background sweeper: collect, let it run, collect.
    gc();
    await delay(100);
    gc();
    const grown = process.memoryUsage().arrayBuffers - baseline;
    const queued = tapped.sockets[0]!.writableLength;
    // Held while the reader stalls: the socket's queue up to its high-water mark plus one 64 KiB
    // chunk, our reader's buffer, and a margin for the rest of the process (and for buffers the
    // sweeper has not returned yet on a loaded machine). Without backpressure the server would
    // have read the rest of the 20 MB (all the kernel buffers did not take) into its queue by now.
    expect(queued).toBeLessThanOrEqual(256 * 1024);
    expect(grown).toBeLessThan(8 * MB);
    expect(fdsOpenOn(bigPath)).toBe(1);
    phase = 'draining';
    socket.resume();
    await done;
    expect(head.toString('latin1')).toMatch(new RegExp(`^HTTP/1\\.1 200 [^\\r]*\\r\\n[^]*content-length: ${BIG_SIZE}\\r\\n`, 'i'));
    expect(hash.digest('hex')).toBe(bigSha);
    socket.destroy();
    await eventually(() => fdsOpenOn(bigPath) === 0, 3000, 'the file closed');
    console.log(`[static] 20 MB slow reader: server socket queue ${queued} B, array buffers +${(grown / MB).toFixed(2)} MB while stalled`);
  });
});

interface H2Result {
  status: number;
  headers: http2.IncomingHttpHeaders;
  body: Buffer;
}

function h2(session: http2.ClientHttp2Session, p: string, headers: Record<string, string> = {}, method = 'GET'): Promise<H2Result> {
  return new Promise((resolve, reject) => {
    const req = session.request({ ':method': method, ':path': p, ...headers }, { endStream: true });
    const chunks: Buffer[] = [];
    let head: http2.IncomingHttpHeaders = {};
    req.on('response', (h) => (head = h));
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve({ status: Number(head[':status']), headers: head, body: Buffer.concat(chunks) }));
    req.on('error', reject);
  });
}

describe.each([
  ['h2c (prior knowledge)', () => http2.connect(plain.url)],
  ['h2 over TLS', () => http2.connect(`https://localhost:${secure.port}`, { ca: certs.ca })],
])('HTTP/2, %s', (_name, connect) => {
  let session: http2.ClientHttp2Session;
  beforeAll(() => {
    session = connect();
  });
  afterAll(() => session?.close());

  it('a single range, several ranges, and the whole file', async () => {
    const one = await h2(session, '/static/medium.bin', { range: 'bytes=1000-1999' });
    expect(one.status).toBe(206);
    expect(one.headers['content-range']).toBe(`bytes 1000-1999/${MEDIUM.length}`);
    expect(one.body.equals(MEDIUM.subarray(1000, 2000))).toBe(true);
    const many = await h2(session, '/static/medium.bin', { range: 'bytes=-10,0-9,100000-100009' });
    expect(many.status).toBe(206);
    expect(Number(many.headers['content-length'])).toBe(many.body.length);
    const parts = parseMultipartByteranges(many.body, many.headers['content-type']);
    expect(parts.map((p) => p.start)).toEqual([MEDIUM.length - 10, 0, 100000]);
    for (const p of parts) expect(p.body.equals(MEDIUM.subarray(p.start, p.end + 1))).toBe(true);
    const whole = await h2(session, '/static/medium.bin');
    expect(whole.status).toBe(200);
    expect(whole.body.equals(MEDIUM)).toBe(true);
  });

  it('HEAD, 304, 412 and 416', async () => {
    const get = await h2(session, '/static/medium.bin', { range: 'bytes=0-0' });
    const head = await h2(session, '/static/medium.bin', {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    expect(head.headers['content-length']).toBe(String(MEDIUM.length));
    expect(head.headers['etag']).toBe(get.headers['etag']);
    expect((await h2(session, '/static/medium.bin', { 'if-none-match': get.headers['etag'] as string })).status).toBe(304);
    expect((await h2(session, '/static/medium.bin', { 'if-match': '"other"' })).status).toBe(412);
    const out = await h2(session, '/static/medium.bin', { range: 'bytes=999999-' });
    expect(out.status).toBe(416);
    expect(out.headers['content-range']).toBe(`bytes */${MEDIUM.length}`);
  });

  it('precompressed siblings and sendRanged from a handler', async () => {
    const br = await h2(session, '/static/app.js', { 'accept-encoding': 'br' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(zlib.brotliDecompressSync(br.body).toString()).toBe(SCRIPT);
    const ranged = await h2(session, '/ranged', { range: 'bytes=10-19' });
    expect(ranged.status).toBe(206);
    expect(ranged.body.equals(MEDIUM.subarray(10, 20))).toBe(true);
  });

  it('a stream reset mid-file stops the read and closes the file', async () => {
    const req = session.request({ ':path': '/static/big.bin' }, { endStream: true });
    req.pause();
    await eventually(() => fdsOpenOn(bigPath) === 1, 3000, 'the file open');
    req.close(http2.constants.NGHTTP2_CANCEL);
    await eventually(() => fdsOpenOn(bigPath) === 0, 3000, 'the file closed');
    // The connection is fine: the next request on it works.
    expect((await h2(session, '/static/hello.txt')).body.toString()).toBe('hello, static\n');
  });
});

describe('HTTP/2 with curl', () => {
  it('curl --http2-prior-knowledge -r', async () => {
    const r = await curl(['--http2-prior-knowledge', '-r', '10-29', `${plain.url}/static/medium.bin`]);
    expect(r.status).toBe(206);
    expect(r.body.equals(MEDIUM.subarray(10, 30))).toBe(true);
  });
});

describe('descriptors', () => {
  it('nothing is left open on the files served', async () => {
    await eventually(() => fdsOpenOn(bigPath) === 0 && fdsOpenOn(mediumPath) === 0, 3000, 'every file closed');
  });
});

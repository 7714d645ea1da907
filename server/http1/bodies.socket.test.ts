import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { patternBytes } from '../demo/demo-routes.js';
import { createDemoRouter } from '../demo/demo-routes.js';
import type { Handler } from '../core/types.js';
import { startTestServer, type TestServer } from '../test-support/test-server.js';
import { RawClient, delay, destroyAllClients, httpRequest, parseResponses } from '../test-support/socket-client.js';

let ts: TestServer | null = null;
const tempDirs: string[] = [];

afterEach(async () => {
  destroyAllClients();
  if (ts !== null) {
    await ts.close();
    expect(ts.server.connectionCount).toBe(0);
    ts = null;
  }
  for (const d of tempDirs.splice(0)) await rm(d, { recursive: true, force: true });
});

const get = (p: string): string => `GET ${p} HTTP/1.1\r\nHost: t\r\n\r\n`;

/** A handler that answers /trailers with the body and trailers it read; everything else goes to the demo routes. */
function withExtras(extra: Record<string, Handler>): Handler {
  const demo = createDemoRouter().handle;
  return (req, res) => {
    const h = extra[req.path];
    return h !== undefined ? h(req, res) : demo(req, res);
  };
}

describe('request bodies', () => {
  it('reads a chunked body with chunk extensions and trailers, and the next request follows', async () => {
    ts = await startTestServer();
    const c = await RawClient.connect(ts.port);
    c.write(
      'POST /echo HTTP/1.1\r\nHost: t\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n' +
        '5;ext=1\r\nhello\r\n' +
        '6;name="quoted value";flag\r\n world\r\n' +
        'a\r\n0123456789\r\n' +
        '0;last=yes\r\nX-Trailer: one\r\nX-Other: two\r\n\r\n' +
        get('/hello'),
    );
    const [echo, hello] = await c.responses(2);
    expect(echo!.status).toBe(200);
    expect(echo!.body.toString()).toBe('hello world0123456789');
    expect(echo!.header('content-length')).toBe('21');
    expect(echo!.header('content-type')).toBe('text/plain');
    expect(hello!.status).toBe(200);
    expect(hello!.body.toString()).toBe('hello, world\n');
  });

  it('gives the handler the trailers of a chunked body after it has read it', async () => {
    const seen: Array<{ before: number; after: Array<readonly [string, string]>; body: string }> = [];
    ts = await startTestServer({
      handler: async (req, res) => {
        const before = req.body.trailers.length;
        const body = await req.body.text();
        const after = [...req.body.trailers];
        seen.push({ before, after, body });
        await res.json({ body, trailers: after });
      },
    });
    const c = await RawClient.connect(ts.port);
    c.write('POST /t HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nX-Checksum: 1234\r\nX-Note: done\r\n\r\n');
    const [r] = await c.responses(1);
    expect(r!.status).toBe(200);
    expect(JSON.parse(r!.body.toString())).toEqual({ body: 'abc', trailers: [['x-checksum', '1234'], ['x-note', 'done']] });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.before).toBe(0);
  });

  it('drops trailer fields that must not be trailers (Content-Length, Host, ...)', async () => {
    ts = await startTestServer({
      handler: async (req, res) => {
        await req.body.text();
        await res.json(req.body.trailers);
      },
    });
    const c = await RawClient.connect(ts.port);
    c.write('POST /t HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\nContent-Length: 5\r\nHost: evil\r\nX-Ok: 1\r\n\r\n');
    const [r] = await c.responses(1);
    expect(JSON.parse(r!.body.toString())).toEqual([['x-ok', '1']]);
  });

  it('answers POST with Content-Length: 0 to /echo with an empty body', async () => {
    ts = await startTestServer();
    const c = await RawClient.connect(ts.port);
    c.write('POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n' + get('/hello'));
    const [a, b] = await c.responses(2);
    expect(a!.status).toBe(200);
    expect(a!.body.length).toBe(0);
    expect(a!.header('content-length')).toBe('0');
    expect(b!.body.toString()).toBe('hello, world\n');
  });

  it('discards a body the handler never reads, so the next pipelined request is parsed correctly', async () => {
    ts = await startTestServer();
    const c = await RawClient.connect(ts.port);
    const big = 'x'.repeat(200_000);
    // POST /hello is a 405: the router answers without reading the body.
    c.write(`POST /hello HTTP/1.1\r\nHost: t\r\nContent-Length: ${big.length}\r\n\r\n${big}` + get('/hello'));
    const [a, b] = await c.responses(2);
    expect(a!.status).toBe(405);
    expect(b!.status).toBe(200);
    expect(b!.body.toString()).toBe('hello, world\n');
  });

  it('discards an unread chunked body, then serves the next request', async () => {
    ts = await startTestServer();
    const c = await RawClient.connect(ts.port);
    c.write('POST /hello HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nGET \r\n0\r\n\r\n' + get('/bytes/3'));
    const [a, b] = await c.responses(2);
    expect(a!.status).toBe(405);
    expect(b!.status).toBe(200);
    expect(b!.body.toString()).toBe('ABC');
  });
});

describe('content-coded request bodies', () => {
  const coded = (encoding: string, body: Buffer): Buffer =>
    Buffer.concat([Buffer.from(`POST /echo HTTP/1.1\r\nHost: t\r\nContent-Type: text/plain\r\nContent-Encoding: ${encoding}\r\nContent-Length: ${body.length}\r\n\r\n`, 'latin1'), body]);

  it('decodes a gzip request body for the handler', async () => {
    ts = await startTestServer({ compression: false });
    const c = await RawClient.connect(ts.port);
    const text = 'decode me '.repeat(1000);
    c.write(Buffer.concat([coded('gzip', gzipSync(text)), Buffer.from(get('/hello'), 'latin1')]));
    const [r, next] = await c.responses(2);
    expect(r!.status).toBe(200);
    expect(r!.body.toString()).toBe(text);
    expect(next!.status).toBe(200);
  });

  it('answers a gzip bomb with 413 after bounded work', async () => {
    ts = await startTestServer({ maxDecompressedBodyBytes: 1024 * 1024 });
    const c = await RawClient.connect(ts.port);
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(1024 * 1024);
    c.write(coded('gzip', bomb));
    const [r] = await c.responses(1);
    expect(r!.status).toBe(413);
  });

  it('answers a corrupt gzip body with 400', async () => {
    ts = await startTestServer();
    const c = await RawClient.connect(ts.port);
    c.write(coded('gzip', Buffer.from('this is not gzip at all')));
    const [r] = await c.responses(1);
    expect(r!.status).toBe(400);
  });

  it('answers an unknown content coding with 415 and Accept-Encoding', async () => {
    ts = await startTestServer();
    const c = await RawClient.connect(ts.port);
    c.write(coded('x-unknown', Buffer.from('abc')));
    const [r] = await c.responses(1);
    expect(r!.status).toBe(415);
    expect(r!.header('accept-encoding')).toMatch(/gzip/);
  });
});

describe('response bodies', () => {
  it('streams /stream?chunks=5&size=3 chunked; node:http decodes the pattern', async () => {
    ts = await startTestServer();
    const r = await httpRequest(`${ts.url}/stream?chunks=5&size=3`);
    expect(r.status).toBe(200);
    expect(r.headers['transfer-encoding']).toBe('chunked');
    expect(r.headers['content-length']).toBeUndefined();
    expect(r.body.equals(patternBytes(0, 15))).toBe(true);
  });

  it('frames /stream as five 3-byte chunks on the wire', async () => {
    ts = await startTestServer();
    const c = await RawClient.connect(ts.port);
    c.write(get('/stream?chunks=5&size=3'));
    const [r] = await c.responses(1);
    expect(r!.chunked).toBe(true);
    expect(r!.chunkSizes).toEqual([3, 3, 3, 3, 3]);
    expect(r!.body.toString()).toBe(patternBytes(0, 15).toString());
  });

  it('sends trailers set with res.setTrailer; node:http sees them in res.trailers', async () => {
    ts = await startTestServer({
      handler: withExtras({
        '/trailers': async (_req, res) => {
          res.setHeader('content-type', 'application/octet-stream');
          res.setTrailer('x-checksum', 'abc123');
          await res.write('part one, ');
          res.setTrailer('x-count', '2');
          await res.end('part two');
        },
      }),
    });
    const r = await httpRequest(`${ts.url}/trailers`);
    expect(r.status).toBe(200);
    expect(r.body.toString()).toBe('part one, part two');
    expect(r.trailers['x-checksum']).toBe('abc123');
    expect(r.trailers['x-count']).toBe('2');
    const c = await RawClient.connect(ts.port);
    c.write(get('/trailers') + get('/hello'));
    const [raw, next] = await c.responses(2);
    expect(raw!.trailers).toEqual([['x-checksum', 'abc123'], ['x-count', '2']]);
    expect(next!.body.toString()).toBe('hello, world\n');
  });

  it('sends trailers even when end() is called with no data written', async () => {
    ts = await startTestServer({
      handler: async (_req, res) => {
        res.setTrailer('x-empty', 'yes');
        await res.end();
      },
    });
    const r = await httpRequest(`${ts.url}/`);
    expect(r.status).toBe(200);
    expect(r.body.length).toBe(0);
    expect(r.trailers['x-empty']).toBe('yes');
  });

  it('HEAD /hello: content-length 13, no body; a pipelined GET follows immediately', async () => {
    ts = await startTestServer();
    const c = await RawClient.connect(ts.port);
    c.write(`HEAD /hello HTTP/1.1\r\nHost: t\r\n\r\n` + get('/hello'));
    const [head, body] = await c.responses(2, { head: [true, false] });
    expect(head!.status).toBe(200);
    expect(head!.header('content-length')).toBe('13');
    expect(head!.body.length).toBe(0);
    // The GET's status line starts right after the HEAD response's blank line.
    expect(c.text.indexOf('HTTP/1.1', 1)).toBe(head!.rawHead.length);
    expect(body!.body.toString()).toBe('hello, world\n');
    await delay(30);
    expect(parseResponses(c.received, { head: [true, false] }).rest.length).toBe(0);
  });

  it('HEAD on a streamed route sends no chunks, and the next response is intact', async () => {
    ts = await startTestServer();
    const c = await RawClient.connect(ts.port);
    c.write(`HEAD /stream?chunks=2&size=5 HTTP/1.1\r\nHost: t\r\n\r\n` + get('/bytes/4'));
    const [head, next] = await c.responses(2, { head: [true, false] });
    expect(head!.status).toBe(200);
    expect(head!.body.length).toBe(0);
    expect(c.text.indexOf('HTTP/1.1', 1)).toBe(head!.rawHead.length);
    expect(next!.body.toString()).toBe('ABCD');
  });

  it('OPTIONS * answers 204 with Allow listing every method, and no content framing', async () => {
    ts = await startTestServer();
    const c = await RawClient.connect(ts.port);
    c.write('OPTIONS * HTTP/1.1\r\nHost: t\r\n\r\n' + get('/hello'));
    const [r, next] = await c.responses(2);
    expect(r!.status).toBe(204);
    expect(r!.header('allow')).toBe('GET, HEAD, POST, OPTIONS');
    expect(r!.header('content-length')).toBeUndefined();
    expect(r!.header('transfer-encoding')).toBeUndefined();
    expect(next!.status).toBe(200);
  });

  it('OPTIONS /hello answers 204 with the resource’s Allow', async () => {
    ts = await startTestServer();
    const r = await httpRequest(`${ts.url}/hello`, { method: 'OPTIONS' });
    expect(r.status).toBe(204);
    expect(r.headers.allow).toBe('GET, HEAD, OPTIONS');
    expect(r.body.length).toBe(0);
  });

  it('answers 404 for an unknown path and 405 with Allow for a wrong method', async () => {
    ts = await startTestServer();
    const nf = await httpRequest(`${ts.url}/nope`);
    expect(nf.status).toBe(404);
    expect(nf.body.toString()).toBe('not found\n');
    const na = await httpRequest(`${ts.url}/hello`, { method: 'DELETE' });
    expect(na.status).toBe(405);
    expect(na.headers.allow).toBe('GET, HEAD, OPTIONS');
    const echoGet = await httpRequest(`${ts.url}/echo`);
    expect(echoGet.status).toBe(405);
    expect(echoGet.headers.allow).toBe('POST, OPTIONS');
  });

  it('GET * is a 400 (asterisk-form is only for OPTIONS) and the connection closes', async () => {
    ts = await startTestServer();
    const c = await RawClient.connect(ts.port);
    c.write('GET * HTTP/1.1\r\nHost: t\r\n\r\n');
    await c.waitClosed(2000);
    expect(c.text).toMatch(/^HTTP\/1\.1 400 /);
    expect(c.text).toMatch(/\r\nconnection: close\r\n/);
  });

  // Parse errors are answered by Http1Connection.writeStandalone, whose reason texts contain '§'.
  it.each([
    ['GET * (asterisk-form with GET)', 'GET * HTTP/1.1\r\nHost: t\r\n\r\n'],
    ['HTTP/1.1 without Host', 'GET /hello HTTP/1.1\r\n\r\n'],
  ])('frames a parse-error response correctly: %s — Content-Length equals the UTF-8 body bytes', async (_name, request) => {
    ts = await startTestServer();
    const c = await RawClient.connect(ts.port);
    c.write(request);
    await c.waitClosed(2000);
    const raw = c.received;
    const headEnd = raw.indexOf('\r\n\r\n');
    const head = raw.subarray(0, headEnd).toString('latin1');
    expect(head).toMatch(/^HTTP\/1\.1 400 /);
    const declared = Number(/\r\ncontent-length: (\d+)/.exec(head)![1]);
    const body = raw.subarray(headEnd + 4);
    expect(body.length).toBe(declared);
    expect(body.toString('utf8')).toContain('§');
  });
});

describe('Expect: 100-continue', () => {
  it('sends 100 Continue before the body is sent, then the 200 echo', async () => {
    ts = await startTestServer();
    const c = await RawClient.connect(ts.port);
    c.write('POST /echo HTTP/1.1\r\nHost: t\r\nContent-Type: text/plain\r\nContent-Length: 11\r\nExpect: 100-continue\r\n\r\n');
    await c.waitFor((x) => x.text.includes('\r\n\r\n'), 2000, '100 Continue');
    expect(c.text).toBe('HTTP/1.1 100 Continue\r\n\r\n');
    await delay(50);
    expect(c.text).toBe('HTTP/1.1 100 Continue\r\n\r\n');
    c.write('hello world');
    const all = await c.responses(1, { includeInterim: true });
    expect(all.map((r) => r.status)).toEqual([100, 200]);
    expect(all[1]!.body.toString()).toBe('hello world');
    // Still usable.
    c.write(get('/hello'));
    const finals = await c.responses(2);
    expect(finals[1]!.body.toString()).toBe('hello, world\n');
  });

  it('answers 413 without 100 Continue when the declared body is over maxBodyBytes, and closes', async () => {
    ts = await startTestServer({ limits: { maxBodyBytes: 1000 } });
    const c = await RawClient.connect(ts.port);
    c.write('POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5000\r\nExpect: 100-continue\r\n\r\n');
    await c.waitClosed(2000);
    expect(c.text).not.toContain('100 Continue');
    const [r] = await c.responses(1);
    expect(r!.status).toBe(413);
    expect(r!.header('connection')).toBe('close');
  });

  it('does not send 100 Continue when the handler answers without reading, and closes after', async () => {
    ts = await startTestServer();
    const c = await RawClient.connect(ts.port);
    c.write('POST /hello HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\nExpect: 100-continue\r\n\r\n');
    await c.waitClosed(2000);
    expect(c.text).not.toContain('100 Continue');
    const [r] = await c.responses(1);
    expect(r!.status).toBe(405);
    expect(r!.header('connection')).toBe('close');
  });

  it('copes with a client that sends the body without waiting for 100 Continue', async () => {
    ts = await startTestServer();
    const c = await RawClient.connect(ts.port);
    c.write('POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\nbody' + get('/hello'));
    const all = await c.responses(2, { includeInterim: true });
    const finals = all.filter((r) => r.status >= 200);
    expect(finals.map((r) => r.status)).toEqual([200, 200]);
    expect(finals[0]!.body.toString()).toBe('body');
    expect(finals[1]!.body.toString()).toBe('hello, world\n');
    // At most one interim response, and only before the first final one.
    const interim = all.findIndex((r) => r.status === 100);
    expect(interim === -1 || interim === 0).toBe(true);
  });

  it('curl -H "Expect: 100-continue" --data-binary @file round-trips through /echo', async () => {
    ts = await startTestServer();
    const dir = await mkdtemp(path.join(os.tmpdir(), 'aeronet-curl-'));
    tempDirs.push(dir);
    const input = path.join(dir, 'in.bin');
    const output = path.join(dir, 'out.bin');
    const data = randomBytes(300_000);
    await writeFile(input, data);
    const { stdout, stderr } = await new Promise<{ stdout: string; stderr: string }>((resolve, reject) => {
      execFile(
        '/usr/bin/curl',
        ['-sS', '-v', '--expect100-timeout', '10', '-H', 'Expect: 100-continue', '-H', 'Content-Type: application/octet-stream', '--data-binary', `@${input}`, '-o', output, '-w', '%{http_code}', `${ts!.url}/echo`],
        { timeout: 10_000 },
        (err, out, errOut) => (err ? reject(Object.assign(err, { stderr: errOut })) : resolve({ stdout: out, stderr: errOut })),
      );
    });
    expect(stdout).toBe('200');
    expect(stderr).toMatch(/< HTTP\/1\.1 100 Continue/);
    const echoed = await readFile(output);
    expect(echoed.length).toBe(data.length);
    expect(echoed.equals(data)).toBe(true);
  });
});

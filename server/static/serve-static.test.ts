import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Router } from '../core/router.js';
import { FakeClock, fakeExchange, type FakeExchange } from '../core/test-support/fake-exchange.js';
import { HttpError, type Handler } from '../core/types.js';
import { serveStatic } from './serve-static.js';
import type { ServeStaticOptions } from './static-options.js';
import { fdsOpenOn, tempTree, type TempTree } from './test-support/temp-tree.js';
import { parseMultipartByteranges } from './test-support/parse-multipart.js';

let tree: TempTree;
const BIG = Buffer.alloc(1024 * 1024, 0);
for (let i = 0; i < BIG.length; i++) BIG[i] = (i * 7) & 0xff;
let bigPath: string;
const JS = 'export const x = 1;\n'.repeat(200);

beforeAll(() => {
  tree = tempTree();
  tree.file('a.txt', 'hello, file\n');
  tree.file('index.html', '<h1>root</h1>\n');
  tree.file('sub/index.html', '<h1>sub</h1>\n');
  tree.file('empty-dir/.keep', '');
  tree.file('sp ace.txt', 'space\n');
  tree.file('café.txt', 'accent\n');
  tree.file('%2e%2e/secret.txt', 'a folder literally named %2e%2e\n');
  tree.file('.env', 'SECRET=1\n');
  tree.file('.git/config', '[core]\n');
  tree.file('data.json', '{"a":1}');
  tree.file('pic.png', Buffer.from([0x89, 0x50, 0x4e, 0x47]));
  tree.file('blob.unknownext', 'x');
  tree.file('Makefile', 'all:\n');
  tree.file('model.glb', 'glTF');
  tree.file('app.js', JS);
  tree.file('app.js.br', Buffer.from('BROTLI-BYTES-of-app.js'));
  tree.file('app.js.gz', Buffer.from('GZIP-BYTES-of-app.js'));
  tree.file('only-gz.css', 'body{}'.repeat(300));
  tree.file('only-gz.css.gz', Buffer.from('GZIP-css'));
  tree.file('zero.bin', '');
  bigPath = tree.file('big.bin', BIG);
  tree.symlink('link-in.txt', 'a.txt');
  tree.symlink('link-out.txt', path.join(tree.outside, 'secret.txt'));
  tree.symlink('link-dir', tree.outside);
  tree.symlink('public-alias', '.env');
  tree.symlink('link-root-escape', '..');
  execFileSync('mkfifo', [path.join(tree.root, 'fifo')]);
});

afterAll(() => tree?.cleanup());

async function get(handler: Handler, target: string, headers: Record<string, string> = {}, method = 'GET'): Promise<FakeExchange> {
  const ex = fakeExchange({ method, target, headers, clock: new FakeClock(Date.now()) });
  await handler(ex.req, ex.res);
  return ex;
}

function routed(options?: ServeStaticOptions): Handler {
  return new Router().get('/static/*', serveStatic(tree.root, options)).handle;
}

describe('serveStatic: construction', () => {
  it.each<[unknown, unknown, RegExp]>([
    ['/definitely/not/here', undefined, /root "\/definitely\/not\/here" does not exist/],
    [123, undefined, /root must be a directory path/],
    ['', undefined, /root must be a directory path/],
    [null, { prefix: 'static/' }, /prefix must be a path that starts and ends with "\/"/],
    [null, { prefix: '/static' }, /prefix must be a path that starts and ends with "\/"/],
    [null, { index: 'a/b.html' }, /index must be a file name/],
    [null, { index: '' }, /index must be a file name/],
    [null, { dotfiles: 'deny' }, /dotfiles must be "ignore" or "allow"/],
    [null, { followSymlinks: 'yes' }, /followSymlinks must be a boolean/],
    [null, { etag: 1 }, /etag must be a boolean/],
    [null, { cacheControl: 'max-age=1\r\nx: y' }, /CR, LF/],
    [null, { cacheControl: '' }, /cacheControl must be a non-empty string or false/],
    [null, { precompressed: ['zstd'] }, /precompressed must be a boolean or a list of "br" and "gzip"/],
    [null, { precompressed: ['br', 'br'] }, /each once/],
    [null, { contentTypes: { glb: 'not a type' } }, /must be a media type/],
    [null, { contentTypes: { 'a/b': 'text/plain' } }, /is not a file extension/],
    [null, { maxRanges: 0 }, /maxRanges must be an integer from 1 to 1000/],
    [null, { coalesceGap: -1 }, /coalesceGap must be an integer/],
    [null, { chunkSize: 10 }, /chunkSize must be an integer from 1024/],
    [null, { dotFiles: 'allow' }, /unknown option "dotFiles"/],
    [null, 'fast', /options must be an object/],
  ])('serveStatic(%j, %j) throws', (root, options, message) => {
    expect(() => serveStatic((root ?? tree.root) as string, options as ServeStaticOptions)).toThrow(message);
  });

  it('a root that is a file is not a directory', () => {
    expect(() => serveStatic(path.join(tree.root, 'a.txt'))).toThrow(/is not a directory/);
  });
});

describe('serveStatic: path safety, through the Router', () => {
  const handler = () => routed();
  it.each<[string, number]>([
    ['/static/a.txt', 200],
    ['/static/a.txt?x=1', 200],
    ['/static/sp%20ace.txt', 200],
    ['/static/caf%C3%A9.txt', 200],
    ['/static/link-in.txt', 200],
    ['/static/../a.txt', 404],
    ['/static/%2e%2e/a.txt', 404],
    ['/static/%2E%2E/%2E%2E/outside/secret.txt', 404],
    ['/static/..%2fa.txt', 404],
    ['/static/..%2F..%2Foutside%2Fsecret.txt', 404],
    ['/static/..%5c..%5coutside%5csecret.txt', 404],
    ['/static/..\\..\\outside\\secret.txt', 404],
    ['/static/a.txt%00', 404],
    ['/static/a.txt%00.html', 404],
    ['/static/a.txt\u0000', 404],
    ['/static//etc/passwd', 404],
    ['/static/%2fetc%2fpasswd', 404],
    ['/static/.env', 404],
    ['/static/%2eenv', 404],
    ['/static/.git/config', 404],
    ['/static/public-alias', 404], // a symlink inside the root to a dotfile
    ['/static/link-out.txt', 404], // a symlink out of the root
    ['/static/link-dir/secret.txt', 404], // through a symlinked folder out of the root
    ['/static/link-root-escape/outside/secret.txt', 404],
    ['/static/a.txt/', 404],
    ['/static/nope.txt', 404],
    ['/static/fifo', 404], // opened without blocking, refused as not a regular file
    ['/static/empty-dir/', 404], // no index, and no listing
    ['/static/empty-dir', 404],
  ])('%j → %d', async (target, status) => {
    const ex = await get(handler(), target);
    expect(ex.res.statusCode).toBe(status);
    if (status === 404) expect(ex.res.text).toBe('not found\n');
  });

  it('decodes once: %252e%252e names the folder literally called "%2e%2e"', async () => {
    const ex = await get(handler(), '/static/%252e%252e/secret.txt');
    expect(ex.res.statusCode).toBe(200);
    expect(ex.res.text).toBe('a folder literally named %2e%2e\n');
  });

  it('malformed percent-encoding is a 400 (from the Router, which decodes the wildcard first)', async () => {
    const ex = fakeExchange({ target: '/static/%zz' });
    await expect(Promise.resolve().then(() => handler()(ex.req, ex.res))).rejects.toSatisfy((e) => e instanceof HttpError && e.status === 400);
  });

  it('malformed percent-encoding is a 400 when mounted directly, too', async () => {
    for (const target of ['/static/%zz', '/static/%e2%82']) {
      const ex = await get(serveStatic(tree.root, { prefix: '/static/' }), target);
      expect(ex.res.statusCode).toBe(400);
    }
  });

  it('followSymlinks: true serves a symlink out of the root', async () => {
    const ex = await get(routed({ followSymlinks: true }), '/static/link-out.txt');
    expect(ex.res.statusCode).toBe(200);
    expect(ex.res.text).toBe('outside the root\n');
  });

  it("dotfiles: 'allow' serves them, never '..'", async () => {
    const h = routed({ dotfiles: 'allow' });
    expect((await get(h, '/static/.env')).res.text).toBe('SECRET=1\n');
    expect((await get(h, '/static/public-alias')).res.statusCode).toBe(200);
    expect((await get(h, '/static/%2e%2e/%2e%2e/outside/secret.txt')).res.statusCode).toBe(404);
  });

  it('a directory: its index for dir/, a redirect for dir, 404 with index: false', async () => {
    expect((await get(handler(), '/static/')).res.text).toBe('<h1>root</h1>\n');
    expect((await get(handler(), '/static/sub/')).res.text).toBe('<h1>sub</h1>\n');
    const moved = await get(handler(), '/static/sub?q=1');
    expect(moved.res.statusCode).toBe(301);
    expect(moved.res.headers['location']).toBe('/static/sub/?q=1');
    expect((await get(routed({ index: false }), '/static/sub/')).res.statusCode).toBe(404);
  });

  it('prefix, wildcard, or the whole path', async () => {
    const direct = serveStatic(tree.root);
    expect((await get(direct, '/a.txt')).res.text).toBe('hello, file\n');
    const prefixed = serveStatic(tree.root, { prefix: '/assets/' });
    expect((await get(prefixed, '/assets/a.txt')).res.text).toBe('hello, file\n');
    expect((await get(prefixed, '/other/a.txt')).res.statusCode).toBe(404);
    const deep = new Router().get('/v/:version/*', serveStatic(tree.root)).handle;
    expect((await get(deep, '/v/3/sub/index.html')).res.text).toBe('<h1>sub</h1>\n');
  });

  it('only GET and HEAD: mounted directly, anything else is a 405 with Allow', async () => {
    const ex = await get(serveStatic(tree.root), '/a.txt', {}, 'POST');
    expect(ex.res.statusCode).toBe(405);
    expect(ex.res.headers['allow']).toBe('GET, HEAD');
    const viaRouter = await get(routed(), '/static/a.txt', {}, 'DELETE');
    expect(viaRouter.res.statusCode).toBe(405);
    expect(viaRouter.res.headers['allow']).toBe('GET, HEAD, OPTIONS');
  });
});

describe('serveStatic: the response', () => {
  it('fields of a file: type, length, validators, caching, nosniff, ranges', async () => {
    const ex = await get(routed(), '/static/a.txt');
    const stat = fs.statSync(path.join(tree.root, 'a.txt'), { bigint: true });
    expect(ex.res.statusCode).toBe(200);
    expect(ex.res.text).toBe('hello, file\n');
    expect(ex.res.headers).toMatchObject({
      'content-type': 'text/plain; charset=utf-8',
      'content-length': '12',
      'accept-ranges': 'bytes',
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
      vary: 'accept-encoding',
      etag: `"${stat.ino.toString(16)}-${stat.size.toString(16)}-${stat.mtimeNs.toString(16)}"`,
      'last-modified': new Date(Number(stat.mtimeMs)).toUTCString(),
    });
  });

  it.each([
    ['/static/index.html', 'text/html; charset=utf-8'],
    ['/static/app.js', 'text/javascript; charset=utf-8'],
    ['/static/data.json', 'application/json'],
    ['/static/pic.png', 'image/png'],
    ['/static/blob.unknownext', 'application/octet-stream'],
    ['/static/Makefile', 'application/octet-stream'],
    ['/static/model.glb', 'application/octet-stream'],
  ])('%s is %s', async (target, type) => {
    expect((await get(routed(), target)).res.headers['content-type']).toBe(type);
  });

  it('contentTypes extends the table; a text type gets charset=utf-8', async () => {
    const h = routed({ contentTypes: { glb: 'model/gltf-binary', unknownext: 'text/x-thing' } });
    expect((await get(h, '/static/model.glb')).res.headers['content-type']).toBe('model/gltf-binary');
    expect((await get(h, '/static/blob.unknownext')).res.headers['content-type']).toBe('text/x-thing; charset=utf-8');
  });

  it('keeps a Vary an earlier handler set, adding accept-encoding once', async () => {
    const h = new Router().get('/static/*', (_req, res) => void res.setHeader('vary', 'origin'), serveStatic(tree.root)).handle;
    const ex = await get(h, '/static/only-gz.css', { 'accept-encoding': 'gzip' });
    expect(ex.res.headers['vary']).toBe('origin, accept-encoding');
  });

  it('options turn validators and caching off', async () => {
    const ex = await get(routed({ etag: false, lastModified: false, cacheControl: false, precompressed: false }), '/static/pic.png');
    expect(ex.res.headers['etag']).toBeUndefined();
    expect(ex.res.headers['last-modified']).toBeUndefined();
    expect(ex.res.headers['cache-control']).toBeUndefined();
    expect(ex.res.headers['vary']).toBeUndefined();
  });

  it('an empty file is a 200 with Content-Length 0; any range of it is unsatisfiable', async () => {
    const ex = await get(routed(), '/static/zero.bin');
    expect(ex.res.statusCode).toBe(200);
    expect(ex.res.body.length).toBe(0);
    const ranged = await get(routed(), '/static/zero.bin', { range: 'bytes=0-' });
    expect(ranged.res.statusCode).toBe(416);
    expect(ranged.res.headers['content-range']).toBe('bytes */0');
  });

  it('ranges and conditionals on a file', async () => {
    const one = await get(routed(), '/static/big.bin', { range: 'bytes=1000-1999' });
    expect(one.res.statusCode).toBe(206);
    expect(one.res.headers['content-range']).toBe(`bytes 1000-1999/${BIG.length}`);
    expect(one.res.body.equals(BIG.subarray(1000, 2000))).toBe(true);

    const many = await get(routed(), '/static/big.bin', { range: 'bytes=0-9,500000-500099,-10' });
    expect(many.res.statusCode).toBe(206);
    const parts = parseMultipartByteranges(many.res.body, many.res.headers['content-type']);
    expect(parts.map((p) => [p.start, p.end])).toEqual([[0, 9], [500000, 500099], [BIG.length - 10, BIG.length - 1]]);
    for (const p of parts) {
      expect(p.body.equals(BIG.subarray(p.start, p.end + 1))).toBe(true);
      expect(p.headers['content-type']).toBe('application/octet-stream');
    }
    expect(Number(many.res.headers['content-length'])).toBe(many.res.body.length);

    const etag = one.res.headers['etag']!;
    expect((await get(routed(), '/static/big.bin', { 'if-none-match': etag })).res.statusCode).toBe(304);
    expect((await get(routed(), '/static/big.bin', { 'if-match': '"other"' })).res.statusCode).toBe(412);
    const stale = await get(routed(), '/static/big.bin', { range: 'bytes=0-9', 'if-range': '"other"' });
    expect(stale.res.statusCode).toBe(200);
    expect(stale.res.body.length).toBe(BIG.length);
    expect((await get(routed(), '/static/big.bin', { range: `bytes=${BIG.length}-` })).res.statusCode).toBe(416);
  });
});

describe('serveStatic: precompressed siblings', () => {
  it('serves the best sibling the client accepts, with its own ETag and Content-Encoding', async () => {
    const br = await get(routed(), '/static/app.js', { 'accept-encoding': 'gzip, br' });
    expect(br.res.text).toBe('BROTLI-BYTES-of-app.js');
    expect(br.res.headers).toMatchObject({ 'content-encoding': 'br', 'content-type': 'text/javascript; charset=utf-8', vary: 'accept-encoding', 'content-length': '22' });
    const gz = await get(routed(), '/static/app.js', { 'accept-encoding': 'br;q=0, gzip' });
    expect(gz.res.text).toBe('GZIP-BYTES-of-app.js');
    expect(gz.res.headers['content-encoding']).toBe('gzip');
    const plain = await get(routed(), '/static/app.js');
    expect(plain.res.text).toBe(JS);
    expect(plain.res.headers['content-encoding']).toBeUndefined();
    expect(plain.res.headers['vary']).toBe('accept-encoding');
    const tags = [br, gz, plain].map((x) => x.res.headers['etag']);
    expect(new Set(tags).size).toBe(3);
    expect(tags[0]).toMatch(/-br"$/);
    expect(tags[1]).toMatch(/-gzip"$/);
  });

  it('falls back to the next acceptable sibling, then to the file itself', async () => {
    const gz = await get(routed(), '/static/only-gz.css', { 'accept-encoding': 'br, gzip' });
    expect(gz.res.text).toBe('GZIP-css');
    expect(gz.res.headers['content-encoding']).toBe('gzip');
    const identity = await get(routed(), '/static/only-gz.css', { 'accept-encoding': 'br' });
    expect(identity.res.headers['content-encoding']).toBeUndefined();
    expect(identity.res.text).toBe('body{}'.repeat(300));
    const off = await get(routed({ precompressed: false }), '/static/app.js', { 'accept-encoding': 'br' });
    expect(off.res.headers['content-encoding']).toBeUndefined();
  });

  it('ranges apply to the sibling (the selected representation); several ranges of it are served whole', async () => {
    const one = await get(routed(), '/static/app.js', { 'accept-encoding': 'br', range: 'bytes=0-5' });
    expect(one.res.statusCode).toBe(206);
    expect(one.res.text).toBe('BROTLI');
    expect(one.res.headers['content-range']).toBe('bytes 0-5/22');
    expect(one.res.headers['content-encoding']).toBe('br');
    // (0-1 and 20-21 would be coalesced into one range with the default 80-octet gap.)
    const two = await get(routed({ coalesceGap: 0 }), '/static/app.js', { 'accept-encoding': 'br', range: 'bytes=0-1,20-21' });
    expect(two.res.statusCode).toBe(200);
    expect(two.res.text).toBe('BROTLI-BYTES-of-app.js');
  });

  it('a compressible identity file the server might compress on the fly gets a weak ETag for coding clients', async () => {
    const h = routed({ precompressed: false });
    const strong = await get(h, '/static/only-gz.css');
    const weak = await get(h, '/static/only-gz.css', { 'accept-encoding': 'gzip' });
    expect(strong.res.headers['etag']).toMatch(/^"/);
    expect(weak.res.headers['etag']).toBe(`W/${strong.res.headers['etag']}`);
    expect(weak.res.headers['vary']).toBe('accept-encoding');
    // A revalidation with the weak tag still works (weak comparison); an If-Range with it does not.
    expect((await get(h, '/static/only-gz.css', { 'accept-encoding': 'gzip', 'if-none-match': weak.res.headers['etag']! })).res.statusCode).toBe(304);
    expect((await get(h, '/static/only-gz.css', { 'accept-encoding': 'gzip', range: 'bytes=0-1', 'if-range': weak.res.headers['etag']! })).res.statusCode).toBe(200);
    // Not compressible, or the server does not compress: the strong tag stays.
    expect((await get(h, '/static/pic.png', { 'accept-encoding': 'gzip' })).res.headers['etag']).toMatch(/^"/);
    expect((await get(routed({ precompressed: false, onTheFlyCompression: false }), '/static/only-gz.css', { 'accept-encoding': 'gzip' })).res.headers['etag']).toBe(strong.res.headers['etag']);
  });
});

describe('serveStatic: descriptors', () => {
  it('closes the file after a whole response, a range, a 304 and a HEAD', async () => {
    const h = routed();
    await get(h, '/static/big.bin');
    await get(h, '/static/big.bin', { range: 'bytes=0-0,-1' });
    const etag = (await get(h, '/static/big.bin', { range: 'bytes=0-0' })).res.headers['etag']!;
    await get(h, '/static/big.bin', { 'if-none-match': etag });
    await get(h, '/static/big.bin', {}, 'HEAD');
    expect(fdsOpenOn(bigPath)).toBe(0);
  });

  it('a peer that goes away mid-file stops the reads and closes the file', async () => {
    const ex = fakeExchange({ target: '/static/big.bin', clock: new FakeClock(Date.now()) });
    let writes = 0;
    let openDuring = -1;
    const sink = ex.res.recorded;
    const write = sink.writeBody.bind(sink);
    sink.writeBody = (chunk) => {
      writes++;
      if (writes === 3) {
        openDuring = fdsOpenOn(bigPath);
        ex.abort(new Error('peer gone'));
      }
      return write(chunk);
    };
    await routed({ chunkSize: 64 * 1024 })(ex.req, ex.res);
    expect(openDuring).toBe(1);
    expect(writes).toBe(3); // nothing read or written after the abort
    expect(fdsOpenOn(bigPath)).toBe(0);
  });

  it('a response torn down under the handler (its next write throws) still closes the file', async () => {
    const ex = fakeExchange({ target: '/static/big.bin', clock: new FakeClock(Date.now()) });
    let writes = 0;
    const sink = ex.res.recorded;
    const write = sink.writeBody.bind(sink);
    sink.writeBody = (chunk) => {
      if (++writes === 2) ex.res.fail(new Error('connection closed'));
      return write(chunk);
    };
    await expect(routed()(ex.req, ex.res)).rejects.toThrow(/response already finished/);
    expect(fdsOpenOn(bigPath)).toBe(0);
  });
});

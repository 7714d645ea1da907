import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Router } from './router.js';
import { startTestServer, type TestServer } from '../test-support/test-server.js';
import { destroyAllClients, httpRequest, RawClient } from '../test-support/socket-client.js';

/**
 * Content coding over real sockets: response compression negotiated from Accept-Encoding
 * (buffered and streamed, HEAD, exclusions), and request decompression with its limits.
 */

const gzip = promisify(zlib.gzip);
const gunzip = promisify(zlib.gunzip);
const brotliDecompress = promisify(zlib.brotliDecompress);
const inflate = promisify(zlib.inflate);

/** 10 KB of text that compresses well but not trivially. */
const TEXT = Array.from({ length: 400 }, (_, i) => `line ${String(i).padStart(4, '0')}: the quick brown fox\n`).join('').slice(0, 10 * 1024);
const SMALL = TEXT.slice(0, 500);
const STREAM_PARTS = Array.from({ length: 5 }, (_, k) => TEXT.slice(k * 2048, (k + 1) * 2048));
let PRE_ENCODED: Buffer;

let ts: TestServer;

beforeAll(async () => {
  PRE_ENCODED = await gzip(Buffer.from(TEXT));
  const router = new Router();
  router.get('/text', (_req, res) => res.setHeader('content-type', 'text/plain; charset=utf-8').send(TEXT));
  router.get('/small', (_req, res) => res.setHeader('content-type', 'text/plain; charset=utf-8').send(SMALL));
  router.get('/pre-encoded', (_req, res) => res.setHeader('content-type', 'text/plain').setHeader('content-encoding', 'gzip').send(PRE_ENCODED));
  router.get('/png', (_req, res) => res.setHeader('content-type', 'image/png').send(Buffer.from(TEXT)));
  router.get('/vary', (_req, res) => res.setHeader('content-type', 'text/plain').setHeader('vary', 'origin').send(TEXT));
  router.get('/stream', async (_req, res) => {
    res.setHeader('content-type', 'text/plain; charset=utf-8');
    for (const part of STREAM_PARTS) await res.write(part);
    await res.end();
  });
  router.get('/stream-with-length', async (_req, res) => {
    res.setHeader('content-type', 'text/plain; charset=utf-8');
    res.setHeader('content-length', STREAM_PARTS.join('').length);
    for (const part of STREAM_PARTS) await res.write(part);
    await res.end();
  });
  router.post('/echo', async (req, res) => {
    const body = await req.body.buffer();
    res.setHeader('content-type', 'application/octet-stream');
    await res.send(body);
  });
  ts = await startTestServer({ handler: router.handle, maxDecompressedBodyBytes: 1024 * 1024 });
});

afterAll(async () => {
  await ts.close();
});

afterEach(() => {
  destroyAllClients();
});

const url = (path: string) => `${ts.url}${path}`;

describe('response compression', () => {
  it('Accept-Encoding: gzip -> content-encoding gzip, vary accept-encoding, body gunzips to the original', async () => {
    const res = await httpRequest(url('/text'), { headers: { 'accept-encoding': 'gzip' } });
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.headers['vary']).toBe('accept-encoding');
    expect(Number(res.headers['content-length'])).toBe(res.body.length);
    expect(res.body.length).toBeLessThan(TEXT.length / 2);
    expect((await gunzip(res.body)).toString()).toBe(TEXT);
  });

  it('br is chosen for "br;q=1, gzip;q=0.5" and decodes', async () => {
    const res = await httpRequest(url('/text'), { headers: { 'accept-encoding': 'br;q=1, gzip;q=0.5' } });
    expect(res.headers['content-encoding']).toBe('br');
    expect(res.headers['vary']).toBe('accept-encoding');
    expect((await brotliDecompress(res.body)).toString()).toBe(TEXT);
  });

  it('gzip is chosen for "gzip;q=1, br;q=0.5"', async () => {
    const res = await httpRequest(url('/text'), { headers: { 'accept-encoding': 'gzip;q=1, br;q=0.5' } });
    expect(res.headers['content-encoding']).toBe('gzip');
    expect((await gunzip(res.body)).toString()).toBe(TEXT);
  });

  it('deflate is the zlib format (RFC 9110 §8.4.1.2)', async () => {
    const res = await httpRequest(url('/text'), { headers: { 'accept-encoding': 'deflate' } });
    expect(res.headers['content-encoding']).toBe('deflate');
    expect((await inflate(res.body)).toString()).toBe(TEXT);
  });

  it('Accept-Encoding: identity -> no content-encoding, but still vary: accept-encoding', async () => {
    const res = await httpRequest(url('/text'), { headers: { 'accept-encoding': 'identity' } });
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.headers['vary']).toBe('accept-encoding');
    expect(res.body.toString()).toBe(TEXT);
  });

  it('no Accept-Encoding -> no content-encoding, but still vary: accept-encoding', async () => {
    const res = await httpRequest(url('/text'));
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.headers['vary']).toBe('accept-encoding');
    expect(res.headers['content-length']).toBe(String(TEXT.length));
    expect(res.body.toString()).toBe(TEXT);
  });

  it('gzip refused with q=0 -> not gzip', async () => {
    const res = await httpRequest(url('/text'), { headers: { 'accept-encoding': 'gzip;q=0' } });
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.body.toString()).toBe(TEXT);
  });

  it('a body below the 1024-byte threshold is not compressed (and does not vary)', async () => {
    const res = await httpRequest(url('/small'), { headers: { 'accept-encoding': 'gzip, br' } });
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.headers['vary']).toBeUndefined();
    expect(res.body.toString()).toBe(SMALL);
  });

  it('a content-encoding set by the handler is left untouched', async () => {
    const res = await httpRequest(url('/pre-encoded'), { headers: { 'accept-encoding': 'br, gzip' } });
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.body.equals(PRE_ENCODED)).toBe(true);
    expect((await gunzip(res.body)).toString()).toBe(TEXT);
  });

  it('image/png is not compressed', async () => {
    const res = await httpRequest(url('/png'), { headers: { 'accept-encoding': 'gzip, br' } });
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.headers['vary']).toBeUndefined();
    expect(res.body.toString()).toBe(TEXT);
  });

  it('an existing Vary keeps its value and gains accept-encoding', async () => {
    const res = await httpRequest(url('/vary'), { headers: { 'accept-encoding': 'gzip' } });
    expect(res.headers['content-encoding']).toBe('gzip');
    const vary = String(res.headers['vary']).split(',').map((v) => v.trim().toLowerCase());
    expect(vary).toEqual(expect.arrayContaining(['origin', 'accept-encoding']));
  });

  it('a streamed response (several writes) is compressed with gzip, chunked, and decodes', async () => {
    const client = await RawClient.connect(ts.port);
    client.write('GET /stream HTTP/1.1\r\nHost: t\r\nAccept-Encoding: gzip\r\n\r\n');
    const [res] = await client.responses(1);
    expect(res!.status).toBe(200);
    expect(res!.header('content-encoding')).toBe('gzip');
    expect(res!.header('vary')).toBe('accept-encoding');
    expect(res!.header('transfer-encoding')).toBe('chunked');
    expect(res!.header('content-length')).toBeUndefined();
    expect((await gunzip(res!.body)).toString()).toBe(STREAM_PARTS.join(''));
    client.destroy();
  });

  it('a streamed response with a declared Content-Length is compressed and re-framed as chunked', async () => {
    const client = await RawClient.connect(ts.port);
    client.write('GET /stream-with-length HTTP/1.1\r\nHost: t\r\nAccept-Encoding: gzip\r\n\r\n');
    const [res] = await client.responses(1);
    expect(res!.header('content-encoding')).toBe('gzip');
    expect(res!.header('content-length')).toBeUndefined();
    expect(res!.chunked).toBe(true);
    expect((await gunzip(res!.body)).toString()).toBe(STREAM_PARTS.join(''));
    client.destroy();
  });

  it('a streamed response without Accept-Encoding is sent as is', async () => {
    const res = await httpRequest(url('/stream'));
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.headers['vary']).toBe('accept-encoding');
    expect(res.body.toString()).toBe(STREAM_PARTS.join(''));
  });

  for (const coding of ['gzip', 'br', 'identity']) {
    it(`HEAD reports the same content-encoding and content-length as GET (${coding})`, async () => {
      const headers = { 'accept-encoding': coding };
      const get = await httpRequest(url('/text'), { headers });
      const head = await httpRequest(url('/text'), { method: 'HEAD', headers });
      expect(head.status).toBe(200);
      expect(head.body.length).toBe(0);
      expect(head.headers['content-encoding']).toBe(get.headers['content-encoding']);
      expect(head.headers['content-length']).toBe(get.headers['content-length']);
      expect(head.headers['content-length']).toBe(String(get.body.length));
      expect(head.headers['vary']).toBe(get.headers['vary']);
    });
  }

  it('HEAD on a pipelined connection: no body bytes, the next response parses', async () => {
    const client = await RawClient.connect(ts.port);
    client.write('HEAD /text HTTP/1.1\r\nHost: t\r\nAccept-Encoding: gzip\r\n\r\nGET /small HTTP/1.1\r\nHost: t\r\n\r\n');
    const responses = await client.responses(2, { head: [true, false] });
    expect(responses[0]!.header('content-encoding')).toBe('gzip');
    expect(responses[1]!.body.toString()).toBe(SMALL);
    client.destroy();
  });

  it('curl --compressed gets the original body', async () => {
    // Headers then body on stdout (-D -): (--dump-header /dev/stderr crashes this curl build).
    const out = await new Promise<Buffer>((resolve, reject) => {
      execFile('/usr/bin/curl', ['--silent', '--show-error', '--compressed', '-D', '-', url('/text')], { encoding: 'buffer', timeout: 10_000 }, (err, stdout) =>
        err ? reject(err) : resolve(stdout),
      );
    });
    const split = out.indexOf('\r\n\r\n');
    expect(split).toBeGreaterThan(0);
    const headers = out.subarray(0, split).toString('latin1');
    const stdout = out.subarray(split + 4);
    expect(stdout.toString()).toBe(TEXT);
    const encoding = /^content-encoding:\s*(\S+)/im.exec(headers)?.[1];
    expect(['br', 'gzip', 'deflate']).toContain(encoding);
  });
});

describe('request decompression', () => {
  it('POST /echo with Content-Encoding: gzip is echoed decoded', async () => {
    const body = await gzip(Buffer.from(TEXT));
    const res = await httpRequest(url('/echo'), { method: 'POST', headers: { 'content-encoding': 'gzip', 'content-length': body.length }, body });
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe(TEXT);
  });

  it('x-gzip and stacked "deflate, gzip" codings decode', async () => {
    const once = await gzip(Buffer.from(TEXT));
    const res1 = await httpRequest(url('/echo'), { method: 'POST', headers: { 'content-encoding': 'x-gzip', 'content-length': once.length }, body: once });
    expect(res1.body.toString()).toBe(TEXT);
    const twice = await gzip(zlib.deflateSync(Buffer.from(TEXT)));
    const res2 = await httpRequest(url('/echo'), { method: 'POST', headers: { 'content-encoding': 'deflate, gzip', 'content-length': twice.length }, body: twice });
    expect(res2.body.toString()).toBe(TEXT);
  });

  it('a gzip bomb (64 MiB of zeros) past maxDecompressedBodyBytes (1 MiB) -> 413, and the server survives', async () => {
    const bomb = await gzip(Buffer.alloc(64 * 1024 * 1024), { level: 9 });
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const client = await RawClient.connect(ts.port);
    client.write(Buffer.concat([Buffer.from(`POST /echo HTTP/1.1\r\nHost: t\r\nContent-Encoding: gzip\r\nContent-Length: ${bomb.length}\r\n\r\n`, 'latin1'), bomb]));
    const [res] = await client.responses(1);
    expect(res!.status).toBe(413);
    expect(res!.body.toString()).toMatch(/exceeds/);
    // That decoding stops after about the limit's worth of output is asserted on the decoder
    // itself (content-coding.test.ts); a wall-clock bound here could not tell the difference.
    client.destroy();
    const after = await httpRequest(url('/text'));
    expect(after.status).toBe(200);
    expect(after.body.toString()).toBe(TEXT);
  });

  it('Content-Encoding: zstd -> 415 with accept-encoding listing what is accepted', async () => {
    const res = await httpRequest(url('/echo'), { method: 'POST', headers: { 'content-encoding': 'zstd', 'content-length': 5 }, body: 'hello' });
    expect(res.status).toBe(415);
    const accepted = String(res.headers['accept-encoding']).split(',').map((c) => c.trim());
    expect(accepted).toEqual(expect.arrayContaining(['gzip', 'br', 'deflate']));
    expect(accepted).not.toContain('zstd');
    expect(res.body.toString()).toMatch(/zstd/);
  });

  it('corrupt gzip -> 400', async () => {
    const good = await gzip(Buffer.from(TEXT));
    const corrupt = Buffer.from(good);
    for (let i = 20; i < 60; i++) corrupt[i] = corrupt[i]! ^ 0x5a;
    const res = await httpRequest(url('/echo'), { method: 'POST', headers: { 'content-encoding': 'gzip', 'content-length': corrupt.length }, body: corrupt });
    expect(res.status).toBe(400);
    expect(res.body.toString()).toMatch(/gzip/);
  });

  it('not gzip at all under Content-Encoding: gzip -> 400', async () => {
    const res = await httpRequest(url('/echo'), { method: 'POST', headers: { 'content-encoding': 'gzip', 'content-length': 9 }, body: 'not gzip!' });
    expect(res.status).toBe(400);
  });

  it('truncated gzip -> 400', async () => {
    const good = await gzip(Buffer.from(TEXT));
    const cut = good.subarray(0, good.length - 12);
    const res = await httpRequest(url('/echo'), { method: 'POST', headers: { 'content-encoding': 'gzip', 'content-length': cut.length }, body: cut });
    expect(res.status).toBe(400);
  });
});

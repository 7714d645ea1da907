import http from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Router } from '../core/router.js';
import { HttpError } from '../core/types.js';
import { startTestServer, type TestServer } from '../test-support/test-server.js';
import { RawClient, delay, destroyAllClients, httpRequest } from '../test-support/socket-client.js';

let ts: TestServer;
const processProblems: unknown[] = [];
const onProblem = (err: unknown): void => {
  processProblems.push(err);
};

function errorRouter(): Router {
  const r = new Router();
  r.get('/ok', (_req, res) => res.send('ok\n'));
  r.get('/sync-throw', () => {
    throw new Error('boom (sync)');
  });
  r.get('/async-reject', async () => {
    await delay(5);
    throw new Error('boom (async)');
  });
  r.get('/reject-promise', () => Promise.reject(new Error('plain rejected promise')));
  r.get('/throw-string', () => {
    throw 'not an Error';
  });
  r.get('/teapot', () => {
    throw new HttpError(418, 'short and stout');
  });
  r.get('/unauthorized', () => {
    throw new HttpError(401, 'who are you', [['www-authenticate', 'Basic realm="x"']]);
  });
  r.get('/bad-http-error', () => {
    throw new HttpError(200, 'a 200 is not an error');
  });
  r.get('/stream-then-throw', async (_req, res) => {
    res.setHeader('content-type', 'text/plain');
    await res.write('partial ');
    await delay(20);
    throw new Error('boom mid-stream');
  });
  r.get('/stream-length-then-throw', async (_req, res) => {
    res.setHeader('content-type', 'application/octet-stream');
    res.setHeader('content-length', 100);
    await res.write(Buffer.alloc(10, 0x61));
    await delay(20);
    throw new Error('boom mid-stream (length framed)');
  });
  r.get('/short-length', async (_req, res) => {
    res.setHeader('content-length', 100);
    await res.write('only a few bytes');
    await res.end();
  });
  r.get('/no-response', () => {});
  r.get('/no-response-async', async () => {
    await delay(5);
  });
  r.get('/crlf', (_req, res) => {
    res.setHeader('x-evil', 'a\r\nx-injected: yes');
    return res.send('should not be sent\n');
  });
  r.get('/lf', (_req, res) => {
    res.setHeader('x-evil', 'a\nx-injected: yes');
    return res.send('should not be sent\n');
  });
  r.get('/bad-name', (_req, res) => {
    res.setHeader('x evil', 'v');
    return res.send('should not be sent\n');
  });
  r.get('/set-framing', (_req, res) => {
    res.setHeader('transfer-encoding', 'chunked');
    return res.send('should not be sent\n');
  });
  r.get('/throw-after-send', async (_req, res) => {
    await res.send('sent\n');
    throw new Error('boom after the response');
  });
  r.get('/double-send', async (_req, res) => {
    await res.send('first\n');
    await res.send('second\n');
  });
  r.get('/bad-status', (_req, res) => {
    res.status(42);
    return res.send('nope');
  });
  return r;
}

beforeAll(async () => {
  process.on('uncaughtException', onProblem);
  process.on('unhandledRejection', onProblem);
  ts = await startTestServer({ handler: errorRouter().handle });
});

afterEach(() => {
  destroyAllClients();
});

afterAll(async () => {
  await ts.close();
  expect(ts.server.connectionCount).toBe(0);
  process.off('uncaughtException', onProblem);
  process.off('unhandledRejection', onProblem);
  expect(processProblems).toEqual([]);
});

const get = (p: string): string => `GET ${p} HTTP/1.1\r\nHost: t\r\n\r\n`;

describe('handler failures', () => {
  it('answers a synchronous throw with 500, and the connection serves the next request', async () => {
    const c = await RawClient.connect(ts.port);
    c.write(get('/sync-throw'));
    const [r] = await c.responses(1);
    expect(r!.status).toBe(500);
    expect(r!.body.toString()).not.toContain('boom'); // no internals leaked
    expect(r!.header('connection')).toBeUndefined();
    c.write(get('/ok'));
    const both = await c.responses(2);
    expect(both[1]!.status).toBe(200);
    expect(both[1]!.body.toString()).toBe('ok\n');
  });

  it('answers pipelined requests after a synchronous throw in order', async () => {
    const c = await RawClient.connect(ts.port);
    c.write(get('/sync-throw') + get('/ok') + get('/async-reject') + get('/ok'));
    const rs = await c.responses(4);
    expect(rs.map((r) => r.status)).toEqual([500, 200, 500, 200]);
  });

  it('answers an async rejection with 500', async () => {
    const r = await httpRequest(`${ts.url}/async-reject`);
    expect(r.status).toBe(500);
    const p = await httpRequest(`${ts.url}/reject-promise`);
    expect(p.status).toBe(500);
  });

  it('answers a thrown non-Error with 500', async () => {
    const r = await httpRequest(`${ts.url}/throw-string`);
    expect(r.status).toBe(500);
  });

  it('answers HttpError(418) with 418 and its message', async () => {
    const r = await httpRequest(`${ts.url}/teapot`);
    expect(r.status).toBe(418);
    expect(r.body.toString()).toBe('short and stout\n');
  });

  it('sends the headers carried by an HttpError', async () => {
    const r = await httpRequest(`${ts.url}/unauthorized`);
    expect(r.status).toBe(401);
    expect(r.headers['www-authenticate']).toBe('Basic realm="x"');
  });

  it('treats an HttpError with a non-error status as a 500', async () => {
    const r = await httpRequest(`${ts.url}/bad-http-error`);
    expect(r.status).toBe(500);
  });

  it('aborts a response when the handler throws after starting a chunked stream; other connections are unaffected', async () => {
    const outcome = await new Promise<{ aborted: boolean; error: string | null; complete: boolean; body: string }>((resolve) => {
      let aborted = false;
      let error: string | null = null;
      let body = '';
      const req = http.get(`${ts.url}/stream-then-throw`, { agent: false }, (res) => {
        res.setEncoding('latin1');
        res.on('data', (d: string) => (body += d));
        res.on('aborted', () => (aborted = true));
        res.on('error', (err: NodeJS.ErrnoException) => (error = err.code ?? err.message));
        res.on('close', () => resolve({ aborted, error, complete: res.complete, body }));
      });
      req.on('error', (err: NodeJS.ErrnoException) => {
        error = err.code ?? err.message;
        resolve({ aborted, error, complete: false, body });
      });
    });
    expect(outcome.complete).toBe(false);
    expect(outcome.aborted || outcome.error !== null).toBe(true);
    expect(outcome.body).toBe('partial ');
    const ok = await httpRequest(`${ts.url}/ok`);
    expect(ok.status).toBe(200);
  });

  it('on the wire, a failed chunked stream ends without the last-chunk', async () => {
    const c = await RawClient.connect(ts.port);
    c.write(get('/stream-then-throw'));
    await c.waitClosed(2000);
    expect(c.text).toMatch(/^HTTP\/1\.1 200 /);
    expect(c.text).toContain('partial ');
    expect(c.text).not.toMatch(/\r\n0\r\n\r\n$/);
  });

  it('a failed Content-Length stream is cut short: fewer bytes than declared, connection closed', async () => {
    const c = await RawClient.connect(ts.port);
    c.write(get('/stream-length-then-throw'));
    await c.waitClosed(2000);
    const raw = c.received;
    const headEnd = raw.indexOf('\r\n\r\n');
    expect(raw.subarray(0, headEnd).toString('latin1')).toMatch(/content-length: 100/);
    expect(raw.length - headEnd - 4).toBe(10);
  });

  it('ending a response short of its declared Content-Length breaks the connection instead of desyncing it', async () => {
    const c = await RawClient.connect(ts.port);
    c.write(get('/short-length') + get('/ok'));
    await c.waitClosed(2000);
    // The ok response must not appear inside the 100 declared bytes of the first one.
    expect(c.text).not.toContain('ok\n');
  });

  it('answers 500 when the handler returns without responding (sync and async)', async () => {
    const a = await httpRequest(`${ts.url}/no-response`);
    expect(a.status).toBe(500);
    const b = await httpRequest(`${ts.url}/no-response-async`);
    expect(b.status).toBe(500);
  });

  it.each(['/crlf', '/lf'])('rejects a header value with a line break (%s): 500, nothing injected', async (p) => {
    const c = await RawClient.connect(ts.port);
    c.write(get(p) + get('/ok'));
    const [r, next] = await c.responses(2);
    expect(r!.status).toBe(500);
    expect(r!.header('x-injected')).toBeUndefined();
    expect(r!.header('x-evil')).toBeUndefined();
    expect(c.text).not.toMatch(/x-injected/i);
    expect(c.text).not.toContain('should not be sent');
    expect(next!.status).toBe(200);
  });

  it('rejects an invalid header name and a handler-set Transfer-Encoding: 500', async () => {
    const a = await httpRequest(`${ts.url}/bad-name`);
    expect(a.status).toBe(500);
    const b = await httpRequest(`${ts.url}/set-framing`);
    expect(b.status).toBe(500);
    expect(b.body.toString()).not.toContain('should not be sent');
  });

  it('rejects an invalid status code set by the handler: 500', async () => {
    const r = await httpRequest(`${ts.url}/bad-status`);
    expect(r.status).toBe(500);
  });

  it('keeps the first response when the handler throws after sending it, and the connection stays usable', async () => {
    const c = await RawClient.connect(ts.port);
    c.write(get('/throw-after-send'));
    const [r] = await c.responses(1);
    expect(r!.status).toBe(200);
    expect(r!.body.toString()).toBe('sent\n');
    await delay(30);
    c.write(get('/double-send'));
    const rs = await c.responses(2);
    expect(rs[1]!.body.toString()).toBe('first\n');
    await delay(30);
    c.write(get('/ok'));
    const all = await c.responses(3);
    expect(all).toHaveLength(3);
    expect(all[2]!.body.toString()).toBe('ok\n');
    expect(c.text).not.toContain('second');
  });

  it('keeps serving after all of the above: many concurrent failures, then a healthy request', async () => {
    const paths = ['/sync-throw', '/async-reject', '/teapot', '/no-response', '/crlf', '/stream-then-throw', '/throw-after-send'];
    await Promise.all(
      paths.flatMap((p) =>
        Array.from({ length: 5 }, () =>
          httpRequest(`${ts.url}${p}`, { agent: false }).then(
            (r) => r.status,
            () => -1,
          ),
        ),
      ),
    );
    const ok = await httpRequest(`${ts.url}/ok`);
    expect(ok.status).toBe(200);
    expect(ts.logger.find('http.handler-error').length).toBeGreaterThan(0);
  });
});

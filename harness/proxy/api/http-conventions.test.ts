import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { api, errorBody, faultProxy, raw, REQUEST_ID } from './test-support/api-fixtures.js';
import { createControlApi, DEFAULT_SETTINGS } from './control-api.js';
import { ProxyRegistry } from '../registry/registry.js';
import type { ProxyRuntime } from '../model.js';
import { onCleanup } from './test-support/api-fixtures.js';

describe('HTTP conventions of every endpoint (reference §2)', () => {
  it('unknown paths get Go\'s 404 page without a request id; no trailing-slash matching', async () => {
    const fp = await faultProxy();
    for (const path of ['/nope', '/proxies/', '/proxies/p/toxics/', '/version/', '/proxies/a/b']) {
      const r = await raw(fp.port, 'GET', path);
      expect(r.status, path).toBe(404);
      expect(r.body).toBe('404 page not found\n');
      expect(r.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      expect(r.headers['x-toxiproxy-request-id']).toBeUndefined();
    }
    // The browser block only applies to routed paths.
    const browser = await raw(fp.port, 'GET', '/nope', undefined, { 'User-Agent': 'Mozilla/5.0' });
    expect(browser.status).toBe(404);
  });

  it('a known path with another method is an empty 405 without Content-Type or request id', async () => {
    const fp = await faultProxy();
    for (const [method, path] of [['PUT', '/proxies'], ['HEAD', '/version'], ['OPTIONS', '/proxies/x'], ['GET', '/reset'], ['DELETE', '/populate'], ['PATCH', '/proxies/x/toxics']]) {
      const r = await raw(fp.port, method!, path!);
      expect(r.status, `${method} ${path}`).toBe(405);
      expect(r.body).toBe('');
      expect(r.headers['content-type']).toBeUndefined();
      expect(r.headers['x-toxiproxy-request-id']).toBeUndefined();
    }
  });

  it('routed responses carry a fresh 20-character xid request id, errors included', async () => {
    const fp = await faultProxy();
    const a = await api(fp, 'GET', '/proxies');
    const b = await api(fp, 'GET', '/proxies/missing');
    expect(a.headers['x-toxiproxy-request-id']).toMatch(REQUEST_ID);
    expect(b.headers['x-toxiproxy-request-id']).toMatch(REQUEST_ID);
    expect(a.headers['x-toxiproxy-request-id']).not.toBe(b.headers['x-toxiproxy-request-id']);
  });

  it('a Mozilla/ User-Agent is refused with 403 on routed paths; node and curl are allowed', async () => {
    const fp = await faultProxy();
    const r = await raw(fp.port, 'GET', '/proxies', undefined, { 'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64)' });
    expect(r.status).toBe(403);
    expect(r.body).toBe('User agent not allowed\n');
    expect(r.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(r.headers['x-toxiproxy-request-id']).toMatch(REQUEST_ID);
    expect((await raw(fp.port, 'GET', '/proxies', undefined, { 'User-Agent': 'curl/8.5.0' })).status).toBe(200);
    expect((await fetch(`${fp.url}/proxies`)).status).toBe(200);
  });

  it('/version is exactly {"version": "2.12.0"}\\n as application/json;charset=utf-8, and configurable', async () => {
    const fp = await faultProxy();
    const r = await api(fp, 'GET', '/version');
    expect(r.status).toBe(200);
    expect(r.body).toBe('{"version": "2.12.0"}\n');
    expect(r.headers['content-type']).toBe('application/json;charset=utf-8');
    const custom = await faultProxy({ version: '9.9.9-test' });
    expect((await api(custom, 'GET', '/version')).body).toBe('{"version": "9.9.9-test"}\n');
  });

  it('success JSON is application/json, compact, without a trailing newline', async () => {
    const fp = await faultProxy();
    const r = await api(fp, 'GET', '/proxies');
    expect(r.headers['content-type']).toBe('application/json');
    expect(r.body).toBe('{}');
  });

  it('errors are {"error","status"}\\n as text/plain with nosniff', async () => {
    const fp = await faultProxy();
    const r = await api(fp, 'GET', '/proxies/none');
    expect(r.status).toBe(404);
    expect(r.body).toBe('{"error":"proxy not found","status":404}\n');
    expect(r.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(r.headers['x-content-type-options']).toBe('nosniff');
  });

  it('paths are matched decoded, after gorilla/mux\'s clean-path redirect', async () => {
    const fp = await faultProxy();
    const dots = await raw(fp.port, 'GET', '/proxies/../version?x=1');
    expect(dots.status).toBe(301);
    expect(dots.headers.location).toBe('/version?x=1');
    expect(dots.headers['x-toxiproxy-request-id']).toBeUndefined();
    expect((await raw(fp.port, 'GET', '//proxies')).headers.location).toBe('/proxies');
    // %2F decodes to '/' before matching: a name with a slash can be created, never addressed.
    expect((await api(fp, 'POST', '/proxies', { name: 'a/b', upstream: 'x:1', enabled: false })).status).toBe(201);
    expect((await raw(fp.port, 'GET', '/proxies/a%2Fb')).body).toBe('404 page not found\n');
    expect((await api(fp, 'POST', '/proxies', { name: 'sp ace', upstream: 'x:1', enabled: false })).status).toBe(201);
    expect((await raw(fp.port, 'GET', '/proxies/sp%20ace')).status).toBe(200);
    // A bad escape is Go's 400 for the request line.
    const bad = await raw(fp.port, 'GET', '/proxies/%zz');
    expect(bad.status).toBe(400);
    expect(bad.body).toBe('400 Bad Request');
  });

  it('keeps connections alive across requests, errors included', async () => {
    const fp = await faultProxy();
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    onCleanup(() => agent.destroy());
    const get = (path: string) =>
      new Promise<{ status: number; reused: boolean }>((resolve, reject) => {
        const req = http.get({ host: '127.0.0.1', port: fp.port, path, agent }, (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode!, reused: req.reusedSocket }));
        });
        req.on('error', reject);
      });
    expect(await get('/version')).toEqual({ status: 200, reused: false });
    expect(await get('/nope')).toEqual({ status: 404, reused: true });
    expect(await get('/proxies/none')).toEqual({ status: 404, reused: true });
    expect(await get('/proxies')).toEqual({ status: 200, reused: true });
  });

  it('a body over 1 MiB is a 413 with a clear message; the process goes on serving', async () => {
    const fp = await faultProxy();
    const big = Buffer.alloc(1024 * 1024 + 1, 0x20);
    const r = await raw(fp.port, 'POST', '/proxies', big);
    expect(r.status).toBe(413);
    expect(r.body).toBe(errorBody('request body too large: the control API reads at most 1048576 bytes', 413));
    expect(r.headers.connection).toBe('close');
    // Chunked (no Content-Length): the limit is found while reading.
    const chunked = await new Promise<number>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: fp.port, method: 'POST', path: '/populate', agent: false }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      });
      req.on('error', reject);
      for (let i = 0; i < 20; i++) req.write(Buffer.alloc(64 * 1024, 0x20));
      req.end();
    });
    expect(chunked).toBe(413);
    // Exactly the limit is read: whitespace only, so Go's EOF.
    const limit = await raw(fp.port, 'POST', '/proxies', Buffer.alloc(1024 * 1024, 0x20));
    expect(limit.body).toBe(errorBody('bad request body: EOF', 400));
    expect((await api(fp, 'GET', '/version')).status).toBe(200);
  });

  it('an unexpected error in a handler is a 500 naming it, and the server stays up', async () => {
    const broken = (): ProxyRuntime => {
      throw new Error('runtime factory exploded');
    };
    const fp = await faultProxy({ runtimeFactory: broken });
    const r = await api(fp, 'POST', '/proxies', { name: 'p', upstream: 'x:1' });
    expect(r.status).toBe(500);
    expect(r.body).toBe(errorBody('internal error: runtime factory exploded', 500));
    expect(r.headers['x-toxiproxy-request-id']).toMatch(REQUEST_ID);
    const populate = await api(fp, 'POST', '/populate', [{ name: 'p', upstream: 'x:1' }]);
    expect([populate.status, populate.body]).toEqual([500, '{"error":"internal error: runtime factory exploded","status":500,"proxies":null}']);
    expect((await api(fp, 'GET', '/proxies')).body).toBe('{}');
  });

  it('a handler slower than the handler timeout gets Go\'s TimeoutHandler 503 page', async () => {
    const stuck = (): ProxyRuntime => {
      const rt: ProxyRuntime = {
        name: 'stuck', upstream: 'x:1', running: false, connections: 0,
        start: () => new Promise<string>(() => {}),
        stop: async () => {},
        addToxic: () => {}, updateToxic: () => {}, removeToxic: () => {},
        totals: () => [],
      };
      return rt;
    };
    const registry = new ProxyRegistry({ seed: 's', runtimeFactory: stuck, onDecision: () => {}, startedAt: performance.now() });
    const server = http.createServer(createControlApi(registry, { ...DEFAULT_SETTINGS, handlerTimeoutMs: 50 }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    onCleanup(() => new Promise<void>((resolve) => { server.close(() => resolve()); server.closeAllConnections(); }));
    const port = (server.address() as { port: number }).port;
    const r = await raw(port, 'POST', '/proxies', JSON.stringify({ name: 'p', upstream: 'x:1' }));
    expect(r.status).toBe(503);
    expect(r.body).toBe('<html><head><title>Timeout</title></head><body><h1>Timeout</h1></body></html>');
    expect(r.headers['x-toxiproxy-request-id']).toMatch(REQUEST_ID);
  });
});

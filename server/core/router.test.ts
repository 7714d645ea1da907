import { describe, expect, it } from 'vitest';
import { Router } from './router.js';
import { fakeExchange, type FakeExchangeInit } from './test-support/fake-exchange.js';
import { HttpError, type Handler } from './types.js';

/** A handler that answers with its name and the params it saw, so tests can tell routes apart. */
const answer =
  (name: string): Handler =>
  (req, res) =>
    res.json({ name, params: req.params });

async function run(router: Router, init: FakeExchangeInit) {
  const ex = fakeExchange(init);
  await router.handle(ex.req, ex.res);
  return ex;
}

async function routed(router: Router, method: string, target: string) {
  const { res } = await run(router, { method, target });
  expect(res.statusCode).toBe(200);
  return JSON.parse(res.text) as { name: string; params: Record<string, string> };
}

/** The synchronous or asynchronous failure of a dispatch, whichever it is. */
async function failure(router: Router, init: FakeExchangeInit): Promise<unknown> {
  const ex = fakeExchange(init);
  try {
    await router.handle(ex.req, ex.res);
  } catch (err) {
    return err;
  }
  throw new Error('expected the dispatch to fail');
}

describe('Router matching', () => {
  it('routes static paths by method', async () => {
    const r = new Router().get('/hello', answer('get hello')).post('/hello', answer('post hello')).get('/', answer('root'));
    expect(await routed(r, 'GET', '/hello')).toEqual({ name: 'get hello', params: {} });
    expect((await routed(r, 'POST', '/hello')).name).toBe('post hello');
    expect((await routed(r, 'GET', '/')).name).toBe('root');
  });

  it('ignores the query string and matches paths exactly (no trailing-slash folding)', async () => {
    const r = new Router().get('/hello', answer('hello'));
    expect((await routed(r, 'GET', '/hello?x=1')).name).toBe('hello');
    expect((await run(r, { target: '/hello/' })).res.statusCode).toBe(404);
    expect((await run(r, { target: '/hell' })).res.statusCode).toBe(404);
  });

  it('captures params, one segment each', async () => {
    const r = new Router().get('/bytes/:n', answer('bytes')).get('/a/:x/b/:y', answer('ab'));
    expect(await routed(r, 'GET', '/bytes/42')).toEqual({ name: 'bytes', params: { n: '42' } });
    expect(await routed(r, 'GET', '/a/1/b/2')).toEqual({ name: 'ab', params: { x: '1', y: '2' } });
    expect((await run(r, { target: '/bytes/1/2' })).res.statusCode).toBe(404);
    // A param never matches an empty segment.
    expect((await run(r, { target: '/bytes/' })).res.statusCode).toBe(404);
  });

  it('percent-decodes params, keeping an encoded slash inside its segment', async () => {
    const r = new Router().get('/files/:name', answer('file'));
    expect((await routed(r, 'GET', '/files/a%20b%2Fc')).params).toEqual({ name: 'a b/c' });
    expect((await routed(r, 'GET', '/files/caf%C3%A9')).params).toEqual({ name: 'café' });
  });

  it('compares static segments decoded (RFC 3986 §6.2.2.2)', async () => {
    const r = new Router().get('/hello', answer('hello'));
    expect((await routed(r, 'GET', '/h%65llo')).name).toBe('hello');
  });

  it.each(['/files/%zz', '/files/%4', '/files/%', '/files/%FF'])('answers 400 for the malformed escape in %s', async (target) => {
    const r = new Router().get('/files/:name', answer('file'));
    const err = await failure(r, { target });
    expect(err).toBeInstanceOf(HttpError);
    expect((err as HttpError).status).toBe(400);
  });

  it('prefers static segments over params, and backtracks when the static branch dead-ends', async () => {
    const r = new Router()
      .get('/users/:id', answer('user'))
      .get('/users/me', answer('me'))
      .get('/users/:id/posts', answer('posts'))
      .get('/users/me/settings', answer('settings'));
    expect((await routed(r, 'GET', '/users/me')).name).toBe('me');
    expect(await routed(r, 'GET', '/users/7')).toEqual({ name: 'user', params: { id: '7' } });
    expect(await routed(r, 'GET', '/users/me/posts')).toEqual({ name: 'posts', params: { id: 'me' } });
    expect((await routed(r, 'GET', '/users/me/settings')).name).toBe('settings');
  });

  it('falls through to a param route when the static route lacks the method', async () => {
    const r = new Router().get('/items/new', answer('form')).post('/items/:id', answer('update'));
    expect(await routed(r, 'POST', '/items/new')).toEqual({ name: 'update', params: { id: 'new' } });
  });

  it('puts the rest of the path in params["*"] for a wildcard', async () => {
    const r = new Router().get('/static/*', answer('static')).get('/static/index', answer('index'));
    expect((await routed(r, 'GET', '/static/css/site%20main.css')).params).toEqual({ '*': 'css/site main.css' });
    expect((await routed(r, 'GET', '/static/')).params).toEqual({ '*': '' });
    expect((await routed(r, 'GET', '/static/index')).name).toBe('index');
    expect((await run(r, { target: '/static' })).res.statusCode).toBe(404);
  });

  it('combines params with a wildcard', async () => {
    const r = new Router().get('/u/:user/*', answer('tree'));
    expect((await routed(r, 'GET', '/u/ann/a/b')).params).toEqual({ user: 'ann', '*': 'a/b' });
  });

  it('gives each request fresh params', async () => {
    const r = new Router().get('/hello', answer('hello'));
    const { req } = await run(r, { target: '/hello' });
    expect(req.params).toEqual({});
    const ex = fakeExchange({ target: '/hello' });
    ex.req.params = { stale: 'x' };
    await r.handle(ex.req, ex.res);
    expect(ex.req.params).toEqual({});
  });
});

describe('Router errors and method handling', () => {
  it('answers 404 with a short text body when no path matches', async () => {
    const r = new Router().get('/hello', answer('hello'));
    const { res } = await run(r, { target: '/nope' });
    expect(res.statusCode).toBe(404);
    expect(res.text).toBe('not found\n');
    expect(res.getHeader('content-type')).toBe('text/plain; charset=utf-8');
    expect(res.hasHeader('allow')).toBe(false);
  });

  it('answers 405 with the exact Allow list (RFC 9110 §15.5.6)', async () => {
    const r = new Router().get('/thing', answer('get')).delete('/thing', answer('del')).put('/thing', answer('put'));
    const { res } = await run(r, { method: 'POST', target: '/thing' });
    expect(res.statusCode).toBe(405);
    expect(res.getHeader('allow')).toBe('GET, HEAD, PUT, DELETE, OPTIONS');
    expect(res.text).toBe('method not allowed\n');
    expect(res.getHeader('content-type')).toBe('text/plain; charset=utf-8');
  });

  it('omits HEAD from Allow when there is no GET, and sorts extension methods after known ones', async () => {
    const r = new Router().post('/x', answer('post')).route('PURGE', '/x', answer('purge')).route('BREW', '/x', answer('brew'));
    const { res } = await run(r, { method: 'GET', target: '/x' });
    expect(res.statusCode).toBe(405);
    expect(res.getHeader('allow')).toBe('POST, BREW, PURGE, OPTIONS');
  });

  it('lists in Allow every route that matches the path, static and param alike', async () => {
    const r = new Router().get('/items/new', answer('form')).post('/items/:id', answer('update'));
    expect(r.allowedMethods('/items/new')).toEqual(['GET', 'HEAD', 'POST', 'OPTIONS']);
    expect(r.allowedMethods('/items/7')).toEqual(['POST', 'OPTIONS']);
    expect(r.allowedMethods('/other')).toEqual([]);
    const { res } = await run(r, { method: 'DELETE', target: '/items/new' });
    expect(res.getHeader('allow')).toBe('GET, HEAD, POST, OPTIONS');
  });

  it('treats methods as case-sensitive (RFC 9110 §9.1)', async () => {
    const r = new Router().get('/hello', answer('hello'));
    const { res } = await run(r, { method: 'get', target: '/hello' });
    expect(res.statusCode).toBe(405);
  });

  it('serves HEAD from the GET route when there is no HEAD route (RFC 9110 §9.3.2)', async () => {
    const r = new Router().get('/hello', answer('get hello')).get('/bytes/:n', answer('get bytes'));
    expect((await routed(r, 'HEAD', '/hello')).name).toBe('get hello');
    expect(await routed(r, 'HEAD', '/bytes/3')).toEqual({ name: 'get bytes', params: { n: '3' } });
  });

  it('prefers an explicit HEAD route over the GET fallback', async () => {
    const r = new Router().get('/hello', answer('get')).head('/hello', answer('head'));
    expect((await routed(r, 'HEAD', '/hello')).name).toBe('head');
    expect((await routed(r, 'GET', '/hello')).name).toBe('get');
  });

  it('does not serve GET from a HEAD-only route', async () => {
    const r = new Router().head('/h', answer('head'));
    const { res } = await run(r, { method: 'GET', target: '/h' });
    expect(res.statusCode).toBe(405);
    expect(res.getHeader('allow')).toBe('HEAD, OPTIONS');
  });

  it('answers OPTIONS on a path with 204 and Allow when no OPTIONS route exists', async () => {
    const r = new Router().get('/bytes/:n', answer('bytes')).post('/bytes/:n', answer('post'));
    const { res } = await run(r, { method: 'OPTIONS', target: '/bytes/9' });
    expect(res.statusCode).toBe(204);
    expect(res.getHeader('allow')).toBe('GET, HEAD, POST, OPTIONS');
    expect(res.body.length).toBe(0);
    expect(res.finished).toBe(true);
  });

  it('runs an explicit OPTIONS route instead of the automatic answer', async () => {
    const r = new Router().get('/hello', answer('get')).options('/hello', answer('custom options'));
    expect((await routed(r, 'OPTIONS', '/hello')).name).toBe('custom options');
  });

  it('answers OPTIONS on an unknown path with 404', async () => {
    const r = new Router().get('/hello', answer('get'));
    expect((await run(r, { method: 'OPTIONS', target: '/nope' })).res.statusCode).toBe(404);
  });

  it('answers OPTIONS * with every routed method (RFC 9110 §9.3.7)', async () => {
    const r = new Router()
      .get('/a', answer('a'))
      .delete('/b/:id', answer('b'))
      .patch('/c/*', answer('c'))
      .options('/', answer('root options'));
    const { res } = await run(r, { method: 'OPTIONS', target: '*' });
    expect(res.statusCode).toBe(204);
    expect(res.getHeader('allow')).toBe('GET, HEAD, PATCH, DELETE, OPTIONS');
    expect(res.body.length).toBe(0);
  });

  it('answers OPTIONS * with just OPTIONS on an empty router', async () => {
    const { res } = await run(new Router(), { method: 'OPTIONS', target: '*' });
    expect(res.statusCode).toBe(204);
    expect(res.getHeader('allow')).toBe('OPTIONS');
  });

  it('rejects the asterisk-form for methods other than OPTIONS (RFC 9112 §3.2.4)', async () => {
    const r = new Router().get('/', answer('root'));
    const err = await failure(r, { method: 'GET', target: '*' });
    expect((err as HttpError).status).toBe(400);
  });
});

describe('Router handler chains', () => {
  it('runs handlers in order until one starts the response', async () => {
    const seen: string[] = [];
    const r = new Router().get(
      '/p/:id',
      (req) => {
        seen.push(`first ${req.params['id']}`);
      },
      async (_req, res) => {
        seen.push('second');
        await res.send('done');
      },
      () => {
        seen.push('never');
      },
    );
    const { res } = await run(r, { target: '/p/5' });
    expect(res.text).toBe('done');
    expect(seen).toEqual(['first 5', 'second']);
  });

  it('lets a guard stop the chain by throwing', async () => {
    const r = new Router().get(
      '/secret',
      () => {
        throw new HttpError(401, 'no');
      },
      answer('secret'),
    );
    const err = await failure(r, { target: '/secret' });
    expect((err as HttpError).status).toBe(401);
  });

  it('passes handle around as a bare function', async () => {
    const r = new Router().get('/hello', answer('hello'));
    const { handle } = r;
    const ex = fakeExchange({ target: '/hello' });
    await handle(ex.req, ex.res);
    expect(JSON.parse(ex.res.text)).toEqual({ name: 'hello', params: {} });
  });
});

describe('Router registration', () => {
  it.each([
    ['hello', "must start with '/'"],
    ['', "must start with '/'"],
    ['/a/:', 'empty param name'],
    ['/a/:x/b/:x', 'duplicate param name "x"'],
    ['/a/*/b', "wildcard '*' must be the last segment"],
    ['/a*', "'*' is only allowed as a whole, last segment"],
    ['/a/:x-y', 'invalid param name "x-y"'],
    ['/a b', 'characters not allowed in a path'],
    ['/a?b', 'characters not allowed in a path'],
    ['/a/%zz', 'characters not allowed in a path'],
    ['/a/%FF', 'not valid UTF-8'],
    ['/:__proto__', "'__proto__' is not allowed"],
  ])('rejects the pattern %j', (pattern, message) => {
    expect(() => new Router().get(pattern, answer('x'))).toThrow(message);
  });

  it('names the bad pattern in the error', () => {
    expect(() => new Router().get('/a/:', answer('x'))).toThrow('invalid route pattern "/a/:"');
  });

  it('rejects duplicate method + pattern, including the same shape with other param names', () => {
    const r = new Router().get('/a/:x', answer('1')).get('/hello', answer('h')).get('/s/*', answer('s'));
    expect(() => r.get('/hello', answer('2'))).toThrow('route GET /hello is already registered');
    expect(() => r.get('/a/:y', answer('2'))).toThrow('route GET /a/:y is already registered (conflicts with /a/:x)');
    expect(() => r.get('/s/*', answer('2'))).toThrow('already registered');
    expect(() => r.get('/h%65llo', answer('2'))).toThrow('conflicts with /hello');
    // Another method on the same pattern is fine.
    expect(() => r.post('/hello', answer('p'))).not.toThrow();
  });

  it('rejects invalid methods and missing handlers', () => {
    expect(() => new Router().route('GE T', '/x', answer('x'))).toThrow('invalid method');
    expect(() => new Router().route('', '/x', answer('x'))).toThrow('invalid method');
    expect(() => new Router().get('/x')).toThrow('no handler given');
  });

  it('keeps the router unchanged after a rejected registration', async () => {
    const r = new Router();
    expect(() => r.get('/a/:x/:x', answer('bad'))).toThrow();
    expect((await run(r, { target: '/a/1/2' })).res.statusCode).toBe(404);
  });

  it('registers with every shortcut', async () => {
    const r = new Router();
    const names = ['get', 'head', 'post', 'put', 'patch', 'delete', 'options'] as const;
    for (const n of names) expect(r[n]('/m', answer(n))).toBe(r);
    for (const n of names) expect((await routed(r, n.toUpperCase(), '/m')).name).toBe(n);
  });
});

import { describe, expect, it } from 'vitest';
import { compose } from './middleware.js';
import { fakeExchange } from './test-support/fake-exchange.js';
import type { Handler, Middleware } from './types.js';

describe('compose', () => {
  it('runs middleware as an onion around the final handler', async () => {
    const log: string[] = [];
    const layer =
      (name: string): Middleware =>
      async (_req, _res, next) => {
        log.push(`${name} in`);
        await next();
        log.push(`${name} out`);
      };
    const final: Handler = async (_req, res) => {
      log.push('handler');
      await res.send('ok');
    };
    const { req, res } = fakeExchange();
    await compose([layer('a'), layer('b'), layer('c')], final)(req, res);
    expect(log).toEqual(['a in', 'b in', 'c in', 'handler', 'c out', 'b out', 'a out']);
    expect(res.text).toBe('ok');
  });

  it('lets code after next() see the downstream outcome', async () => {
    let seenStatus = 0;
    const observe: Middleware = async (_req, res, next) => {
      await next();
      seenStatus = res.statusCode;
    };
    const { req, res } = fakeExchange();
    await compose([observe], (_req, r) => r.status(201).send())(req, res);
    expect(seenStatus).toBe(201);
  });

  it('stops when a middleware answers without calling next()', async () => {
    let reached = false;
    const gate: Middleware = (_req, res) => res.status(403).send('no');
    const { req, res } = fakeExchange();
    await compose([gate], () => {
      reached = true;
    })(req, res);
    expect(reached).toBe(false);
    expect(res.statusCode).toBe(403);
  });

  it('calls the final handler directly when there is no middleware', async () => {
    const { req, res } = fakeExchange({ target: '/x' });
    await compose([], (r, s) => s.send(r.path))(req, res);
    expect(res.text).toBe('/x');
  });

  it('rejects when a middleware calls next() twice, and runs the handler once', async () => {
    let handlerRuns = 0;
    let second: unknown;
    const twice: Middleware = async (_req, _res, next) => {
      await next();
      try {
        await next();
      } catch (err) {
        second = err;
        throw err;
      }
    };
    const { req, res } = fakeExchange();
    const p = compose([twice], () => {
      handlerRuns++;
    })(req, res);
    await expect(p).rejects.toThrow('next() called more than once by middleware #0');
    expect(second).toBeInstanceOf(Error);
    expect(handlerRuns).toBe(1);
  });

  it('detects a second next() from an inner middleware', async () => {
    const pass: Middleware = (_req, _res, next) => next();
    const twice: Middleware = async (_req, _res, next) => {
      await next();
      await next();
    };
    const { req, res } = fakeExchange();
    await expect(compose([pass, twice], () => undefined)(req, res)).rejects.toThrow('middleware #1');
  });

  it('turns a synchronous throw in middleware into a rejection', () => {
    const boom: Middleware = () => {
      throw new Error('sync boom');
    };
    const { req, res } = fakeExchange();
    let result: unknown;
    // The call itself must not throw; the failure arrives as a rejected promise.
    expect(() => {
      result = compose([boom], () => undefined)(req, res);
    }).not.toThrow();
    expect(result).toBeInstanceOf(Promise);
    return expect(result).rejects.toThrow('sync boom');
  });

  it('turns a synchronous throw in the final handler into a rejection seen by next()', async () => {
    let caught: unknown;
    const catcher: Middleware = async (_req, _res, next) => {
      try {
        await next();
      } catch (err) {
        caught = err;
      }
    };
    const { req, res } = fakeExchange();
    await compose([catcher], () => {
      throw new Error('handler boom');
    })(req, res);
    expect((caught as Error).message).toBe('handler boom');
  });

  it('propagates an async rejection outward', async () => {
    const { req, res } = fakeExchange();
    const failing: Middleware = async () => {
      throw new Error('async boom');
    };
    await expect(compose([failing], () => undefined)(req, res)).rejects.toThrow('async boom');
  });

  it('is reusable: each exchange gets its own next() bookkeeping', async () => {
    let count = 0;
    const handler = compose([(_req, _res, next) => next()], () => {
      count++;
    });
    for (let i = 0; i < 3; i++) {
      const { req, res } = fakeExchange();
      await handler(req, res);
    }
    expect(count).toBe(3);
  });

  it('copies the middleware list', async () => {
    const log: string[] = [];
    const list: Middleware[] = [
      (_req, _res, next) => {
        log.push('a');
        return next();
      },
    ];
    const handler = compose(list, () => undefined);
    list.push(() => {
      log.push('late');
    });
    const { req, res } = fakeExchange();
    await handler(req, res);
    expect(log).toEqual(['a']);
  });

  it('rejects non-function middleware at composition time', () => {
    expect(() => compose([42 as unknown as Middleware], () => undefined)).toThrow('every middleware must be a function');
  });
});

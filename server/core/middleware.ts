import type { Handler, Middleware } from './types.js';

/**
 * Koa-style onion: `compose([a, b], h)` runs a → b → h and unwinds h → b → a. Each middleware's
 * `next()` runs the rest of the chain and resolves when it has finished, so code after
 * `await next()` sees the outcome (status, headers) and can time or wrap it.
 *
 * The result always returns a Promise: a synchronous throw anywhere in the chain becomes a
 * rejection, so the protocol layer has one error path. Calling `next()` twice from the same
 * middleware rejects, since running the downstream handler twice would answer twice.
 * The middleware list is copied, so later changes to the caller's array do not leak in.
 */
export function compose(middlewares: readonly Middleware[], final: Handler): Handler {
  for (const m of middlewares) {
    if (typeof m !== 'function') throw new TypeError('compose: every middleware must be a function');
  }
  if (typeof final !== 'function') throw new TypeError('compose: the final handler must be a function');
  const list = middlewares.slice();

  return (req, res) => {
    // Highest position started so far in this exchange; guards against a second next().
    let started = -1;
    const dispatch = (i: number): Promise<void> => {
      if (i <= started) {
        return Promise.reject(new Error(`next() called more than once by middleware #${i - 1}`));
      }
      started = i;
      try {
        if (i === list.length) return Promise.resolve(final(req, res));
        return Promise.resolve((list[i] as Middleware)(req, res, () => dispatch(i + 1)));
      } catch (err) {
        return Promise.reject(err);
      }
    };
    return dispatch(0);
  };
}

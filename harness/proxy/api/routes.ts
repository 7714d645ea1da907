/**
 * Toxiproxy's route table (reference §4) and gorilla/mux's matching: exact paths (no trailing
 * slash matching), `{proxy}`/`{toxic}` match one non-empty segment of the decoded path, routes
 * are tried in order, and a path that matched only with another method is a 405.
 */
import { populate, reset } from './collection-handlers.js';
import type { Handler } from './handler.js';
import { metrics } from './metrics-handler.js';
import { proxyCreate, proxyDelete, proxyIndex, proxyShow, proxyUpdate } from './proxy-handlers.js';
import { toxicCreate, toxicDelete, toxicIndex, toxicShow, toxicUpdate } from './toxic-handlers.js';
import { version } from './version-handler.js';

export interface Route {
  readonly path: string;
  /** null: any method (/metrics). */
  readonly methods: readonly string[] | null;
  readonly handler: Handler;
}

export type RouteMatch =
  | { kind: 'route'; handler: Handler; params: Record<string, string> }
  | { kind: 'method-not-allowed' }
  | { kind: 'not-found' };

/** The routes in Toxiproxy's order; /metrics only when metrics are on (else its 404 page). */
export function controlApiRoutes(options: { metrics: boolean }): Route[] {
  const routes: Route[] = [
    { path: '/reset', methods: ['POST'], handler: reset },
    { path: '/proxies', methods: ['GET'], handler: proxyIndex },
    { path: '/proxies', methods: ['POST'], handler: proxyCreate },
    { path: '/populate', methods: ['POST'], handler: populate },
    { path: '/proxies/{proxy}', methods: ['GET'], handler: proxyShow },
    // POST is the deprecated alias toxiproxy-node-client uses for updates.
    { path: '/proxies/{proxy}', methods: ['POST', 'PATCH'], handler: proxyUpdate },
    { path: '/proxies/{proxy}', methods: ['DELETE'], handler: proxyDelete },
    { path: '/proxies/{proxy}/toxics', methods: ['GET'], handler: toxicIndex },
    { path: '/proxies/{proxy}/toxics', methods: ['POST'], handler: toxicCreate },
    { path: '/proxies/{proxy}/toxics/{toxic}', methods: ['GET'], handler: toxicShow },
    { path: '/proxies/{proxy}/toxics/{toxic}', methods: ['POST', 'PATCH'], handler: toxicUpdate },
    { path: '/proxies/{proxy}/toxics/{toxic}', methods: ['DELETE'], handler: toxicDelete },
    { path: '/version', methods: ['GET'], handler: version },
  ];
  if (options.metrics) routes.push({ path: '/metrics', methods: null, handler: metrics });
  return routes;
}

function matchPath(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    const g = got[i]!;
    if (w.startsWith('{')) {
      if (g === '') return null;
      params[w.slice(1, -1)] = g;
    } else if (w !== g) {
      return null;
    }
  }
  return params;
}

export function matchRoute(routes: readonly Route[], method: string, path: string): RouteMatch {
  let pathMatched = false;
  for (const route of routes) {
    const params = matchPath(route.path, path);
    if (params === null) continue;
    if (route.methods === null || route.methods.includes(method)) return { kind: 'route', handler: route.handler, params };
    pathMatched = true;
  }
  return pathMatched ? { kind: 'method-not-allowed' } : { kind: 'not-found' };
}

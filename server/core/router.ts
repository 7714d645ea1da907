import { HttpError, type Handler, type Request, type Response } from './types.js';

/**
 * Method + path routing.
 *
 * Patterns are written in the same (percent-encoded) form as request paths:
 *   `/hello`          static
 *   `/bytes/:n`       `:name` captures one non-empty segment, percent-decoded
 *   `/static/*`       a last `*` segment captures the (possibly empty) rest of the path, decoded,
 *                     into `params['*']`; `/static/*` matches `/static/` but not `/static`
 *
 * Matching priority at each segment is static, then param, then wildcard, with backtracking, so
 * `/a/new` beats `/a/:id` and `/a/:id/x` still matches `/a/new/x` when `/a/new/x` does not exist.
 * The first route in that order that has the request's method handles it; the Allow field of a
 * 405 therefore lists exactly the methods that would not have been a 405.
 *
 * Paths are matched exactly: no trailing-slash or dot-segment folding (that changes the resource,
 * RFC 3986 §6.2.2.3 only applies before dispatch, if at all, and is the protocol layer's call).
 * Percent-escapes are compared decoded, so `/h%65llo` reaches `/hello` (RFC 3986 §6.2.2.2).
 */

/** A route's handlers, its pattern (for messages) and the names of the values it captures. */
interface Route {
  readonly pattern: string;
  readonly names: readonly string[];
  readonly run: Handler;
}

/** Method → route; keys are method tokens exactly as registered (case-sensitive, RFC 9110 §9.1). */
type MethodTable = Map<string, Route>;

interface TrieNode {
  /** Children for literal segments, keyed by the decoded segment. */
  statics: Map<string, TrieNode> | undefined;
  /** The child for a `:param` segment (names live on the routes, so `/a/:x` and `/a/:y/z` share it). */
  param: TrieNode | undefined;
  /** Routes whose pattern ends in `*` at this depth. */
  wildcard: MethodTable | undefined;
  /** Routes whose pattern ends exactly here. */
  routes: MethodTable | undefined;
}

const newNode = (): TrieNode => ({ statics: undefined, param: undefined, wildcard: undefined, routes: undefined });

/** RFC 9110 §5.6.2 token: what a method may be made of. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** RFC 3986 §3.3 pchar, minus '*' (reserved here for the wildcard segment). */
const PCHARS = /^(?:[A-Za-z0-9\-._~!$&'()+,;=:@]|%[0-9A-Fa-f]{2})*$/;
const PARAM_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Fixed presentation order for Allow so responses are deterministic; others sort after these. */
const METHOD_ORDER = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];

const TEXT_PLAIN = 'text/plain; charset=utf-8';

export class Router {
  /** Routes whose pattern has no params: raw pattern → methods. The O(1) hot path. */
  private readonly statics = new Map<string, MethodTable>();
  private readonly root: TrieNode = newNode();
  /** Every method that has any route, for `OPTIONS *`. */
  private readonly methods = new Set<string>();

  route(method: string, pattern: string, ...handlers: Handler[]): this {
    if (typeof method !== 'string' || !TOKEN.test(method)) {
      throw new Error(`route: invalid method ${JSON.stringify(method)} (must be an RFC 9110 token)`);
    }
    if (handlers.length === 0) throw new Error(`route ${method} ${pattern}: no handler given`);
    for (const h of handlers) {
      if (typeof h !== 'function') throw new Error(`route ${method} ${pattern}: handlers must be functions`);
    }
    const { segments, names, wildcard } = parsePattern(pattern);

    let node = this.root;
    for (const seg of segments) {
      if (seg.kind === 'param') {
        node = node.param ??= newNode();
      } else {
        node.statics ??= new Map();
        let child = node.statics.get(seg.value);
        if (child === undefined) node.statics.set(seg.value, (child = newNode()));
        node = child;
      }
    }
    const table = wildcard ? (node.wildcard ??= new Map()) : (node.routes ??= new Map());
    const existing = table.get(method);
    if (existing !== undefined) {
      // `/a/:x` and `/a/:y` are the same route shape: the second could never be reached.
      const same = existing.pattern === pattern ? '' : ` (conflicts with ${existing.pattern})`;
      throw new Error(`route ${method} ${pattern} is already registered${same}`);
    }
    const route: Route = { pattern, names, run: chain(handlers) };
    table.set(method, route);
    if (names.length === 0) {
      let methods = this.statics.get(pattern);
      if (methods === undefined) this.statics.set(pattern, (methods = new Map()));
      methods.set(method, route);
    }
    this.methods.add(method);
    return this;
  }

  get(pattern: string, ...handlers: Handler[]): this {
    return this.route('GET', pattern, ...handlers);
  }
  head(pattern: string, ...handlers: Handler[]): this {
    return this.route('HEAD', pattern, ...handlers);
  }
  post(pattern: string, ...handlers: Handler[]): this {
    return this.route('POST', pattern, ...handlers);
  }
  put(pattern: string, ...handlers: Handler[]): this {
    return this.route('PUT', pattern, ...handlers);
  }
  patch(pattern: string, ...handlers: Handler[]): this {
    return this.route('PATCH', pattern, ...handlers);
  }
  delete(pattern: string, ...handlers: Handler[]): this {
    return this.route('DELETE', pattern, ...handlers);
  }
  options(pattern: string, ...handlers: Handler[]): this {
    return this.route('OPTIONS', pattern, ...handlers);
  }

  /**
   * Dispatch an exchange. Sets `req.params` and returns the route's result (sync throws stay
   * sync, as for any Handler). Throws HttpError(400) for a malformed percent-escape.
   */
  handle: Handler = (req: Request, res: Response): void | Promise<void> => {
    const method = req.method;
    if (req.target === '*') return this.asterisk(method, res);
    const table = this.statics.get(req.path);
    if (table !== undefined) {
      const route = table.get(method) ?? (method === 'HEAD' ? table.get('GET') : undefined);
      if (route !== undefined) {
        req.params = {};
        req.route = route.pattern;
        return route.run(req, res);
      }
    }
    return this.dispatch(method, req, res);
  };

  /**
   * The methods `path` (percent-encoded) answers to, in Allow order: HEAD wherever GET is, and
   * OPTIONS always. Empty when no route matches the path at all (a 404).
   */
  allowedMethods(path: string): string[] {
    const segments = splitPath(path);
    if (segments === undefined) return [];
    const found = new Set<string>();
    this.search(segments, 0, this.root, [], (table) => {
      for (const m of table.keys()) found.add(m);
      return false; // keep walking: every matching route contributes
    });
    return found.size === 0 ? [] : allowList(found);
  }

  private dispatch(method: string, req: Request, res: Response): void | Promise<void> {
    const segments = splitPath(req.path);
    if (segments !== undefined) {
      let hit: Route | undefined;
      let values: string[] = [];
      this.search(segments, 0, this.root, [], (table, captured) => {
        // HEAD is GET without content (RFC 9110 §9.3.2): a GET route serves it unless HEAD is explicit.
        const route = table.get(method) ?? (method === 'HEAD' ? table.get('GET') : undefined);
        if (route === undefined) return false;
        hit = route;
        values = captured.slice();
        return true;
      });
      if (hit !== undefined) {
        req.params = buildParams(hit.names, values);
        req.route = hit.pattern;
        return hit.run(req, res);
      }
    }
    const allowed = segments === undefined ? [] : this.allowedMethods(req.path);
    if (allowed.length === 0) {
      return res.status(404).setHeader('content-type', TEXT_PLAIN).send('not found\n');
    }
    const allow = allowed.join(', ');
    if (method === 'OPTIONS') {
      // RFC 9110 §9.3.7: with no explicit OPTIONS route, describe the resource's methods.
      return res.status(204).setHeader('allow', allow).send();
    }
    // RFC 9110 §15.5.6: a 405 MUST carry Allow with the target resource's methods.
    return res.status(405).setHeader('allow', allow).setHeader('content-type', TEXT_PLAIN).send('method not allowed\n');
  }

  /** `OPTIONS *` asks about the server as a whole (RFC 9110 §9.3.7): every method any route has. */
  private asterisk(method: string, res: Response): Promise<void> {
    if (method !== 'OPTIONS') {
      // Asterisk-form is only defined for OPTIONS (RFC 9112 §3.2.4).
      throw new HttpError(400, `request-target '*' is only valid for OPTIONS, not ${method}`);
    }
    return res.status(204).setHeader('allow', allowList(this.methods).join(', ')).send();
  }

  /**
   * Depth-first walk in priority order (static, param, wildcard), offering every route table that
   * matches the whole path to `visit` with the captured values so far; stops when visit says so.
   */
  private search(
    segments: readonly string[],
    i: number,
    node: TrieNode,
    captured: string[],
    visit: (table: MethodTable, captured: readonly string[]) => boolean,
  ): boolean {
    if (i === segments.length) return node.routes !== undefined && visit(node.routes, captured);
    const seg = segments[i] as string;
    const child = node.statics?.get(seg);
    if (child !== undefined && this.search(segments, i + 1, child, captured, visit)) return true;
    if (node.param !== undefined && seg !== '') {
      captured.push(seg);
      if (this.search(segments, i + 1, node.param, captured, visit)) return true;
      captured.pop();
    }
    if (node.wildcard !== undefined) {
      captured.push(segments.slice(i).join('/'));
      if (visit(node.wildcard, captured)) return true;
      captured.pop();
    }
    return false;
  }
}

type PatternSegment = { kind: 'static'; value: string } | { kind: 'param'; name: string };

interface ParsedPattern {
  /** Segments before any trailing wildcard. */
  segments: PatternSegment[];
  /** Capture names in order; '*' last for a wildcard. */
  names: string[];
  wildcard: boolean;
}

/** Validate a pattern up front so a typo fails at startup, not as a mysterious 404 later. */
function parsePattern(pattern: string): ParsedPattern {
  const bad = (why: string): Error => new Error(`invalid route pattern ${JSON.stringify(pattern)}: ${why}`);
  if (typeof pattern !== 'string' || !pattern.startsWith('/')) throw bad("must start with '/'");
  const parts = pattern.slice(1).split('/');
  const segments: PatternSegment[] = [];
  const names: string[] = [];
  let wildcard = false;
  parts.forEach((part, index) => {
    if (part === '*') {
      if (index !== parts.length - 1) throw bad("wildcard '*' must be the last segment");
      wildcard = true;
      names.push('*');
    } else if (part.startsWith(':')) {
      const name = part.slice(1);
      if (name === '') throw bad('empty param name');
      if (!PARAM_NAME.test(name)) throw bad(`invalid param name ${JSON.stringify(name)} (use [A-Za-z_][A-Za-z0-9_]*)`);
      if (name === '__proto__') throw bad("param name '__proto__' is not allowed");
      if (names.includes(name)) throw bad(`duplicate param name ${JSON.stringify(name)}`);
      names.push(name);
      segments.push({ kind: 'param', name });
    } else {
      if (part.includes('*')) throw bad("'*' is only allowed as a whole, last segment");
      if (!PCHARS.test(part)) {
        throw bad(`segment ${JSON.stringify(part)} has characters not allowed in a path (RFC 3986 §3.3); percent-encode them`);
      }
      const value = decodeSegment(part);
      if (value === undefined) throw bad(`segment ${JSON.stringify(part)} is not valid UTF-8 once decoded`);
      segments.push({ kind: 'static', value });
    }
  });
  return { segments, names, wildcard };
}

/**
 * Split a request path into decoded segments; undefined when it is not an absolute path.
 * Splitting happens before decoding so an encoded '/' (%2F) stays inside its segment.
 */
function splitPath(path: string): string[] | undefined {
  if (path.charCodeAt(0) !== 0x2f /* '/' */) return undefined;
  const segments = path.slice(1).split('/');
  for (let i = 0; i < segments.length; i++) {
    const raw = segments[i] as string;
    if (!raw.includes('%')) continue;
    const decoded = decodeSegment(raw);
    if (decoded === undefined) {
      // RFC 3986 §2.1: '%' must start a two-hex-digit escape; we also need UTF-8 to make a string.
      throw new HttpError(400, `malformed percent-encoding in path segment ${JSON.stringify(raw)}`);
    }
    segments[i] = decoded;
  }
  return segments;
}

function decodeSegment(raw: string): string | undefined {
  if (!raw.includes('%')) return raw;
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined; // URIError: bad escape or invalid UTF-8
  }
}

function buildParams(names: readonly string[], values: readonly string[]): Record<string, string> {
  const params: Record<string, string> = {};
  for (let i = 0; i < names.length; i++) params[names[i] as string] = values[i] as string;
  return params;
}

/** Methods in Allow order, with HEAD implied by GET (RFC 9110 §9.3.2) and OPTIONS always answered. */
function allowList(methods: Iterable<string>): string[] {
  const set = new Set(methods);
  if (set.has('GET')) set.add('HEAD');
  set.delete('OPTIONS');
  const rank = (m: string): number => {
    const i = METHOD_ORDER.indexOf(m);
    return i === -1 ? METHOD_ORDER.length : i;
  };
  const list = [...set].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  list.push('OPTIONS');
  return list;
}

/**
 * Run a route's handlers in order, stopping once one has started the response: earlier handlers
 * act as guards (respond or throw HttpError to stop) or decorate the request and fall through.
 */
function chain(handlers: readonly Handler[]): Handler {
  if (handlers.length === 1) return handlers[0] as Handler;
  const list = handlers.slice();
  return async (req, res) => {
    for (const handler of list) {
      await handler(req, res);
      if (res.headersSent || res.finished) return;
    }
  };
}

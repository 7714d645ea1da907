/**
 * The request path as Toxiproxy's router sees it (reference §2 "Router"): Go's net/http parses
 * the request target (url.ParseRequestURI) and gorilla/mux matches the *decoded* path, after
 * redirecting (301) any path that path.Clean would change (`//proxies`, `/a/../version`). So
 * `%2F` in a name becomes a `/` before matching: such a proxy can be created, never addressed.
 */

export type RequestTarget =
  | { ok: true; /** Decoded path. */ path: string; /** `scheme://authority` of an absolute-form target, else ''. */ origin: string; /** The query with its '?', or ''. */ query: string }
  | { ok: false };

const HEX = /^[0-9a-fA-F]{2}$/;

/** Go's unescape in path mode: every '%' needs two hex digits; bytes are then read as UTF-8. */
function unescapePath(raw: string): string | null {
  if (!raw.includes('%')) return raw;
  const bytes: number[] = [];
  const utf8 = Buffer.from(raw, 'utf8');
  for (let i = 0; i < utf8.length; i++) {
    const c = utf8[i]!;
    if (c !== 0x25) {
      bytes.push(c);
      continue;
    }
    const hex = utf8.subarray(i + 1, i + 3).toString('latin1');
    if (!HEX.test(hex)) return null;
    bytes.push(parseInt(hex, 16));
    i += 2;
  }
  return Buffer.from(bytes).toString('utf8');
}

/** url.ParseRequestURI, as far as the path goes; `{ ok: false }` is Go's 400 Bad Request. */
export function parseRequestTarget(url: string): RequestTarget {
  let origin = '';
  let rest = url;
  if (url === '*') return { ok: true, path: '*', origin: '', query: '' };
  if (!url.startsWith('/')) {
    const m = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?]*)(.*)$/s.exec(url);
    if (m === null) return { ok: false };
    origin = m[1]!;
    rest = m[2]!;
  }
  const q = rest.indexOf('?');
  const rawPath = q < 0 ? rest : rest.slice(0, q);
  const query = q < 0 ? '' : rest.slice(q);
  const path = unescapePath(rawPath);
  if (path === null) return { ok: false };
  return { ok: true, path, origin, query };
}

/** Go's path.Clean for a rooted path. */
function goPathClean(p: string): string {
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return `/${out.join('/')}`;
}

/** gorilla/mux's cleanPath: path.Clean, keeping a trailing slash (so `/proxies/` is not redirected). */
export function muxCleanPath(p: string): string {
  if (p === '') return '/';
  const rooted = p.startsWith('/') ? p : `/${p}`;
  let np = goPathClean(rooted);
  if (rooted.endsWith('/') && np !== '/') np += '/';
  return np;
}

/** Go's url escaping of a path (what a redirect's Location carries). */
export function escapePath(path: string): string {
  let out = '';
  for (const byte of Buffer.from(path, 'utf8')) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-_.~$&+,/:;=@]/.test(c)) out += c;
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

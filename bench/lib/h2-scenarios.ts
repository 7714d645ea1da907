import { BenchError } from './bench-support.js';

/**
 * The HTTP/2 benchmark scenarios: one h2load load shape each, varied one factor at a time around
 * the headline (GET /hello, 16 clients x 32 streams, h2c), so each row says what that factor costs.
 * Every peer serves the same routes with the same octets (demo-routes.ts, node-http2-stream.ts,
 * the nghttpd document root), and each answer is checked before it is measured.
 */

export interface H2Scenario {
  /** Stable id: the JSON key, the baseline key of bench:check, the --only value. */
  id: string;
  /** What the row varies, for the table. */
  title: string;
  method: 'GET' | 'POST';
  path: string;
  clients: number;
  streams: number;
  /** Request body octets (POST /echo); the response echoes them. */
  requestBody?: number;
  /** Extra request headers: the HPACK-heavy case. */
  extraHeaders?: number;
  tls?: boolean;
  /** The octets a correct answer carries. */
  responseBytes: number;
  /** Why a peer cannot take part (nghttpd has no /echo), by peer name. */
  notFor?: Partial<Record<string, string>>;
  /** The figure that matters: requests or octets per second. */
  figure: 'req/s' | 'MB/s';
}

const HELLO_BYTES = 13;
const KIB = 1024;
const NO_ECHO = { nghttpd: 'serves files only: no POST /echo' };

export const H2_SCENARIOS: readonly H2Scenario[] = [
  { id: 'hello-c16-m32', title: '/hello c16 m32 (headline)', method: 'GET', path: '/hello', clients: 16, streams: 32, responseBytes: HELLO_BYTES, figure: 'req/s' },
  { id: 'streams-1', title: 'streams/conn 1 (c16 m1)', method: 'GET', path: '/hello', clients: 16, streams: 1, responseBytes: HELLO_BYTES, figure: 'req/s' },
  { id: 'streams-100', title: 'streams/conn 100 (c16 m100)', method: 'GET', path: '/hello', clients: 16, streams: 100, responseBytes: HELLO_BYTES, figure: 'req/s' },
  { id: 'clients-1', title: 'clients 1 (c1 m32)', method: 'GET', path: '/hello', clients: 1, streams: 32, responseBytes: HELLO_BYTES, figure: 'req/s' },
  { id: 'clients-64', title: 'clients 64 (c64 m32)', method: 'GET', path: '/hello', clients: 64, streams: 32, responseBytes: HELLO_BYTES, figure: 'req/s' },
  { id: 'body-16k', title: 'response 16 KiB (c16 m32)', method: 'GET', path: `/bytes/${16 * KIB}`, clients: 16, streams: 32, responseBytes: 16 * KIB, figure: 'req/s' },
  { id: 'body-1m', title: 'response 1 MiB (c4 m8)', method: 'GET', path: `/bytes/${KIB * KIB}`, clients: 4, streams: 8, responseBytes: KIB * KIB, figure: 'MB/s' },
  { id: 'post-0', title: 'POST /echo 0 B (c16 m32)', method: 'POST', path: '/echo', clients: 16, streams: 32, requestBody: 0, responseBytes: 0, notFor: NO_ECHO, figure: 'req/s' },
  { id: 'post-64k', title: 'POST /echo 64 KiB (c16 m32)', method: 'POST', path: '/echo', clients: 16, streams: 32, requestBody: 64 * KIB, responseBytes: 64 * KIB, notFor: NO_ECHO, figure: 'req/s' },
  { id: 'headers-30', title: '30 request headers (c16 m32)', method: 'GET', path: '/hello', clients: 16, streams: 32, extraHeaders: 30, responseBytes: HELLO_BYTES, figure: 'req/s' },
  { id: 'tls-hello', title: 'TLS+ALPN /hello (c16 m32)', method: 'GET', path: '/hello', clients: 16, streams: 32, tls: true, responseBytes: HELLO_BYTES, figure: 'req/s' },
  { id: 'tls-16k', title: 'TLS+ALPN 16 KiB (c16 m32)', method: 'GET', path: `/bytes/${16 * KIB}`, clients: 16, streams: 32, tls: true, responseBytes: 16 * KIB, figure: 'req/s' },
];

/** Response sizes the nghttpd document root needs as files. */
export function bytesSizes(scenarios: readonly H2Scenario[]): number[] {
  const sizes = new Set<number>();
  for (const s of scenarios) {
    const m = /^\/bytes\/(\d+)$/.exec(s.path);
    if (m !== null) sizes.add(Number(m[1]));
  }
  return [...sizes];
}

/**
 * The 30 headers of the HPACK-heavy case: what a browser behind a few proxies sends, names and
 * values of realistic lengths, the same on every request (so the dynamic table pays off, as it
 * does on a real connection).
 */
export function extraHeaders(count: number): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const base: Array<[string, string]> = [
    ['accept', 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8'],
    ['accept-language', 'en-GB,en;q=0.9,fr;q=0.8,de;q=0.7'],
    ['accept-encoding', 'identity'],
    ['cache-control', 'no-cache'],
    ['pragma', 'no-cache'],
    ['referer', 'https://www.example.com/catalogue/items?page=3&sort=price'],
    ['sec-fetch-dest', 'document'],
    ['sec-fetch-mode', 'navigate'],
    ['sec-fetch-site', 'same-origin'],
    ['sec-fetch-user', '?1'],
    ['upgrade-insecure-requests', '1'],
    ['cookie', 'session=7f3a9c2e41b04d8e9a6f; theme=dark; consent=analytics%3Dno%26ads%3Dno'],
    ['x-forwarded-for', '203.0.113.7, 198.51.100.23'],
    ['x-forwarded-proto', 'https'],
    ['x-request-id', '0b6f5f0e-6a34-4c8e-9d1a-2f3e4d5c6b7a'],
  ];
  for (let i = 0; out.length < count; i++) {
    const [name, value] = base[i % base.length]!;
    out.push(i < base.length ? [name, value] : [`x-extra-${i}`, `${value.slice(0, 24)}-${i}`]);
  }
  return out;
}

/** h2load's arguments for a scenario, without the URL. */
export function h2loadArgs(s: H2Scenario, seconds: number, bodyFile: string | null): string[] {
  const args = [`-c${s.clients}`, `-m${s.streams}`, `-D${seconds}`];
  // h2load's default windows are 64 KiB - 1 per stream and 1 GiB connection-wide (-W 30):
  // large enough that the 1 MiB case measures the servers, not the client's credit.
  if (s.responseBytes >= 256 * 1024) args.push('-w20');
  if (s.method === 'POST' && (s.requestBody ?? 0) === 0) {
    // h2load cannot send an empty -d file (it mmaps it): an empty POST is the method alone.
    args.push('-H', ':method: POST', '-H', 'content-type: application/octet-stream');
  } else if (s.method === 'POST') {
    if (bodyFile === null) throw new Error(`${s.id}: POST needs a body file`);
    args.push('-d', bodyFile, '-H', 'content-type: application/octet-stream');
  }
  for (const [name, value] of extraHeaders(s.extraHeaders ?? 0)) args.push('-H', `${name}: ${value}`);
  return args;
}

/** `--only a,b`: scenario ids, each known. */
export function pickScenarios(only: string | undefined): H2Scenario[] {
  if (only === undefined) return [...H2_SCENARIOS];
  const ids = only.split(',').map((x) => x.trim()).filter((x) => x !== '');
  if (ids.length === 0) throw new BenchError('--only needs scenario ids (see --list)');
  return ids.map((id) => {
    const s = H2_SCENARIOS.find((x) => x.id === id);
    if (s === undefined) throw new BenchError(`--only: unknown scenario ${JSON.stringify(id)} (see --list)`);
    return s;
  });
}

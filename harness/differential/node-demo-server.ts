import http from 'node:http';
import type { Clock } from '../../server/transport/clock.js';
import { DEMO_LIMITS, patternBytes } from '../../server/demo/demo-routes.js';

/**
 * A node:http server with the demo routes' contract (server/demo/demo-routes.ts), written the
 * way a Node user would write them, for the differential check: the same scenario runs against
 * aeronet and against this, and where both are right their answers must agree. Delays run on
 * `clock` (the sim's virtual clock) so the two servers see the same world. The Date header is
 * off: it is the one field that would differ by construction.
 */
export function createNodeDemoServer(clock: Clock): http.Server {
  const server = http.createServer((req, res) => {
    res.sendDate = false;
    handle(req, res, clock).catch((err: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(`${err instanceof Error ? err.message : String(err)}\n`);
      } else res.destroy();
    });
  });
  // The timeouts that node:http checks on a real-time interval cannot follow the virtual clock;
  // turn them off rather than let wall time leak into a simulated run.
  server.requestTimeout = 0;
  server.headersTimeout = 0;
  return server;
}

const TEXT = 'text/plain; charset=utf-8';
const BYTES_CHUNK = 16 * 1024;

class BadRequest extends Error {}

async function handle(req: http.IncomingMessage, res: http.ServerResponse, clock: Clock): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://sim');
  const method = req.method ?? 'GET';
  const route = matchRoute(url.pathname);
  if (route === null) return text(res, 404, 'not found\n');
  const allowed = route.methods;
  if (!allowed.includes(method)) {
    if (method === 'OPTIONS') {
      res.writeHead(204, { allow: [...allowed, 'OPTIONS'].join(', ') });
      res.end();
      return;
    }
    res.writeHead(405, { allow: [...allowed, 'OPTIONS'].join(', '), 'content-type': TEXT });
    res.end('method not allowed\n');
    return;
  }
  try {
    await route.run(req, res, url, clock);
  } catch (err) {
    if (err instanceof BadRequest && !res.headersSent) return text(res, 400, `${err.message}\n`);
    throw err;
  }
}

interface Route {
  methods: string[];
  run(req: http.IncomingMessage, res: http.ServerResponse, url: URL, clock: Clock): Promise<void>;
}

function matchRoute(path: string): Route | null {
  if (path === '/hello') return { methods: ['GET', 'HEAD'], run: async (_req, res) => text(res, 200, 'hello, world\n') };
  if (path === '/echo') return { methods: ['POST'], run: echo };
  if (path === '/stream') return { methods: ['GET', 'HEAD'], run: stream };
  if (path === '/slow') return { methods: ['GET', 'HEAD'], run: slow };
  if (path === '/headers') return { methods: ['GET', 'HEAD'], run: headers };
  const bytesMatch = /^\/bytes\/([^/]*)$/.exec(path);
  if (bytesMatch) return { methods: ['GET', 'HEAD'], run: (req, res) => bytes(req, res, bytesMatch[1]!) };
  return null;
}

function text(res: http.ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': TEXT, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

async function echo(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part as Buffer);
  const body = Buffer.concat(parts);
  res.writeHead(200, { 'content-type': req.headers['content-type'] ?? 'application/octet-stream', 'content-length': body.length });
  res.end(body);
}

async function bytes(req: http.IncomingMessage, res: http.ServerResponse, raw: string): Promise<void> {
  const n = intValue(raw, 'n', 0, DEMO_LIMITS.maxBytes);
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': n });
  for (let sent = 0; sent < n && !req.socket.destroyed; sent += BYTES_CHUNK) {
    await write(res, patternBytes(sent, Math.min(BYTES_CHUNK, n - sent)));
  }
  res.end();
}

async function stream(req: http.IncomingMessage, res: http.ServerResponse, url: URL, clock: Clock): Promise<void> {
  const chunks = intQuery(url, 'chunks', 10, 0, DEMO_LIMITS.maxChunks);
  const size = intQuery(url, 'size', 16, 1, DEMO_LIMITS.maxChunkSize);
  const delay = intQuery(url, 'delay', 0, 0, DEMO_LIMITS.maxDelayMs);
  res.writeHead(200, { 'content-type': 'application/octet-stream' });
  let offset = 0;
  for (let k = 0; k < chunks && !req.socket.destroyed; k++) {
    if (k > 0 && delay > 0) await sleep(clock, delay);
    await write(res, patternBytes(offset, size));
    offset += size;
  }
  res.end();
}

async function slow(_req: http.IncomingMessage, res: http.ServerResponse, url: URL, clock: Clock): Promise<void> {
  const ms = intQuery(url, 'ms', 1000, 0, DEMO_LIMITS.maxDelayMs);
  await sleep(clock, ms);
  text(res, 200, `slept ${ms} ms\n`);
}

async function headers(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const body = JSON.stringify(req.headers);
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** write() that waits for 'drain' when the socket's buffer is full. */
function write(res: http.ServerResponse, chunk: Buffer): Promise<void> {
  if (res.write(chunk)) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

function sleep(clock: Clock, ms: number): Promise<void> {
  return new Promise((resolve) => clock.setTimer(ms, resolve));
}

function intQuery(url: URL, name: string, fallback: number, min: number, max: number): number {
  const raw = url.searchParams.get(name);
  return raw === null ? fallback : intValue(raw, name, min, max);
}

function intValue(raw: string, name: string, min: number, max: number): number {
  if (!/^[0-9]{1,10}$/.test(raw)) throw new BadRequest(`${name} must be a non-negative integer`);
  const n = Number(raw);
  if (n < min || n > max) throw new BadRequest(`${name} must be between ${min} and ${max}`);
  return n;
}

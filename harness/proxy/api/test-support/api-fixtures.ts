import http from 'node:http';
import net from 'node:net';
import { afterEach, expect } from 'vitest';
import { createFaultProxy, type FaultProxy, type FaultProxyOptions } from '../../fault-proxy.js';
import { echo, startUpstream } from '../../runtime/test-support.js';

const cleanups: (() => Promise<unknown> | void)[] = [];

/** Registered once per test file that imports this: undo everything a test started. */
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

export function onCleanup(fn: () => Promise<unknown> | void): void {
  cleanups.push(fn);
}

export async function faultProxy(options: FaultProxyOptions = {}): Promise<FaultProxy> {
  const fp = await createFaultProxy(options);
  onCleanup(() => fp.close());
  return fp;
}

/** A loopback echo server as the proxied upstream. */
export async function echoUpstream(): Promise<{ port: number; address: string; sockets: net.Socket[] }> {
  const up = await startUpstream(echo);
  onCleanup(() => up.close());
  return { port: up.port, address: `127.0.0.1:${up.port}`, sockets: up.sockets };
}

/** A port nothing listens on right now (bound, read, closed). */
export async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', () => resolve()));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/** A port something listens on for the rest of the test (for bind failures). */
export async function busyPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', () => resolve()));
  onCleanup(() => new Promise<void>((resolve) => s.close(() => resolve())));
  return (s.address() as net.AddressInfo).port;
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  json(): unknown;
}

/**
 * One request exactly as given (path not normalised, body bytes as they are), on its own
 * connection. `fetch` would clean `/a/../b` and add headers; this does not.
 */
export function raw(port: number, method: string, path: string, body?: string | Buffer, headers: Record<string, string> = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, headers: { 'User-Agent': 'aeronet-test', ...headers }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode!, headers: res.headers, body: text, json: () => JSON.parse(text) as unknown });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** JSON body helper: `api(fp, 'POST', '/proxies', {...})`. */
export function api(fp: FaultProxy, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<RawResponse> {
  return raw(fp.port, method, path, body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body), headers);
}

/** Create an enabled proxy on 127.0.0.1:0 to `upstream`, returning its bound port. */
export async function proxyTo(fp: FaultProxy, name: string, upstream: string): Promise<number> {
  const r = await api(fp, 'POST', '/proxies', { name, listen: '127.0.0.1:0', upstream });
  if (r.status !== 201) throw new Error(`create ${name}: ${r.status} ${r.body}`);
  return Number((r.json() as { listen: string }).listen.split(':').pop());
}

export const REQUEST_ID = /^[0-9a-v]{20}$/;

/** What Toxiproxy's apiError writes (reference §2). */
export function errorBody(message: string, status: number): string {
  return `${JSON.stringify({ error: message, status })}\n`;
}

/** A Toxiproxy apiError reply, headers included: http.Error's text/plain + nosniff, and a request id. */
export function expectApiError(r: RawResponse, status: number, message: string, what = ''): void {
  expect([r.status, r.body], what).toEqual([status, errorBody(message, status)]);
  expect(r.headers['content-type'], what).toBe('text/plain; charset=utf-8');
  expect(r.headers['x-content-type-options'], what).toBe('nosniff');
  expect(r.headers['x-toxiproxy-request-id'], what).toMatch(REQUEST_ID);
}

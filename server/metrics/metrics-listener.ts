import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PROMETHEUS_CONTENT_TYPE } from './prometheus-text.js';
import { ServerMetrics } from './server-metrics.js';

export interface MetricsListener {
  /** `http://host:port/metrics`. */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * The scrape endpoint (`aeronet serve --metrics-port N`, off by default): GET /metrics answers the
 * Prometheus text, HEAD the same without content, any other method on it 405 with Allow (RFC 9110
 * §15.5.6), any other path 404. A node:http listener on a port of its own, like the debug
 * registry: scrapes never show up in the server's own connections and metrics, and a proxy or
 * load balancer in front of the server never exposes them.
 */
export async function startMetricsListener(source: ServerMetrics | { readonly metrics: ServerMetrics | null }, options: { host?: string; port: number }): Promise<MetricsListener> {
  const metrics = source instanceof ServerMetrics ? source : source.metrics;
  if (metrics === null) throw new Error('startMetricsListener: the server was created without metrics (createServer({ metrics: true, ... }))');
  const listener = http.createServer((req, res) => {
    const path = (req.url ?? '').split('?', 1)[0];
    if (path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found: GET /metrics\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }).end('method not allowed: GET /metrics\n');
      return;
    }
    const body = metrics.expose();
    res.writeHead(200, { 'content-type': PROMETHEUS_CONTENT_TYPE, 'content-length': Buffer.byteLength(body) });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  listener.keepAliveTimeout = 1000;
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    listener.once('error', reject);
    listener.listen(options.port, host, () => {
      listener.off('error', reject);
      resolve();
    });
  });
  const { port, address } = listener.address() as AddressInfo;
  const shown = address.includes(':') ? `[${address}]` : address;
  return {
    url: `http://${shown}:${port}/metrics`,
    close: () => new Promise<void>((resolve) => {
      listener.closeAllConnections();
      listener.close(() => resolve());
    }),
  };
}

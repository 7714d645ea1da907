/**
 * The /metrics listener over real sockets: real requests (node:http, node:http2, TLS), then a
 * scrape, and the numbers in the Prometheus text add up to what was sent.
 */
import http2 from 'node:http2';
import net from 'node:net';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../test-support/test-server.js';
import { eventually, httpRequest } from '../test-support/socket-client.js';
import { generateTestCertificates, type TestCertificates } from '../tls/test-support/certs.js';
import { PROMETHEUS_CONTENT_TYPE } from './prometheus-text.js';
import { startMetricsListener, type MetricsListener } from './metrics-listener.js';

let plain: TestServer;
let secure: TestServer;
let certs: TestCertificates;
let listener: MetricsListener;
let secureListener: MetricsListener;

beforeAll(async () => {
  certs = generateTestCertificates();
  plain = await startTestServer({ metrics: true });
  secure = await startTestServer({ metrics: true, tls: { cert: certs.localhost.cert, key: certs.localhost.key } });
  listener = await startMetricsListener(plain.server, { port: 0 });
  secureListener = await startMetricsListener(secure.server, { host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  await Promise.all([listener?.close(), secureListener?.close(), plain?.close(), secure?.close()]);
  certs?.cleanup();
});

/** The samples of a scrape: `name{labels}` -> value. */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

async function scrape(url: string): Promise<Map<string, number>> {
  const r = await httpRequest(url, { agent: false });
  expect(r.status).toBe(200);
  expect(r.headers['content-type']).toBe(PROMETHEUS_CONTENT_TYPE);
  return samples(r.body.toString('utf8'));
}

describe('startMetricsListener', () => {
  it('serves the counts of real HTTP/1.1 and HTTP/2 traffic as Prometheus text', async () => {
    expect(listener.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const base = plain.url;
    for (let i = 0; i < 3; i++) expect((await httpRequest(`${base}/hello`, { agent: false })).status).toBe(200);
    expect((await httpRequest(`${base}/bytes/7`, { agent: false })).body.length).toBe(7);
    expect((await httpRequest(`${base}/bytes/9`, { agent: false })).status).toBe(200);
    expect((await httpRequest(`${base}/nope`, { agent: false })).status).toBe(404);
    expect((await httpRequest(`${base}/echo`, { agent: false, method: 'POST', body: 'abc' })).body.toString()).toBe('abc');
    // Two streams on one h2c connection (prior knowledge).
    const session = http2.connect(base);
    const get = (path: string) => new Promise<number>((resolve, reject) => {
      const req = session.request({ ':path': path });
      req.on('response', (h) => { req.resume(); req.on('end', () => resolve(Number(h[':status']))); });
      req.on('error', reject);
      req.end();
    });
    expect(await Promise.all([get('/hello'), get('/hello')])).toEqual([200, 200]);
    await new Promise<void>((resolve) => session.close(() => resolve()));
    await eventually(() => plain.server.connectionCount === 0, 3000, 'every connection closed');

    const s = await scrape(listener.url);
    expect(s.get('aeronet_http_requests_total{route="/hello",method="GET",status_class="2xx"}')).toBe(5);
    expect(s.get('aeronet_http_requests_total{route="/bytes/:n",method="GET",status_class="2xx"}')).toBe(2);
    expect(s.get('aeronet_http_requests_total{route="(unmatched)",method="GET",status_class="4xx"}')).toBe(1);
    expect(s.get('aeronet_http_requests_total{route="/echo",method="POST",status_class="2xx"}')).toBe(1);
    expect(s.get('aeronet_http_request_duration_seconds_count{route="/hello",status_class="2xx"}')).toBe(5);
    expect(s.get('aeronet_http_requests_in_flight')).toBe(0);
    // Seven HTTP/1.1 connections, and one that read the HTTP/2 preface and was handed to HTTP/2.
    expect(s.get('aeronet_connections_accepted_total{tls="false"}')).toBe(8);
    expect(s.get('aeronet_connections_opened_total{protocol="h1",tls="false"}')).toBe(8);
    expect(s.get('aeronet_connections_opened_total{protocol="h2",tls="false"}')).toBe(1);
    expect(s.get('aeronet_connections_open{protocol="h1",tls="false"}')).toBe(0);
    expect(s.get('aeronet_connections_open{protocol="h2",tls="false"}')).toBe(0);
    expect(s.get('aeronet_h2_frames_total{direction="in",type="HEADERS"}')).toBe(2);
    expect(s.get('aeronet_h2_frames_total{direction="out",type="HEADERS"}')).toBe(2);
    expect(s.get('aeronet_h2_streams_per_connection_count')).toBe(1);
    expect(s.get('aeronet_h2_streams_per_connection_sum')).toBe(2);
    expect(s.get('aeronet_h2_streams_open')).toBe(0);
    expect(s.get('aeronet_received_bytes_total{protocol="h1",tls="false"}')).toBeGreaterThan(7 * 40);
    expect(s.get('aeronet_sent_bytes_total{protocol="h1",tls="false"}')).toBeGreaterThan(7 * 100);
    // The scrape itself is not counted: it goes to its own listener.
    expect((await scrape(listener.url)).get('aeronet_connections_accepted_total{tls="false"}')).toBe(8);
  });

  it('counts TLS handshakes that complete and those that fail, by reason', async () => {
    const ok = tls.connect({ host: '127.0.0.1', port: secure.port, ca: certs.ca, servername: 'localhost', ALPNProtocols: ['http/1.1'] });
    await new Promise<void>((resolve, reject) => { ok.once('secureConnect', () => resolve()); ok.once('error', reject); });
    ok.end();
    // Not TLS at all: OpenSSL fails the handshake on the first record.
    const bad = net.connect(secure.port, '127.0.0.1');
    bad.on('error', () => {});
    bad.write('GET / HTTP/1.1\r\nhost: x\r\n\r\n');
    await new Promise<void>((resolve) => bad.once('close', () => resolve()));
    await eventually(() => secure.server.connectionCount === 0, 3000, 'the TLS connection closed');
    const s = await scrape(secureListener.url);
    expect(s.get('aeronet_tls_handshakes_total')).toBe(1);
    const failures = [...s].filter(([k]) => k.startsWith('aeronet_tls_handshake_failures_total'));
    expect(failures).toHaveLength(1);
    expect(failures[0]![0]).toMatch(/^aeronet_tls_handshake_failures_total\{reason="ERR_SSL_[A-Z_]+"\}$/);
    expect(failures[0]![1]).toBe(1);
    expect(s.get('aeronet_connections_opened_total{protocol="h1",tls="true"}')).toBe(1);
  });

  it('answers 404 off /metrics, 405 with Allow for other methods, HEAD without content', async () => {
    const origin = listener.url.replace(/\/metrics$/, '');
    const notFound = await httpRequest(`${origin}/`, { agent: false });
    expect(notFound.status).toBe(404);
    const post = await httpRequest(listener.url, { agent: false, method: 'POST', body: 'x' });
    expect(post.status).toBe(405);
    expect(post.headers['allow']).toBe('GET, HEAD');
    const head = await httpRequest(listener.url, { agent: false, method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    expect(Number(head.headers['content-length'])).toBeGreaterThan(100);
    expect((await httpRequest(`${listener.url}?name[]=x`, { agent: false })).status).toBe(200);
  });

  it('refuses a server created without metrics', async () => {
    const bare = await startTestServer();
    try {
      await expect(startMetricsListener(bare.server, { port: 0 })).rejects.toThrow(/without metrics/);
    } finally {
      await bare.close();
    }
  });
});

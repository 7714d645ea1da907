import { describe, expect, it } from 'vitest';
import { connect, waitFor } from '../runtime/test-support.js';
import { api, echoUpstream, faultProxy, proxyTo, REQUEST_ID } from './test-support/api-fixtures.js';
import type { FaultProxy } from '../fault-proxy.js';

async function echoOnce(port: number, text: string): Promise<void> {
  const c = await connect(port);
  c.socket.write(text);
  await waitFor(() => c.received().length === text.length);
  c.socket.end();
  await c.closed;
}

/** Poll /metrics (any method works) until it has something: links finish just after the client's close. */
async function metricsOnceCounted(fp: FaultProxy): Promise<string> {
  const deadline = performance.now() + 3000;
  for (;;) {
    const body = (await api(fp, 'POST', '/metrics')).body;
    if (body !== '' || performance.now() > deadline) return body;
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('/metrics (reference §4)', () => {
  it('is Prometheus text with both counters, labelled, added when a connection finishes', async () => {
    const fp = await faultProxy();
    const empty = await api(fp, 'GET', '/metrics');
    expect([empty.status, empty.body, empty.headers['content-type']]).toEqual([200, '', 'text/plain; version=0.0.4; charset=utf-8']);
    expect(empty.headers['x-toxiproxy-request-id']).toMatch(REQUEST_ID);
    const up = await echoUpstream();
    const port = await proxyTo(fp, 'm', up.address);
    const c = await connect(port);
    c.socket.write('hello');
    await waitFor(() => c.received().length === 5);
    // Not counted while the connection lives.
    expect((await api(fp, 'GET', '/metrics')).body).toBe('');
    c.socket.end();
    await c.closed;
    const body = await metricsOnceCounted(fp);
    const labels = (direction: string) => `{direction="${direction}",listener="127.0.0.1:${port}",proxy="m",upstream="${up.address}"}`;
    expect(body).toBe(
      '# HELP toxiproxy_proxy_received_bytes_total \n' +
        '# TYPE toxiproxy_proxy_received_bytes_total counter\n' +
        `toxiproxy_proxy_received_bytes_total${labels('downstream')} 5\n` +
        `toxiproxy_proxy_received_bytes_total${labels('upstream')} 5\n` +
        '# HELP toxiproxy_proxy_sent_bytes_total \n' +
        '# TYPE toxiproxy_proxy_sent_bytes_total counter\n' +
        `toxiproxy_proxy_sent_bytes_total${labels('downstream')} 5\n` +
        `toxiproxy_proxy_sent_bytes_total${labels('upstream')} 5\n`,
    );
  });

  it('bytes stay under the labels of their time: an upstream change starts new series, a delete keeps the old', async () => {
    const fp = await faultProxy();
    const up1 = await echoUpstream();
    const up2 = await echoUpstream();
    const port = await proxyTo(fp, 'm', up1.address);
    const c = await connect(port);
    c.socket.write('1234');
    await waitFor(() => c.received().length === 4);
    await api(fp, 'PATCH', '/proxies/m', { upstream: up2.address });
    await c.closed;
    await echoOnce(port, 'xy');
    // The delete harvests the second connection (closed by then or by the delete).
    await api(fp, 'DELETE', '/proxies/m');
    const body = (await api(fp, 'GET', '/metrics')).body;
    expect(body).toContain(`toxiproxy_proxy_received_bytes_total{direction="upstream",listener="127.0.0.1:${port}",proxy="m",upstream="${up1.address}"} 4\n`);
    expect(body).toContain(`toxiproxy_proxy_received_bytes_total{direction="upstream",listener="127.0.0.1:${port}",proxy="m",upstream="${up2.address}"} 2\n`);
  });

  it('metrics: false removes the route: the 404 page', async () => {
    const fp = await faultProxy({ metrics: false });
    const r = await api(fp, 'GET', '/metrics');
    expect([r.status, r.body]).toEqual([404, '404 page not found\n']);
  });
});

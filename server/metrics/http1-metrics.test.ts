import { describe, expect, it } from 'vitest';
import { encodeSettings } from '../http2/frames/frame-writer.js';
import { CONNECTION_PREFACE } from '../http2/frames/constants.js';
import { pipelined, simH1World } from './test-support/sim-h1.js';

describe('request and connection metrics over HTTP/1.1 on the sim', () => {
  it('counts requests by route pattern, method and status class, latency on the server clock, and bytes from the WorkMeter', async () => {
    const w = simH1World(51, { metrics: true });
    const conn = w.open();
    await w.sim.run((async () => {
      await conn.client.write(pipelined('/hello', 'HEAD /hello', '/bytes/10', '/bytes/20', '/nope', 'DELETE /hello', '/slow?ms=300'));
      await conn.client.until(() => conn.client.ended);
      conn.client.end();
      await conn.client.untilClosed();
    })());
    await w.sim.runUntilIdle();
    const metrics = w.server.metrics!;
    expect(metrics.requestCounts()).toEqual({
      'GET /hello 2xx': 1,
      'HEAD /hello 2xx': 1,
      // The pattern, never the raw path: /bytes/10 and /bytes/20 are one series.
      'GET /bytes/:n 2xx': 2,
      'GET (unmatched) 4xx': 1,
      'DELETE (unmatched) 4xx': 1,
      'GET /slow 2xx': 1,
    });
    const m = metrics.snapshot();
    expect(m.requests).toEqual({ inFlight: 0, total: 7, aborted: 0, byStatusClass: { '2xx': 5, '4xx': 2 } });
    expect(m.bytes).toEqual({ received: w.meters[0]!.bytesIn, sent: w.meters[0]!.bytesOut });
    expect(m.connections).toMatchObject({ open: 0, opened: 1, accepted: 1, refused: 0 });
    const text = metrics.expose();
    expect(text).toContain('aeronet_http_request_duration_seconds_sum{route="/slow",status_class="2xx"} 0.3\n');
    expect(text).toContain('aeronet_http_request_duration_seconds_bucket{route="/slow",status_class="2xx",le="0.25"} 0\n');
    expect(text).toContain('aeronet_http_request_duration_seconds_bucket{route="/slow",status_class="2xx",le="0.5"} 1\n');
    expect(text).toContain(`aeronet_received_bytes_total{protocol="h1",tls="false"} ${w.meters[0]!.bytesIn}\n`);
    expect(text).toContain('aeronet_connections_opened_total{protocol="h1",tls="false"} 1\n');
    expect(text).toContain('aeronet_connections_open{protocol="h1",tls="false"} 0\n');
  });

  it('an exchange the peer walks away from is aborted, in flight until then', async () => {
    const w = simH1World(52, { metrics: true });
    const conn = w.open();
    let during = -1;
    await w.sim.run((async () => {
      await conn.client.write(pipelined('/slow?ms=1000'));
      await w.sim.sleep(100);
      during = w.server.metrics!.snapshot().requests.inFlight;
      conn.client.reset();
      await w.sim.sleep(10);
    })());
    await w.sim.runUntilIdle();
    expect(during).toBe(1);
    const m = w.server.metrics!.snapshot();
    expect(m.requests).toMatchObject({ inFlight: 0, total: 1, aborted: 1 });
    expect(w.server.metrics!.requestCounts()).toEqual({ 'GET /slow none': 1 });
  });

  it('classifies connections: h1, then h2 for prior knowledge and h2c-upgrade for the Upgrade; bytes are not counted twice', async () => {
    const w = simH1World(53, { metrics: true });
    const prior = w.open();
    const upgrade = w.open();
    let openDuring: Record<string, number> = {};
    await w.sim.run((async () => {
      await prior.client.write(Buffer.concat([CONNECTION_PREFACE, encodeSettings([])]));
      // The h2c Upgrade (RFC 7540 §3.2): HTTP2-Settings carries SETTINGS_ENABLE_PUSH = 0.
      await upgrade.client.write('GET /hello HTTP/1.1\r\nhost: sim.test\r\nconnection: Upgrade, HTTP2-Settings\r\nupgrade: h2c\r\nhttp2-settings: AAIAAAAA\r\n\r\n');
      await upgrade.client.until(() => upgrade.client.received.includes('hello, world\n'));
      await upgrade.client.write(Buffer.concat([CONNECTION_PREFACE, encodeSettings([])]));
      await w.sim.sleep(10);
      openDuring = w.server.metrics!.snapshot().connections.openByProtocol;
      prior.client.end();
      upgrade.client.end();
      await Promise.all([prior.client.untilClosed(), upgrade.client.untilClosed()]);
    })());
    await w.sim.runUntilIdle();
    expect(openDuring).toEqual({ h1: 0, h2: 1, 'h2c-upgrade': 1 });
    const m = w.server.metrics!.snapshot();
    expect(m.connections).toMatchObject({ open: 0, accepted: 2, opened: 4 });
    const text = w.server.metrics!.expose();
    for (const line of ['aeronet_connections_opened_total{protocol="h1",tls="false"} 2', 'aeronet_connections_opened_total{protocol="h2",tls="false"} 1', 'aeronet_connections_opened_total{protocol="h2c-upgrade",tls="false"} 1']) expect(text).toContain(line + '\n');
    // Each byte once, under the protocol that read or wrote it.
    expect(m.bytes).toEqual({ received: w.meters[0]!.bytesIn + w.meters[1]!.bytesIn, sent: w.meters[0]!.bytesOut + w.meters[1]!.bytesOut });
    // The Upgrade's own exchange ended with its 101 (no route ran for it); stream 1 carried the response.
    expect(w.server.metrics!.requestCounts()).toEqual({ 'GET (unmatched) 1xx': 1, 'GET /hello 2xx': 1 });
  });

  it('counts refused connections by reason', async () => {
    const w = simH1World(54, { metrics: true, maxConnections: 1 });
    const a = w.open();
    const b = w.open();
    await w.sim.run((async () => {
      await b.client.untilClosed();
      a.client.end();
      await a.client.untilClosed();
    })());
    await w.sim.runUntilIdle();
    expect(w.server.metrics!.snapshot().connections).toMatchObject({ accepted: 1, refused: 1, open: 0 });
    expect(w.server.metrics!.expose()).toContain('aeronet_connections_refused_total{reason="max-connections"} 1\n');
  });
});

import { describe, expect, it } from 'vitest';
import type { FinishedExchange } from '../core/exchange-observer.js';
import { WorkMeter } from '../core/work-meter.js';
import { ServerMetrics } from './server-metrics.js';

function exchange(over: Partial<FinishedExchange> & { method?: string; route?: string } = {}): FinishedExchange {
  const { method = 'GET', route = '/a', ...rest } = over;
  return {
    request: { method, route, path: route, httpVersion: '1.1', remoteAddress: '127.0.0.1' } as FinishedExchange['request'],
    status: 200, bodyBytesSent: 0, startedAt: 1000, endedAt: 1000, connectionId: 1, streamId: 0, aborted: false,
    ...rest,
  };
}

describe('ServerMetrics', () => {
  it('keeps label values bounded: odd methods are "other", odd statuses "other", no head "none"', () => {
    const m = new ServerMetrics();
    for (const ex of [exchange(), exchange({ method: 'BREW' }), exchange({ status: 799 }), exchange({ status: 0, aborted: true }), exchange({ method: 'PATCH', status: 503 })]) {
      m.exchangeStarted();
      m.exchangeFinished(ex);
    }
    expect(m.requestCounts()).toEqual({ 'GET /a 2xx': 1, 'other /a 2xx': 1, 'GET /a other': 1, 'GET /a none': 1, 'PATCH /a 5xx': 1 });
    expect(m.snapshot().requests).toEqual({ inFlight: 0, total: 5, aborted: 1, byStatusClass: { '2xx': 2, other: 1, none: 1, '5xx': 1 } });
  });

  it('past 1000 distinct routes the rest share "(other)"', () => {
    const m = new ServerMetrics();
    for (let i = 0; i < 1005; i++) m.exchangeFinished(exchange({ route: `/r${i}` }));
    const counts = m.requestCounts();
    expect(Object.keys(counts)).toHaveLength(1001);
    expect(counts['GET (other) 2xx']).toBe(5);
  });

  it('adds a connection\'s bytes once, even when its WorkMeter goes on to HTTP/2', () => {
    const m = new ServerMetrics();
    const meter = new WorkMeter();
    m.connectionAccepted(false);
    m.connectionOpened(1, 'h1', false, meter);
    meter.read(24);
    meter.wrote(0);
    m.connectionClosed(1); // handed to HTTP/2 after the preface
    m.connectionOpened(2, 'h2', false, meter);
    meter.read(100);
    meter.wrote(50);
    m.connectionClosed(2);
    m.connectionClosed(2); // a second close of the same id changes nothing
    const text = m.expose();
    expect(text).toContain('aeronet_received_bytes_total{protocol="h1",tls="false"} 24\n');
    expect(text).toContain('aeronet_received_bytes_total{protocol="h2",tls="false"} 100\n');
    expect(text).toContain('aeronet_sent_bytes_total{protocol="h2",tls="false"} 50\n');
    expect(m.snapshot().bytes).toEqual({ received: 124, sent: 50 });
    expect(m.snapshot().connections).toMatchObject({ open: 0, opened: 2, accepted: 1 });
  });

  it('bounds TLS failure reasons: codes as they are, anything odd or past 32 reasons is "other"', () => {
    const m = new ServerMetrics();
    m.tlsHandshakeCompleted();
    m.tlsHandshakeFailed('ERR_SSL_WRONG_VERSION_NUMBER');
    m.tlsHandshakeFailed('ERR_SSL_WRONG_VERSION_NUMBER');
    m.tlsHandshakeFailed('has spaces');
    m.tlsHandshakeFailed(undefined);
    for (let i = 0; i < 40; i++) m.tlsHandshakeFailed(`CODE_${i}`);
    const { tls } = m.snapshot();
    expect(tls.handshakes).toBe(1);
    expect(tls.failures['ERR_SSL_WRONG_VERSION_NUMBER']).toBe(2);
    expect(Object.keys(tls.failures)).toHaveLength(32);
    expect(tls.failures['other']).toBe(2 + 40 - 30);
  });

  it('shows the connection series at 0 before any traffic, and every family with HELP and TYPE', () => {
    const text = new ServerMetrics().expose();
    expect(text).toContain('aeronet_connections_open{protocol="h1",tls="false"} 0\n');
    expect(text).toContain('aeronet_connections_open{protocol="h2",tls="true"} 0\n');
    expect(text).toContain('aeronet_h2_defence_trips_total{defence="maxPeerResets"} 0\n');
    const families = [...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => `${m[1]} ${m[2]}`);
    expect(families).toEqual([
      'aeronet_http_requests_total counter',
      'aeronet_http_request_duration_seconds histogram',
      'aeronet_http_requests_in_flight gauge',
      'aeronet_http_requests_aborted_total counter',
      'aeronet_connections_accepted_total counter',
      'aeronet_connections_refused_total counter',
      'aeronet_connections_opened_total counter',
      'aeronet_connections_open gauge',
      'aeronet_received_bytes_total counter',
      'aeronet_sent_bytes_total counter',
      'aeronet_tls_handshakes_total counter',
      'aeronet_tls_handshake_failures_total counter',
      'aeronet_h2_frames_total counter',
      'aeronet_h2_rst_stream_total counter',
      'aeronet_h2_goaway_total counter',
      'aeronet_h2_hpack_block_bytes_total counter',
      'aeronet_h2_hpack_field_bytes_total counter',
      'aeronet_h2_streams_open gauge',
      'aeronet_h2_stream_duration_seconds histogram',
      'aeronet_h2_streams_per_connection histogram',
      'aeronet_h2_defence_trips_total counter',
    ]);
    // Every sample line is `name{labels} value` or `name value`.
    for (const line of text.split('\n').filter((l) => l !== '' && !l.startsWith('#'))) expect(line).toMatch(/^[a-z][a-z0-9_:]*(\{[^}]*\})? [0-9.e+\-Inf]+$/);
  });
});

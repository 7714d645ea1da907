import { describe, expect, it } from 'vitest';
import { MetricsRegistry } from './registry.js';
import { escapeHelp, escapeLabelValue, formatValue, PROMETHEUS_CONTENT_TYPE } from './prometheus-text.js';

describe('MetricsRegistry: Prometheus text format 0.0.4', () => {
  it('renders counters, gauges and histograms with HELP, TYPE, labels and cumulative buckets', () => {
    const r = new MetricsRegistry();
    const requests = r.counter('app_requests_total', 'Requests served', ['route', 'code']);
    requests.labels('/a', '200').inc();
    requests.labels('/a', '200').inc(2);
    requests.labels('/b', '404').inc();
    r.gauge('app_open', 'Open now').labels().set(3);
    const h = r.histogram('app_seconds', 'Latency', ['route'], [0.1, 1]);
    const a = h.labels('/a');
    for (const v of [0.05, 0.1, 0.5, 2]) a.observe(v);
    expect(r.expose()).toBe([
      '# HELP app_requests_total Requests served',
      '# TYPE app_requests_total counter',
      'app_requests_total{route="/a",code="200"} 3',
      'app_requests_total{route="/b",code="404"} 1',
      '# HELP app_open Open now',
      '# TYPE app_open gauge',
      'app_open 3',
      '# HELP app_seconds Latency',
      '# TYPE app_seconds histogram',
      // 0.1 is in the 0.1 bucket: a bucket counts observations <= its bound ("le").
      'app_seconds_bucket{route="/a",le="0.1"} 2',
      'app_seconds_bucket{route="/a",le="1"} 3',
      'app_seconds_bucket{route="/a",le="+Inf"} 4',
      'app_seconds_sum{route="/a"} 2.65',
      'app_seconds_count{route="/a"} 4',
      '',
    ].join('\n'));
    expect(PROMETHEUS_CONTENT_TYPE).toBe('text/plain; version=0.0.4; charset=utf-8');
  });

  it('escapes label values (backslash, quote, line feed) and HELP text (backslash, line feed)', () => {
    expect(escapeLabelValue('a\\b"c\nd')).toBe('a\\\\b\\"c\\nd');
    expect(escapeLabelValue('/plain')).toBe('/plain');
    expect(escapeHelp('one\\two\nthree "q"')).toBe('one\\\\two\\nthree "q"');
    const r = new MetricsRegistry();
    r.counter('x_total', 'line one\nline two', ['v']).labels('say "hi"\n').inc();
    expect(r.expose()).toBe('# HELP x_total line one\\nline two\n# TYPE x_total counter\nx_total{v="say \\"hi\\"\\n"} 1\n');
  });

  it('spells the special values as Go parses them', () => {
    expect(formatValue(Infinity)).toBe('+Inf');
    expect(formatValue(-Infinity)).toBe('-Inf');
    expect(formatValue(NaN)).toBe('NaN');
    expect(formatValue(1.5)).toBe('1.5');
    expect(formatValue(1e21)).toBe('1e+21');
  });

  it('rejects what the format cannot carry, at declaration', () => {
    const r = new MetricsRegistry();
    expect(() => r.counter('bad-name', 'x')).toThrow(/invalid metric name/);
    expect(() => r.counter('ok_total', 'x', ['__reserved'])).toThrow(/invalid label name/);
    expect(() => r.counter('ok2_total', 'x', ['a', 'a'])).toThrow(/duplicate label names/);
    expect(() => r.histogram('h', 'x', ['le'], [1])).toThrow(/"le" is the bucket label/);
    expect(() => r.histogram('h2', 'x', [], [1, 1])).toThrow(/must increase/);
    expect(() => r.histogram('h3', 'x', [], [1, Infinity])).toThrow(/finite/);
    r.counter('dup_total', 'x');
    expect(() => r.counter('dup_total', 'x')).toThrow(/already registered/);
    expect(() => r.counter('c_total', 'x', ['a']).labels()).toThrow(/expected 1 label value/);
  });

  it('hands back the same child for the same label values, so hot code can keep it', () => {
    const c = new MetricsRegistry().counter('c_total', 'x', ['a', 'b']);
    expect(c.labels('x', 'y')).toBe(c.labels('x', 'y'));
    // The key cannot be confused by a separator inside a value.
    expect(c.labels('x,y', 'z')).not.toBe(c.labels('x', 'y,z'));
    expect(new MetricsRegistry().expose()).toBe('');
  });
});

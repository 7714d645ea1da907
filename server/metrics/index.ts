/** Metrics: the server's registry (`server.metrics`), its Prometheus text, and the /metrics listener. */
export { ServerMetrics, type MetricsSnapshot } from './server-metrics.js';
export { Http2Metrics, type Http2Snapshot, type HpackCounts } from './http2-metrics.js';
export { MetricsRegistry, Counter, Gauge, Histogram, CounterChild, GaugeChild, HistogramChild } from './registry.js';
export { PROMETHEUS_CONTENT_TYPE } from './prometheus-text.js';
export { startMetricsListener, type MetricsListener } from './metrics-listener.js';

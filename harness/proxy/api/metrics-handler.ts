import type { Handler } from './handler.js';
import { PROMETHEUS_TEXT, prometheusText } from './prometheus-text.js';

/**
 * /metrics, any method (reference §4). Toxiproxy's promhttp handler would gzip for a client that
 * asks; we always answer identity, which every Prometheus client accepts.
 */
export const metrics: Handler = async ({ registry }) => ({
  status: 200,
  headers: { 'Content-Type': PROMETHEUS_TEXT },
  body: prometheusText(await registry.byteSeries()),
});

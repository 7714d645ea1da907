/**
 * /metrics in the Prometheus text format as client_golang writes Toxiproxy's two counters
 * (reference §4): families by name, `# HELP <name> ` (Toxiproxy sets no help text) and
 * `# TYPE <name> counter`, labels in name order, series in label-value order, values in Go's
 * %g. A family with no series yet is left out, so before any link finished the body is empty.
 */
import type { ByteSeries } from '../registry/byte-counters.js';
import { compareUtf8, goFormatG } from './go-json-encode.js';

export const PROMETHEUS_TEXT = 'text/plain; version=0.0.4; charset=utf-8';

const FAMILIES = [
  ['toxiproxy_proxy_received_bytes_total', 'received'],
  ['toxiproxy_proxy_sent_bytes_total', 'sent'],
] as const;

function labelValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function labels(s: ByteSeries): string {
  return `{direction="${labelValue(s.direction)}",listener="${labelValue(s.listener)}",proxy="${labelValue(s.proxy)}",upstream="${labelValue(s.upstream)}"}`;
}

function compareSeries(a: ByteSeries, b: ByteSeries): number {
  return compareUtf8(a.direction, b.direction) || compareUtf8(a.listener, b.listener) || compareUtf8(a.proxy, b.proxy) || compareUtf8(a.upstream, b.upstream);
}

export function prometheusText(series: readonly ByteSeries[]): string {
  if (series.length === 0) return '';
  const sorted = [...series].sort(compareSeries);
  let out = '';
  for (const [name, field] of FAMILIES) {
    out += `# HELP ${name} \n# TYPE ${name} counter\n`;
    for (const s of sorted) out += `${name}${labels(s)} ${goFormatG(s[field])}\n`;
  }
  return out;
}

/**
 * The Prometheus text exposition format, version 0.0.4 (the format every Prometheus server and
 * most scrapers read): `# HELP` and `# TYPE` lines, then one `name{label="value"} number` line
 * per series. What must be escaped is the format's rule, not ours: in label values backslash,
 * double quote and line feed; in HELP text backslash and line feed.
 */

/** The Content-Type a scrape expects for this format. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Metric names: [a-zA-Z_:][a-zA-Z0-9_:]* (colons are for recording rules, but legal). */
export const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
/** Label names: [a-zA-Z_][a-zA-Z0-9_]*; names starting with __ are reserved for Prometheus itself. */
export const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export function escapeLabelValue(value: string): string {
  return /[\\"\n]/.test(value) ? value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n') : value;
}

export function escapeHelp(text: string): string {
  return /[\\\n]/.test(text) ? text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n') : text;
}

/** A sample value: Go's ParseFloat spellings for the special values (+Inf, -Inf, NaN). */
export function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

/** `{a="x",b="y"}` for the given names and values, or '' when there are none. */
export function formatLabels(names: readonly string[], values: readonly string[]): string {
  if (names.length === 0) return '';
  let out = '{';
  for (let i = 0; i < names.length; i++) {
    if (i > 0) out += ',';
    out += `${names[i]}="${escapeLabelValue(values[i]!)}"`;
  }
  return out + '}';
}

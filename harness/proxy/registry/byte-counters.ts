import type { Direction, LinkTotals, ProxyRuntime } from '../model.js';

/** One series of /metrics: Toxiproxy's labels (reference §4 /metrics). */
export interface ByteSeries {
  direction: Direction;
  proxy: string;
  listener: string;
  upstream: string;
  /** toxiproxy_proxy_received_bytes_total: bytes read from the link's source. */
  received: number;
  /** toxiproxy_proxy_sent_bytes_total: bytes written to the link's destination. */
  sent: number;
}

/**
 * The counters behind /metrics. Toxiproxy adds a finished link's bytes under the proxy's labels
 * of that moment and keeps every series for the life of the process, deleted proxies included.
 * A runtime only sums finished links per direction, so each proxy is "harvested": the growth of
 * its totals since the last harvest goes to the labels it has now. The registry harvests before
 * listen or upstream change and before a runtime is dropped, and /metrics harvests all first.
 *
 * A series appears once bytes were counted under it; Toxiproxy also shows a 0 series for a link
 * that finished without data, which runtime totals cannot tell apart from no link at all.
 */
export class ByteCounters {
  private readonly series = new Map<string, ByteSeries>();
  private readonly seen = new WeakMap<ProxyRuntime, LinkTotals[]>();

  harvest(runtime: ProxyRuntime, labels: { proxy: string; listener: string; upstream: string }): void {
    const now = runtime.totals();
    const before = this.seen.get(runtime) ?? [];
    this.seen.set(runtime, now.map((t) => ({ ...t })));
    for (const t of now) {
      const prev = before.find((b) => b.direction === t.direction);
      const received = t.received - (prev?.received ?? 0);
      const sent = t.sent - (prev?.sent ?? 0);
      if (received === 0 && sent === 0) continue;
      const key = JSON.stringify([t.direction, labels.proxy, labels.listener, labels.upstream]);
      let s = this.series.get(key);
      if (s === undefined) {
        s = { direction: t.direction, ...labels, received: 0, sent: 0 };
        this.series.set(key, s);
      }
      s.received += received;
      s.sent += sent;
    }
  }

  list(): ByteSeries[] {
    return [...this.series.values()].map((s) => ({ ...s }));
  }
}

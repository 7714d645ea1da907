import type { ExchangeObserver, FinishedExchange } from '../core/exchange-observer.js';
import type { WorkMeter } from '../core/work-meter.js';
import { MetricsRegistry, type Counter, type CounterChild, type Gauge, type GaugeChild, type Histogram, type HistogramChild } from './registry.js';
import { Http2Metrics, type Http2Snapshot } from './http2-metrics.js';
import { CONNECTION_PROTOCOLS, METHODS, methodIndex, STATUS_CLASSES, statusClassIndex, type ConnectionProtocol } from './labels.js';

/** Seconds, from 1 ms (the Clock's resolution) to 10 s. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Past this many distinct routes (a handler setting req.route from input), the rest share "(other)". */
const MAX_ROUTES = 1000;
/** Distinct TLS failure reasons kept as labels; further ones are "other". */
const MAX_TLS_REASONS = 32;
const TLS_REASON = /^[A-Za-z0-9_]{1,64}$/;

const CLASSES = STATUS_CLASSES.length;

/** A route's children, by method x status class, made on first use of each combination. */
interface RouteRecord {
  readonly route: string;
  readonly requests: Array<CounterChild | null>;
  readonly latency: Array<HistogramChild | null>;
}

interface OpenConnection {
  readonly slot: number;
  readonly meter: WorkMeter | null;
}

/** Plain numbers for assertions (the harness's "nothing leaks" check) and quick looks. */
export interface MetricsSnapshot {
  connections: {
    /** Live connections, all protocols. */
    open: number;
    openByProtocol: Record<ConnectionProtocol, number>;
    openTls: number;
    /** Transports served (accept(), a TLS session after its handshake); refused ones are counted apart. */
    accepted: number;
    refused: number;
    /** Protocol connections started (an h2c connection counts as h1, then h2). */
    opened: number;
  };
  requests: {
    inFlight: number;
    total: number;
    aborted: number;
    byStatusClass: Record<string, number>;
  };
  bytes: { received: number; sent: number };
  tls: { handshakes: number; failures: Record<string, number> };
  h2: Http2Snapshot;
}

/**
 * Everything the server counts, on one registry: requests (by route pattern, method and status
 * class) and their latency, connections by protocol, bytes in and out (read off each connection's
 * WorkMeter when it ends, so counting them adds nothing per request), TLS handshakes, and the
 * HTTP/2 detail (`h2`). It is the exchange observer the protocols call; per exchange that is a
 * Map lookup by route, two array indexes and a few adds, with no allocation once a route's
 * children exist.
 *
 * Sans-I/O like the protocol code that feeds it: it reads no clock (durations are the
 * exchange's own Clock readings) and does no I/O; `expose()` renders the Prometheus text.
 */
export class ServerMetrics implements ExchangeObserver {
  readonly registry: MetricsRegistry;
  readonly h2: Http2Metrics;
  private readonly requests: Counter;
  private readonly latency: Histogram;
  private readonly inFlight: GaugeChild;
  private readonly aborted: CounterChild;
  private readonly routes = new Map<string, RouteRecord>();
  private readonly accepted: [CounterChild, CounterChild];
  private readonly refused: Counter;
  private readonly opened: Counter;
  private readonly openGauge: Gauge;
  private readonly received: Counter;
  private readonly sent: Counter;
  /** Children per (protocol, tls) slot: protocol index * 2 + (tls ? 1 : 0). */
  private readonly openSlots: Array<GaugeChild | null> = new Array(CONNECTION_PROTOCOLS.length * 2).fill(null);
  private readonly openedSlots: Array<CounterChild | null> = new Array(CONNECTION_PROTOCOLS.length * 2).fill(null);
  private readonly receivedSlots: Array<CounterChild | null> = new Array(CONNECTION_PROTOCOLS.length * 2).fill(null);
  private readonly sentSlots: Array<CounterChild | null> = new Array(CONNECTION_PROTOCOLS.length * 2).fill(null);
  private readonly open = new Map<number, OpenConnection>();
  /** Bytes of each meter already added: a meter outlives its HTTP/1.1 connection after h2c. */
  private readonly accounted = new WeakMap<WorkMeter, { bytesIn: number; bytesOut: number }>();
  private readonly handshakes: CounterChild;
  private readonly handshakeFailures: Counter;
  private readonly tlsFailures = new Map<string, CounterChild>();
  private readonly refusedByReason = new Map<string, CounterChild>();

  constructor(registry: MetricsRegistry = new MetricsRegistry()) {
    this.registry = registry;
    this.requests = registry.counter('aeronet_http_requests_total', 'Finished HTTP exchanges by route pattern (never the raw path), method and status class', ['route', 'method', 'status_class']);
    this.latency = registry.histogram('aeronet_http_request_duration_seconds', 'From the request head to the response handed to the transport in full (or the exchange torn down), on the server clock', ['route', 'status_class'], LATENCY_BUCKETS);
    this.inFlight = registry.gauge('aeronet_http_requests_in_flight', 'Exchanges whose request head has arrived and that have not finished').labels();
    this.aborted = registry.counter('aeronet_http_requests_aborted_total', 'Exchanges torn down before their response completed (peer gone or reset, response failed)').labels();
    const accepted = registry.counter('aeronet_connections_accepted_total', 'Transports served (TLS ones after their handshake); refused ones are counted apart', ['tls']);
    this.accepted = [accepted.labels('false'), accepted.labels('true')];
    this.refused = registry.counter('aeronet_connections_refused_total', 'Transports reset at once, by reason (draining, max-connections)', ['reason']);
    for (const reason of ['draining', 'max-connections']) this.refusedByReason.set(reason, this.refused.labels(reason));
    this.opened = registry.counter('aeronet_connections_opened_total', 'Protocol connections started, by protocol (an HTTP/1.1 connection that switches to HTTP/2 counts under both)', ['protocol', 'tls']);
    this.openGauge = registry.gauge('aeronet_connections_open', 'Connections being served now, by protocol', ['protocol', 'tls']);
    this.received = registry.counter('aeronet_received_bytes_total', 'Bytes read from peers, added when a connection ends (from its WorkMeter)', ['protocol', 'tls']);
    this.sent = registry.counter('aeronet_sent_bytes_total', 'Bytes queued to peers, added when a connection ends (from its WorkMeter)', ['protocol', 'tls']);
    this.handshakes = registry.counter('aeronet_tls_handshakes_total', 'TLS handshakes completed').labels();
    this.handshakeFailures = registry.counter('aeronet_tls_handshake_failures_total', 'TLS handshakes that failed, by reason (OpenSSL or Node error code, timeout, EOF...)', ['reason']);
    // The combinations that can happen, so a scrape shows them at 0 from the start.
    for (const [protocol, tls] of [['h1', false], ['h1', true], ['h2', false], ['h2', true], ['h2c-upgrade', false]] as const) this.slot(protocol, tls);
    this.h2 = new Http2Metrics(registry);
  }

  // ---- ExchangeObserver (the protocols call these) ----

  exchangeStarted(): void {
    this.inFlight.value++;
  }

  exchangeFinished(ex: FinishedExchange): void {
    this.inFlight.value--;
    const req = ex.request;
    const record = this.routes.get(req.route) ?? this.addRoute(req.route);
    const c = statusClassIndex(ex.status);
    const k = methodIndex(req.method) * CLASSES + c;
    (record.requests[k] ?? this.requestChild(record, k)).value++;
    (record.latency[c] ?? this.latencyChild(record, c)).observe((ex.endedAt - ex.startedAt) / 1000);
    if (ex.aborted) this.aborted.value++;
  }

  // ---- Connections (the server calls these) ----

  connectionAccepted(tls: boolean): void {
    this.accepted[tls ? 1 : 0].value++;
  }

  connectionRefused(reason: 'draining' | 'max-connections'): void {
    this.refusedByReason.get(reason)!.value++;
  }

  /** A connection entered the server's registry. */
  connectionOpened(id: number, protocol: ConnectionProtocol, tls: boolean, meter: WorkMeter | null): void {
    const slot = this.slot(protocol, tls);
    this.openedSlots[slot]!.value++;
    this.openSlots[slot]!.value++;
    this.open.set(id, { slot, meter });
  }

  /** A connection left the registry (closed, or handed to HTTP/2): its bytes since it opened are added. */
  connectionClosed(id: number): void {
    const conn = this.open.get(id);
    if (conn === undefined) return;
    this.open.delete(id);
    this.openSlots[conn.slot]!.value--;
    const meter = conn.meter;
    if (meter === null) return;
    const before = this.accounted.get(meter);
    this.receivedSlots[conn.slot]!.value += meter.bytesIn - (before?.bytesIn ?? 0);
    this.sentSlots[conn.slot]!.value += meter.bytesOut - (before?.bytesOut ?? 0);
    if (before === undefined) this.accounted.set(meter, { bytesIn: meter.bytesIn, bytesOut: meter.bytesOut });
    else {
      before.bytesIn = meter.bytesIn;
      before.bytesOut = meter.bytesOut;
    }
  }

  tlsHandshakeCompleted(): void {
    this.handshakes.value++;
  }

  tlsHandshakeFailed(code: string | undefined): void {
    let reason = code !== undefined && TLS_REASON.test(code) ? code : 'other';
    if (!this.tlsFailures.has(reason) && this.tlsFailures.size >= MAX_TLS_REASONS) reason = 'other';
    let child = this.tlsFailures.get(reason);
    if (child === undefined) this.tlsFailures.set(reason, (child = this.handshakeFailures.labels(reason)));
    child.value++;
  }

  // ---- Reading ----

  /** The Prometheus text (format 0.0.4) of every metric. */
  expose(): string {
    return this.registry.expose();
  }

  snapshot(): MetricsSnapshot {
    const openByProtocol = Object.fromEntries(CONNECTION_PROTOCOLS.map((p) => [p, 0])) as Record<ConnectionProtocol, number>;
    let open = 0;
    let openTls = 0;
    let opened = 0;
    let received = 0;
    let sent = 0;
    for (let slot = 0; slot < this.openSlots.length; slot++) {
      const n = this.openSlots[slot]?.value ?? 0;
      openByProtocol[CONNECTION_PROTOCOLS[slot >> 1]!] += n;
      open += n;
      if ((slot & 1) === 1) openTls += n;
      opened += this.openedSlots[slot]?.value ?? 0;
      received += this.receivedSlots[slot]?.value ?? 0;
      sent += this.sentSlots[slot]?.value ?? 0;
    }
    const byStatusClass: Record<string, number> = {};
    let total = 0;
    for (const record of this.routes.values()) {
      record.requests.forEach((child, k) => {
        if (child === null) return;
        const cls = STATUS_CLASSES[k % CLASSES]!;
        byStatusClass[cls] = (byStatusClass[cls] ?? 0) + child.value;
        total += child.value;
      });
    }
    const failures: Record<string, number> = {};
    for (const [reason, child] of this.tlsFailures) failures[reason] = child.value;
    return {
      connections: { open, openByProtocol, openTls, accepted: this.accepted[0].value + this.accepted[1].value, refused: this.refusedTotal(), opened },
      requests: { inFlight: this.inFlight.value, total, aborted: this.aborted.value, byStatusClass },
      bytes: { received, sent },
      tls: { handshakes: this.handshakes.value, failures },
      h2: this.h2.snapshot(),
    };
  }

  /** Requests by route and method (and status class), for tests and quick looks: `GET /hello 2xx` -> n. */
  requestCounts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const record of this.routes.values()) {
      record.requests.forEach((child, k) => {
        if (child !== null && child.value > 0) out[`${METHODS[Math.floor(k / CLASSES)]} ${record.route} ${STATUS_CLASSES[k % CLASSES]}`] = child.value;
      });
    }
    return out;
  }

  private refusedTotal(): number {
    let n = 0;
    for (const child of this.refusedByReason.values()) n += child.value;
    return n;
  }

  private slot(protocol: ConnectionProtocol, tls: boolean): number {
    const slot = CONNECTION_PROTOCOLS.indexOf(protocol) * 2 + (tls ? 1 : 0);
    if (this.openSlots[slot] === null) {
      const t = tls ? 'true' : 'false';
      this.openSlots[slot] = this.openGauge.labels(protocol, t);
      this.openedSlots[slot] = this.opened.labels(protocol, t);
      this.receivedSlots[slot] = this.received.labels(protocol, t);
      this.sentSlots[slot] = this.sent.labels(protocol, t);
    }
    return slot;
  }

  private addRoute(route: string): RouteRecord {
    const name = this.routes.size < MAX_ROUTES ? route : '(other)';
    let record = this.routes.get(name);
    if (record === undefined) {
      record = { route: name, requests: new Array(METHODS.length * CLASSES).fill(null), latency: new Array(CLASSES).fill(null) };
      this.routes.set(name, record);
    }
    return record;
  }

  private requestChild(record: RouteRecord, k: number): CounterChild {
    const child = this.requests.labels(record.route, METHODS[Math.floor(k / CLASSES)]!, STATUS_CLASSES[k % CLASSES]!);
    record.requests[k] = child;
    return child;
  }

  private latencyChild(record: RouteRecord, c: number): HistogramChild {
    const child = this.latency.labels(record.route, STATUS_CLASSES[c]!);
    record.latency[c] = child;
    return child;
  }
}

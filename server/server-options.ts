import type { CompressionOptions } from './core/compression-policy.js';
import type { Logger } from './core/logger.js';
import type { Handler } from './core/types.js';
import type { Clock } from './transport/clock.js';
import type { Http1Limits } from './http1/limits.js';
import type { Dialer, Http1Timeouts, UpgradeHandler } from './http1/http1-options.js';
import type { TlsConfig } from './tls/tls-config.js';
import type { Http2Defences, Http2Settings, Http2Timeouts } from './http2/http2-options.js';
import type { ServerMetrics } from './metrics/server-metrics.js';

export interface ServerOptions {
  /** The application: a Router's `handle`, a composed middleware chain, or any Handler. */
  handler: Handler;
  /** Time source for every timeout and the Date field. Default: the system clock. */
  clock?: Clock;
  /** Structured log sink. Default: silent. */
  logger?: Logger;
  /**
   * One `http.access` record (level info) on `logger` per finished exchange: method, path, route,
   * status, bytes, durationMs, protocol, stream (HTTP/2), connection, remote, aborted. Default off.
   */
  accessLog?: boolean;
  /**
   * Count requests, connections, bytes, TLS handshakes and HTTP/2 detail (`server.metrics`:
   * snapshot(), expose() in Prometheus text; startMetricsListener serves it). true makes a
   * registry for this server; a ServerMetrics may be shared by several servers. Default off:
   * then protocol code counts nothing.
   */
  metrics?: boolean | ServerMetrics;
  /** Serve HTTPS (ALPN and SNI) instead of plain HTTP. */
  tls?: TlsConfig;
  limits?: Partial<Omit<Http1Limits, 'methods'>> & { methods?: Iterable<string> };
  timeouts?: Partial<Http1Timeouts>;
  /** Default 10,000; the last response on a connection says `connection: close`. */
  maxRequestsPerConnection?: number;
  /** Pipelined input held while a response is pending before reading pauses. Default 64 KiB. */
  maxPipelinedBytes?: number;
  /** Response compression (default on: br, gzip, deflate above 1 KiB), or false. */
  compression?: CompressionOptions | false;
  /** Decode gzip/deflate/br request bodies, up to this many decoded bytes (413 past it). Default 8 MiB; false disables. */
  maxDecompressedBodyBytes?: number | false;
  /** CONNECT tunnelling; off unless given. Only targets in `allow` are reachable. */
  connect?: { allow: readonly string[] | ((authority: string) => boolean); dial?: Dialer; dialTimeoutMs?: number };
  /** HTTP/1.1 Upgrade handlers by protocol token. */
  upgrades?: Record<string, UpgradeHandler>;
  /** Connections beyond this are refused (closed at once). Default 10,000. */
  maxConnections?: number;
  /**
   * HTTP/2 (on by default): h2 by ALPN over TLS, and h2c on the plain listener (prior knowledge,
   * or the HTTP/1.1 Upgrade). `false` serves HTTP/1.1 only.
   */
  http2?: Http2Options | false;
  /**
   * A CPU clock in microseconds (e.g. from process.cpuUsage()), for the work meters that accept()
   * returns: each connection's input and drain turns are timed with it. Unset, nothing is timed
   * and protocol code reads no clock at all.
   */
  cpuClock?: () => number;
}

/** HTTP/2 settings, defences and timeouts; anything left out keeps its default. */
export interface Http2Options {
  settings?: Partial<Http2Settings>;
  defences?: Partial<Http2Defences>;
  timeouts?: Partial<Http2Timeouts>;
}

import type { CompressionPolicy } from '../core/compression-policy.js';
import type { Handler } from '../core/types.js';
import type { Logger } from '../core/logger.js';
import type { Clock } from '../transport/clock.js';
import type { Transport } from '../transport/transport.js';
import type { WorkMeter } from '../core/work-meter.js';
import type { ExchangeObserver } from '../core/exchange-observer.js';
import type { Http2Metrics } from '../metrics/http2-metrics.js';
import type { Http1Limits } from './limits.js';
import type { RequestHead } from './request-head.js';

/** Timeouts, all measured on the injected Clock. A value of 0 disables one. */
export interface Http1Timeouts {
  /** From a request's first byte until its header section is complete: slowloris (default 10 s). */
  headersMs: number;
  /** Longest silence while a request body is arriving (default 30 s). */
  bodyMs: number;
  /** Idle time allowed between requests on a persistent connection, and before the first (default 5 s). */
  keepAliveMs: number;
  /** Longest time a response may wait for a peer that does not read (default 30 s). */
  sendStallMs: number;
  /**
   * After deciding to close, how long to keep reading (and discarding) the peer's input before
   * closing for good, so that bytes the client already sent cannot provoke a reset that destroys
   * our last response (RFC 9112 §9.6, staged close). Default 2 s.
   */
  lingerMs: number;
}

export const DEFAULT_HTTP1_TIMEOUTS: Readonly<Http1Timeouts> = Object.freeze({
  headersMs: 10_000,
  bodyMs: 30_000,
  keepAliveMs: 5_000,
  sendStallMs: 30_000,
  lingerMs: 2_000,
});

/** Opens a byte stream to a CONNECT target; production uses node:net, simulations a TestSocket. */
export type Dialer = (host: string, port: number) => Promise<Transport>;

export interface ConnectOptions {
  /** Targets that may be tunnelled to, as 'host:port' strings or a predicate. Nothing else is. */
  allow: readonly string[] | ((authority: string) => boolean);
  dial: Dialer;
  /** How long to wait for the target to accept (default 10 s), then 504. */
  dialTimeoutMs?: number;
}

/** An HTTP/1.1 Upgrade (RFC 9110 §7.8) that takes the connection over, such as h2c. */
export interface UpgradeHandler {
  /** Whether to switch for this request; when false the request is answered over HTTP/1.1. */
  accepts?(head: RequestHead): boolean;
  /** Extra fields for the 101 response. */
  responseFields?(head: RequestHead): Array<[string, string]>;
  /**
   * Called once 101 Switching Protocols has been queued: the transport now belongs to the
   * handler. `body` is the request's content; `leftover` holds bytes that followed the request
   * (already counted by `meter`, the connection's work meter, which a protocol may go on feeding).
   */
  upgrade(head: RequestHead, body: Buffer, transport: Transport, leftover: Buffer, meter: WorkMeter): void;
  /**
   * The new protocol is a server connection of its own (h2c), registered with the server by the
   * handler: the HTTP/1.1 connection leaves the registry at once instead of following the transport.
   */
  takesConnection?: boolean;
}

export interface Http1Config {
  limits: Http1Limits;
  timeouts: Http1Timeouts;
  /** After this many requests the connection closes (the last response says so). */
  maxRequestsPerConnection: number;
  /** Bytes of pipelined input held while a response is pending, before reading pauses. */
  maxPipelinedBytes: number;
  compression: CompressionPolicy | null;
  /** Decode Content-Encoding on request bodies up to this many bytes; null leaves bodies encoded. */
  maxDecompressedBodyBytes: number | null;
  connect: ConnectOptions | null;
  /** Upgrade handlers by protocol token, lower-case ('h2c'). */
  upgrades: ReadonlyMap<string, UpgradeHandler>;
  /**
   * h2c with prior knowledge (RFC 9113 §3.3): a connection that opens with the HTTP/2 preface is
   * handed, with the bytes read so far (already counted by the meter it goes on feeding), to this;
   * null when HTTP/2 is off.
   */
  priorKnowledge: ((transport: Transport, initial: Buffer, meter: WorkMeter) => void) | null;
}

/** What a connection needs from the server that owns it. */
export interface ConnectionContext {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly handler: Handler;
  /** Told when each exchange starts and ends (metrics, access log); null or absent: nobody, and nothing is measured. */
  readonly observer?: ExchangeObserver | null;
  /** HTTP/2's counters (frames, resets, HPACK, defences); null or absent when metrics are off. */
  readonly http2Metrics?: Http2Metrics | null;
  /** The connection is gone: remove it from the registry. */
  connectionClosed(connection: { readonly id: number }): void;
}

import net from 'node:net';
import tls from 'node:tls';
import { CompressionPolicy } from './core/compression-policy.js';
import { silentLogger, type Logger } from './core/logger.js';
import type { Handler } from './core/types.js';
import { WorkMeter } from './core/work-meter.js';
import { combineObservers } from './core/exchange-observer.js';
import { accessLogObserver } from './logging/access-log.js';
import { ServerMetrics } from './metrics/server-metrics.js';
import { Http1Connection } from './http1/http1-connection.js';
import { Http2Connection } from './http2/http2-connection.js';
import { h2cUpgrade } from './http2/h2c-upgrade.js';
import { DEFAULT_HTTP2_DEFENCES, DEFAULT_HTTP2_SETTINGS, type Http2Config } from './http2/http2-options.js';
import { DEFAULT_HTTP1_LIMITS, type Http1Limits } from './http1/limits.js';
import { DEFAULT_HTTP1_TIMEOUTS, type ConnectionContext, type Http1Config, type Http1Timeouts, type UpgradeHandler } from './http1/http1-options.js';
import type { ServerOptions } from './server-options.js';
import type { Duplex } from 'node:stream';
import { TlsRuntime } from './tls/tls-runtime.js';
import type { Clock } from './transport/clock.js';
import { netDialer } from './transport/net-dialer.js';
import { SocketTransport } from './transport/socket-transport.js';
import { systemClock } from './transport/system-clock.js';
import type { Transport } from './transport/transport.js';

export type { ServerOptions } from './server-options.js';

export interface ListenOptions {
  port: number;
  host?: string;
}

export interface CloseOptions {
  /** After this long, connections still busy are reset. Default 10 s. */
  deadlineMs?: number;
}

/** What acceptTls() serves: any byte stream, with a socket's addresses and reset where it has them. */
type TlsStream = Duplex & { remoteAddress?: string; remotePort?: number; localAddress?: string; localPort?: number; resetAndDestroy?: () => unknown };

/** Anything the server can drain and force-close: an HTTP/1.1 connection today, HTTP/2 later. */
interface ServedConnection {
  readonly id: number;
  readonly isClosed: boolean;
  drain(): void;
  destroy(): void;
}

/**
 * The aeronet server: owns listeners and the connection registry, and hands each accepted
 * Transport to a protocol connection. `accept(transport)` is the whole contract with the outside
 * world, which is how a simulated TestSocket serves the very same code path as a kernel socket.
 */
export class AeronetServer {
  readonly clock: Clock;
  readonly logger: Logger;
  /** What the server counts (options.metrics), or null when metrics are off. */
  readonly metrics: ServerMetrics | null;
  private readonly config: Http1Config;
  private readonly context: ConnectionContext;
  private readonly connections = new Map<number, ServedConnection>();
  private readonly maxConnections: number;
  private listener: net.Server | tls.Server | null = null;
  /** Built once, at construction, so a bad certificate, SNI table or TLS policy fails createServer(). */
  private readonly tls: TlsRuntime | null;
  private readonly http2: Http2Config | null;
  private readonly handshakes = new Set<{ destroy(): void }>();
  private draining = false;
  private closedWaiters: Array<() => void> = [];

  constructor(private readonly options: ServerOptions) {
    validateOptions(options);
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger;
    this.metrics = options.metrics instanceof ServerMetrics ? options.metrics : options.metrics === true ? new ServerMetrics() : null;
    this.maxConnections = options.maxConnections ?? 10_000;
    const limits: Http1Limits = {
      ...DEFAULT_HTTP1_LIMITS,
      ...options.limits,
      methods: options.limits?.methods ? new Set(options.limits.methods) : DEFAULT_HTTP1_LIMITS.methods,
    };
    const timeouts: Http1Timeouts = { ...DEFAULT_HTTP1_TIMEOUTS, ...options.timeouts };
    const http2 = options.http2 === false ? null : buildHttp2Config(options, timeouts);
    this.http2 = http2;
    // With HTTP/2 on, ALPN offers h2 first unless the TLS config lists its own protocols.
    this.tls = options.tls ? new TlsRuntime({ ...options.tls, alpn: options.tls.alpn ?? (http2 !== null ? ['h2', 'http/1.1'] : ['http/1.1']) }, { clock: this.clock, logger: this.logger }) : null;
    const connect = options.connect;
    this.config = {
      limits,
      timeouts,
      maxRequestsPerConnection: options.maxRequestsPerConnection ?? 10_000,
      maxPipelinedBytes: options.maxPipelinedBytes ?? 64 * 1024,
      compression: options.compression === false ? null : new CompressionPolicy(options.compression ?? {}),
      maxDecompressedBodyBytes: options.maxDecompressedBodyBytes === false ? null : (options.maxDecompressedBodyBytes ?? 8 * 1024 * 1024),
      connect: connect
        ? {
            allow: typeof connect.allow === 'function' ? connect.allow : connect.allow.map((a) => a.toLowerCase()),
            dial: connect.dial ?? netDialer,
            ...(connect.dialTimeoutMs !== undefined ? { dialTimeoutMs: connect.dialTimeoutMs } : {}),
          }
        : null,
      upgrades: new Map(Object.entries(options.upgrades ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
      priorKnowledge: http2 !== null ? (transport, initial, meter) => this.serveHttp2(transport, { prefaceReceived: false, initial, meter }) : null,
    };
    if (http2 !== null && !this.config.upgrades.has('h2c')) {
      (this.config.upgrades as Map<string, UpgradeHandler>).set('h2c', h2cUpgrade((transport, leftover, settingsPayload, request, meter) => {
        this.serveHttp2(transport, { prefaceReceived: false, initial: leftover, upgrade: { settingsPayload, request }, meter });
      }));
    }
    const handler: Handler = options.handler;
    this.context = {
      clock: this.clock,
      logger: this.logger,
      handler,
      observer: combineObservers([this.metrics, options.accessLog === true ? accessLogObserver(this.logger) : null]),
      http2Metrics: this.metrics?.h2 ?? null,
      connectionClosed: (conn) => this.forget(conn.id),
    };
  }

  /** TLS handshakes under way over acceptTls() (the harness checks this is zero too). */
  get handshakeCount(): number {
    return this.handshakes.size;
  }

  /** Live connections (the harness checks this is empty after every scenario). */
  get connectionCount(): number {
    return this.connections.size;
  }

  /**
   * Serve one connection over any Transport. Returns the connection's work meter (what the peer
   * made the server do, readable after the connection ends), or null when it was refused.
   */
  accept(transport: Transport): WorkMeter | null {
    if (this.draining || this.connections.size >= this.maxConnections) {
      this.logger.log('warn', 'server.connection-refused', { reason: this.draining ? 'draining' : 'max-connections', remote: transport.info.remoteAddress });
      this.metrics?.connectionRefused(this.draining ? 'draining' : 'max-connections');
      transport.reset();
      return null;
    }
    this.metrics?.connectionAccepted(transport.info.encrypted);
    const meter = new WorkMeter(this.options.cpuClock ?? null);
    if (transport.info.alpnProtocol === 'h2' && this.http2 !== null) {
      this.serveHttp2(transport, { prefaceReceived: false, meter });
      return meter;
    }
    const conn = new Http1Connection(transport, this.context, this.config, meter);
    // A connection that handed itself over at once (h2c prior knowledge) has already left.
    if (!conn.isClosed) {
      this.connections.set(conn.id, conn);
      this.metrics?.connectionOpened(conn.id, 'h1', transport.info.encrypted, meter);
    }
    return meter;
  }

  private serveHttp2(transport: Transport, options: ConstructorParameters<typeof Http2Connection>[3]): void {
    const conn = new Http2Connection(transport, this.context, this.http2!, options);
    // A connection that failed at once (a bad preface in the first bytes) has already left.
    if (!conn.isClosed) {
      this.connections.set(conn.id, conn);
      this.metrics?.connectionOpened(conn.id, options?.upgrade !== undefined ? 'h2c-upgrade' : 'h2', transport.info.encrypted, conn.meter);
    }
  }

  /**
   * Serve one TLS connection over any byte stream: the handshake (ALPN, SNI) runs here, with the
   * headers timeout as its limit on this server's clock, and the secure session is then served
   * like any Transport. The simulation runs TLS over its TestSocket this way; listen() uses
   * node:tls's own server for kernel sockets, or this too when the TLS config needs a context per
   * connection (client-certificate policies, ticket rotation: server/tls/tls-runtime.ts).
   */
  acceptTls(stream: TlsStream): void {
    this.startTls(stream, this.config.timeouts.headersMs);
  }

  private startTls(stream: TlsStream, timeoutMs: number): void {
    const tlsRuntime = this.tls;
    if (tlsRuntime === null) throw new Error('acceptTls: this server was created without tls options');
    const remoteAddress = stream.remoteAddress ?? '';
    if (this.draining || this.connections.size + this.handshakes.size >= this.maxConnections) {
      this.logger.log('warn', 'server.connection-refused', { reason: this.draining ? 'draining' : 'max-connections', remote: remoteAddress });
      this.metrics?.connectionRefused(this.draining ? 'draining' : 'max-connections');
      // Reset like accept() does, where the stream can (a socket-like stream has resetAndDestroy).
      if (typeof stream.resetAndDestroy === 'function') stream.resetAndDestroy();
      else stream.destroy();
      return;
    }
    tlsRuntime.start();
    const handshake = tlsRuntime.handshake(stream, {
      clock: this.clock,
      timeoutMs,
      logger: this.logger,
      remoteAddress,
      onFailed: (code) => this.metrics?.tlsHandshakeFailed(code),
      onSecure: (socket, describeTls) => this.acceptSecure(new SocketTransport(socket, {
        remoteAddress,
        remotePort: stream.remotePort ?? 0,
        localAddress: stream.localAddress ?? '',
        localPort: stream.localPort ?? 0,
      }, describeTls)),
      onSettled: () => this.handshakes.delete(handshake),
    });
    this.handshakes.add(handshake);
  }

  /** Listen on TCP (TLS when configured). Resolves with the bound address. */
  listen(options: ListenOptions): Promise<{ host: string; port: number; url: string }> {
    if (this.listener !== null) return Promise.reject(new Error('server is already listening'));
    if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) {
      return Promise.reject(new RangeError(`invalid port ${options.port}: expected an integer from 0 to 65535`));
    }
    const onSocket = (socket: net.Socket) => this.accept(new SocketTransport(socket));
    let listener: net.Server | tls.Server;
    if (this.tls !== null && this.tls.perConnection) {
      // Each connection's context comes from its ClientHello, so the handshake is acceptTls()'s
      // (headers timeout on this server's clock); not half-open until the session is up.
      this.tls.start();
      // Node's own server never goes without a handshake limit (120 s by default); nor does this.
      const handshakeMs = this.config.timeouts.headersMs > 0 ? this.config.timeouts.headersMs : 120_000;
      listener = net.createServer({ allowHalfOpen: false, noDelay: true }, (socket) => this.startTls(socket, handshakeMs));
    } else if (this.tls !== null) {
      // Not half-open during the handshake: a client whose FIN arrives before the handshake ends
      // must be closed at once, not kept until the handshake timeout. Once the session is up the
      // connection becomes half-open like a plain one (a client may half-close after a request).
      const handshakeTimeout = this.config.timeouts.headersMs > 0 ? this.config.timeouts.headersMs : 120_000;
      this.tls.start();
      const tlsServer = tls.createServer({ ...this.tls.serverOptions, allowHalfOpen: false, handshakeTimeout }, (socket) => {
        socket.allowHalfOpen = true;
        this.metrics?.tlsHandshakeCompleted();
        onSocket(socket);
      });
      tlsServer.on('tlsClientError', (err: NodeJS.ErrnoException, socket: tls.TLSSocket) => {
        this.logger.log('info', 'tls.handshake-failed', { code: err.code, message: err.message, remote: socket.remoteAddress });
        this.metrics?.tlsHandshakeFailed(err.code);
        // node:tls destroys the socket itself after an OpenSSL error, but not after
        // ERR_TLS_HANDSHAKE_TIMEOUT: a client that never sent a ClientHello would keep its socket
        // (found by proxy/tls-timeout-handshake). Whatever failed, the handshake is over.
        socket.destroy();
      });
      this.tls.attach(tlsServer);
      listener = tlsServer;
    } else {
      listener = net.createServer({ allowHalfOpen: true, noDelay: true }, onSocket);
    }
    this.listener = listener;
    const host = options.host ?? '127.0.0.1';
    return new Promise((resolve, reject) => {
      listener.once('error', (err) => {
        this.listener = null;
        reject(err);
      });
      listener.listen(options.port, host, () => {
        listener.removeAllListeners('error');
        listener.on('error', (err) => this.logger.log('error', 'server.listener-error', { message: err.message }));
        const address = listener.address() as net.AddressInfo;
        const scheme = this.options.tls ? 'https' : 'http';
        const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
        this.logger.log('info', 'server.listening', { address: address.address, port: address.port, tls: Boolean(this.options.tls) });
        resolve({ host: address.address, port: address.port, url: `${scheme}://${shownHost}:${address.port}` });
      });
    });
  }

  /**
   * Graceful drain: stop accepting, let requests in flight finish (their responses say
   * `connection: close`), close idle connections now, and reset whatever is left at the deadline.
   */
  async close(options: CloseOptions = {}): Promise<void> {
    const deadlineMs = options.deadlineMs ?? 10_000;
    this.draining = true;
    const listener = this.listener;
    this.listener = null;
    const listenerClosed = listener ? new Promise<void>((resolve) => listener.close(() => resolve())) : Promise.resolve();
    this.logger.log('info', 'server.drain', { connections: this.connections.size, deadlineMs });
    for (const handshake of [...this.handshakes]) handshake.destroy();
    // Ticket rotation and OCSP refresh timers: a closed server leaves nothing on its clock.
    this.tls?.stop();
    for (const conn of [...this.connections.values()]) conn.drain();
    if (this.connections.size > 0) {
      const timer = this.clock.setTimer(deadlineMs, () => {
        this.logger.log('warn', 'server.drain-deadline', { forced: this.connections.size });
        for (const conn of [...this.connections.values()]) conn.destroy();
      });
      await new Promise<void>((resolve) => this.closedWaiters.push(resolve));
      timer.cancel();
    }
    await listenerClosed;
  }

  /** A TLS session whose handshake acceptTls() ran: counted, then served like any transport. */
  private acceptSecure(transport: Transport): void {
    this.metrics?.tlsHandshakeCompleted();
    this.accept(transport);
  }

  private forget(id: number): void {
    this.connections.delete(id);
    this.metrics?.connectionClosed(id);
    if (this.connections.size === 0 && this.closedWaiters.length > 0) {
      const waiters = this.closedWaiters;
      this.closedWaiters = [];
      for (const w of waiters) w();
    }
  }
}

/** HTTP/2's configuration: its own settings and defences, timeouts defaulting to HTTP/1.1's. */
function buildHttp2Config(options: ServerOptions, timeouts: Http1Timeouts): Http2Config {
  const h2 = options.http2 === false ? {} : (options.http2 ?? {});
  const connect = options.connect;
  return {
    settings: { ...DEFAULT_HTTP2_SETTINGS, ...h2.settings },
    defences: { ...DEFAULT_HTTP2_DEFENCES, ...h2.defences },
    timeouts: {
      prefaceMs: timeouts.headersMs,
      settingsAckMs: 10_000,
      idleMs: 60_000,
      sendStallMs: timeouts.sendStallMs,
      lingerMs: timeouts.lingerMs,
      ...h2.timeouts,
    },
    compression: options.compression === false ? null : new CompressionPolicy(options.compression ?? {}),
    maxDecompressedBodyBytes: options.maxDecompressedBodyBytes === false ? null : (options.maxDecompressedBodyBytes ?? 8 * 1024 * 1024),
    maxBodyBytes: { ...DEFAULT_HTTP1_LIMITS, ...options.limits }.maxBodyBytes,
    connect: connect ? { allow: typeof connect.allow === 'function' ? connect.allow : connect.allow.map((a) => a.toLowerCase()), dial: connect.dial ?? netDialer, ...(connect.dialTimeoutMs !== undefined ? { dialTimeoutMs: connect.dialTimeoutMs } : {}) } : null,
  };
}

export function createServer(options: ServerOptions): AeronetServer {
  return new AeronetServer(options);
}

/** Reject nonsense at construction, with the option's name, instead of failing on the first request. */
function validateOptions(o: ServerOptions): void {
  if (o === null || typeof o !== 'object') throw new TypeError('createServer: options must be an object');
  if (typeof o.handler !== 'function') throw new TypeError('createServer: options.handler must be a function (req, res) => ...');
  const positiveInt = (value: unknown, name: string, allowZero = false) => {
    if (value === undefined) return;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || (!allowZero && value === 0)) {
      throw new RangeError(`createServer: ${name} must be a ${allowZero ? 'non-negative' : 'positive'} integer, got ${String(value)}`);
    }
  };
  for (const key of ['maxRequestLineBytes', 'maxHeaderBytes', 'maxHeaderCount', 'maxBodyBytes', 'maxChunkLineBytes'] as const) {
    positiveInt(o.limits?.[key], `limits.${key}`);
  }
  for (const key of ['headersMs', 'bodyMs', 'keepAliveMs', 'sendStallMs', 'lingerMs'] as const) positiveInt(o.timeouts?.[key], `timeouts.${key}`, true);
  positiveInt(o.maxRequestsPerConnection, 'maxRequestsPerConnection');
  positiveInt(o.maxPipelinedBytes, 'maxPipelinedBytes');
  positiveInt(o.maxConnections, 'maxConnections');
  if (o.maxDecompressedBodyBytes !== false) positiveInt(o.maxDecompressedBodyBytes, 'maxDecompressedBodyBytes');
  if (o.connect !== undefined) {
    const allow = o.connect.allow;
    if (typeof allow !== 'function' && !Array.isArray(allow)) throw new TypeError('createServer: connect.allow must be an array of "host:port" strings or a function');
    if (Array.isArray(allow)) {
      for (const a of allow) {
        if (typeof a !== 'string' || !/^(\[[0-9a-fA-F:.]+\]|[^\s:/@[\]]+):[0-9]{1,5}$/.test(a)) {
          throw new TypeError(`createServer: connect.allow entry ${JSON.stringify(a)} is not "host:port"`);
        }
      }
    }
    positiveInt(o.connect.dialTimeoutMs, 'connect.dialTimeoutMs');
  }
  if (o.http2 !== undefined && o.http2 !== false) validateHttp2Options(o.http2, positiveInt);
  if (o.metrics !== undefined && typeof o.metrics !== 'boolean' && !(o.metrics instanceof ServerMetrics)) throw new TypeError('createServer: metrics must be true, false or a ServerMetrics');
  if (o.accessLog !== undefined && typeof o.accessLog !== 'boolean') throw new TypeError('createServer: accessLog must be a boolean');
}

/** HTTP/2 settings must be values the protocol allows (RFC 9113 §6.5.2), or SETTINGS would be a lie. */
function validateHttp2Options(h2: NonNullable<ServerOptions['http2']>, positiveInt: (value: unknown, name: string, allowZero?: boolean) => void): void {
  if (h2 === false) return;
  if (h2 === null || typeof h2 !== 'object') throw new TypeError('createServer: http2 must be an object of options or false');
  const s = h2.settings ?? {};
  positiveInt(s.headerTableSize, 'http2.settings.headerTableSize', true);
  positiveInt(s.maxConcurrentStreams, 'http2.settings.maxConcurrentStreams');
  positiveInt(s.initialWindowSize, 'http2.settings.initialWindowSize');
  positiveInt(s.maxHeaderListSize, 'http2.settings.maxHeaderListSize');
  positiveInt(s.maxFrameSize, 'http2.settings.maxFrameSize');
  if (s.initialWindowSize !== undefined && s.initialWindowSize > 0x7fffffff) throw new RangeError('createServer: http2.settings.initialWindowSize must be at most 2^31-1 (RFC 9113 §6.9.2)');
  if (s.maxFrameSize !== undefined && (s.maxFrameSize < 16_384 || s.maxFrameSize > 16_777_215)) throw new RangeError('createServer: http2.settings.maxFrameSize must be from 16384 to 16777215 (RFC 9113 §6.5.2)');
  for (const [key, value] of Object.entries(h2.defences ?? {})) positiveInt(value, `http2.defences.${key}`);
  for (const [key, value] of Object.entries(h2.timeouts ?? {})) positiveInt(value, `http2.timeouts.${key}`, true);
}

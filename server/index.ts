/** aeronet's public API. */
export { createServer, AeronetServer, type ListenOptions, type CloseOptions, type ServerOptions } from './server.js';
export { Router } from './core/router.js';
export { compose } from './core/middleware.js';
export { HttpError, type Handler, type Middleware, type Next, type Request, type RequestBody, type Response, type HeaderValue } from './core/types.js';
export { sleep } from './core/sleep.js';
export { jsonLinesLogger, MemoryLogger, silentLogger, type Logger, type LogLevel } from './core/logger.js';
export { createDemoRouter } from './demo/demo-routes.js';
export type { Transport, TransportEvents, TransportInfo, TransportError } from './transport/transport.js';
export type { Clock, Timer } from './transport/clock.js';
export { systemClock } from './transport/system-clock.js';
export { SocketTransport } from './transport/socket-transport.js';
export { DEFAULT_HTTP1_LIMITS, type Http1Limits } from './http1/limits.js';
export { DEFAULT_HTTP1_TIMEOUTS, type Http1Timeouts, type UpgradeHandler, type Dialer } from './http1/http1-options.js';
export { loadTlsConfigFromFiles, type TlsConfig } from './tls/tls-config.js';

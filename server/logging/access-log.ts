import type { Logger } from '../core/logger.js';
import type { ExchangeObserver } from '../core/exchange-observer.js';

/**
 * The access log (server option `accessLog: true`, `aeronet serve --access-log`): one
 * `http.access` record at level info per finished exchange, with
 * method, path (no query), route, status (0: no response head went out), bytes (response
 * content sent), durationMs (server Clock), protocol ('1.0', '1.1', '2'), stream (HTTP/2 only),
 * connection, remote and aborted.
 * When the logger says info is filtered out, nothing is built.
 */
export function accessLogObserver(logger: Logger): ExchangeObserver {
  return {
    exchangeStarted() {},
    exchangeFinished(ex) {
      if (logger.enabled !== undefined && !logger.enabled('info')) return;
      const req = ex.request;
      const durationMs = ex.endedAt - ex.startedAt;
      // Two literal shapes rather than adding `stream` later: each stays one hidden class.
      if (ex.streamId !== 0) {
        logger.log('info', 'http.access', {
          method: req.method, path: req.path, route: req.route, status: ex.status, bytes: ex.bodyBytesSent, durationMs,
          protocol: req.httpVersion, stream: ex.streamId, connection: ex.connectionId, remote: req.remoteAddress, aborted: ex.aborted,
        });
      } else {
        logger.log('info', 'http.access', {
          method: req.method, path: req.path, route: req.route, status: ex.status, bytes: ex.bodyBytesSent, durationMs,
          protocol: req.httpVersion, connection: ex.connectionId, remote: req.remoteAddress, aborted: ex.aborted,
        });
      }
    },
  };
}

import { HttpError, type Handler } from './types.js';
import { isSettled, type ServerResponse } from './server-response.js';
import type { ServerRequest } from './server-request.js';
import type { Logger } from './logger.js';

/** How a protocol exchange answers a handler's failure: its own error response. */
export interface HandlerFailureTarget {
  readonly request: ServerRequest;
  readonly response: ServerResponse;
  /** The response has been handed to the protocol in full. */
  readonly responded: boolean;
  /** Answer with an error of our own (before anything was sent). */
  sendError(status: number, message: string, fields: Array<[string, string]>): void;
}

/**
 * Call the application's handler for one exchange, the same way for every protocol: a handler
 * that returns without answering, throws, or rejects gets a defined outcome. An HttpError becomes
 * its status; anything else a 500; and once the response has started, the only honest outcome
 * left is a broken message (the protocol aborts it), never a complete-looking one.
 */
export function runHandler(handler: Handler, target: HandlerFailureTarget, logger: Logger, connection: number): void {
  const failed = (err: unknown) => handlerFailed(target, err, logger, connection);
  let result: void | Promise<void>;
  try {
    result = handler(target.request, target.response);
  } catch (err) {
    failed(err);
    return;
  }
  const returned = () => {
    if (!target.response.started) failed(new Error('handler returned without sending a response'));
  };
  // `(req, res) => res.send(...)` hands back send()'s settled promise: nothing to wait for.
  if (result !== undefined && !isSettled(result) && typeof (result as Promise<void>).then === 'function') {
    (result as Promise<void>).then(returned, failed);
  } else returned();
}

function handlerFailed(target: HandlerFailureTarget, err: unknown, logger: Logger, connection: number): void {
  const response = target.response;
  // The peer reset the stream (or left) while the handler was still at work, and its next call
  // threw: an ordinary race, not a handler bug, and there is nobody left to answer.
  if (response.aborted && !target.responded) {
    logger.log('debug', 'http.handler-error-after-abort', { connection, method: target.request.method, target: target.request.target, error: String(err) });
    return;
  }
  if (response.finished && target.responded) {
    logger.log('warn', 'http.handler-error-after-response', { connection, error: String(err) });
    return;
  }
  if (response.started) {
    logger.log('error', 'http.handler-error-mid-response', { connection, error: String(err) });
    response.fail(err instanceof Error ? err : new Error(String(err)));
    return;
  }
  if (err instanceof HttpError && err.status >= 400 && err.status < 600) {
    logger.log('info', 'http.handler-http-error', { connection, status: err.status, message: err.message });
    target.sendError(err.status, err.message, err.headers.map(([n, v]) => [n, v] as [string, string]));
    return;
  }
  const request = target.request;
  logger.log('error', 'http.handler-error', { connection, method: request.method, target: request.target, error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  target.sendError(500, 'internal server error', []);
}

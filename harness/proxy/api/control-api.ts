/**
 * The Toxiproxy 2.12 control API as a node:http request listener (reference §2, §4).
 *
 * Before routing, as Go's server and gorilla/mux do: an unparsable target is a 400 and a path
 * that cleans differently is a 301; then an unknown path gets the 404 page and a known path with
 * another method an empty 405, neither with a request id. Routed requests then go through
 * Toxiproxy's middleware in its order: request id, (access log: not kept), browser block (a
 * `Mozilla/` User-Agent gets 403), and the 25 s handler timeout.
 *
 * A handler never throws out of here: an ApiError is its status and message, a body over the
 * limit is a 413 (the connection is then closed), anything else a 500 naming the error.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { ProxyRegistry } from '../registry/registry.js';
import { unexpectedFailure } from './api-error.js';
import type { ControlApiSettings, Handler } from './handler.js';
import { apiErrorReply, badRequestLine, goHttpError, handlerTimeout, methodNotAllowed, movedPermanently, notFoundPage, type Reply } from './reply.js';
import { BodyTooLarge, readBody } from './request-body.js';
import { newRequestId } from './request-id.js';
import { escapePath, muxCleanPath, parseRequestTarget } from './request-target.js';
import { controlApiRoutes, matchRoute } from './routes.js';

export const DEFAULT_SETTINGS: ControlApiSettings = {
  version: '2.12.0',
  metrics: true,
  maxBodyBytes: 1024 * 1024,
  handlerTimeoutMs: 25_000,
};

/** Any error a handler let out, as the reply it deserves. */
export function errorReply(err: unknown): Reply {
  if (err instanceof BodyTooLarge) return { ...apiErrorReply(413, err.message), close: true };
  const error = unexpectedFailure(err);
  return apiErrorReply(error.status, error.message);
}

function write(res: ServerResponse, reply: Reply, requestId: string | null): void {
  if (res.headersSent || res.writableEnded || res.destroyed) return;
  res.statusCode = reply.status;
  for (const [name, value] of Object.entries(reply.headers)) res.setHeader(name, value);
  if (requestId !== null) res.setHeader('X-Toxiproxy-Request-Id', requestId);
  if (reply.status !== 204) res.setHeader('Content-Length', Buffer.byteLength(reply.body));
  if (reply.close) res.setHeader('Connection', 'close');
  res.end(reply.status === 204 ? undefined : reply.body);
}

/** Go's http.TimeoutHandler: the handler's reply, or the 503 page if it takes longer than `ms`. */
async function withTimeout(run: Promise<Reply>, ms: number): Promise<Reply> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<Reply>((resolve) => {
    timer = setTimeout(() => resolve(handlerTimeout()), ms);
  });
  try {
    return await Promise.race([run, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

export function createControlApi(registry: ProxyRegistry, settings: ControlApiSettings): RequestListener {
  const routes = controlApiRoutes(settings);

  const runHandler = async (handler: Handler, params: Record<string, string>, req: IncomingMessage): Promise<Reply> => {
    try {
      return await handler({ params, registry, settings, body: () => readBody(req, settings.maxBodyBytes) });
    } catch (err) {
      return errorReply(err);
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const target = parseRequestTarget(req.url ?? '');
    if (!target.ok) return write(res, badRequestLine(), null);
    const cleaned = muxCleanPath(target.path);
    if (cleaned !== target.path) return write(res, movedPermanently(`${target.origin}${escapePath(cleaned)}${target.query}`), null);
    const match = matchRoute(routes, req.method ?? '', target.path);
    if (match.kind === 'not-found') return write(res, notFoundPage(), null);
    if (match.kind === 'method-not-allowed') return write(res, methodNotAllowed(), null);
    const requestId = newRequestId();
    const agent = req.headers['user-agent'];
    if (agent !== undefined && agent.startsWith('Mozilla/')) return write(res, goHttpError(403, 'User agent not allowed'), requestId);
    write(res, await withTimeout(runHandler(match.handler, match.params, req), settings.handlerTimeoutMs), requestId);
  };

  return (req, res) => {
    handle(req, res).catch((err: unknown) => {
      // Only reachable through a bug in the lines above: still answer, never crash the process.
      try {
        write(res, errorReply(err), null);
      } catch {
        res.destroy();
      }
    });
  };
}

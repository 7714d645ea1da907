/**
 * An error the control API answers with a status code (Toxiproxy's ApiError): its message is the
 * `error` of the body `{"error":"<message>","status":<code>}` (reference §2 "Errors"). Anything
 * else thrown by a handler is an internal error (500).
 */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The messages of the reference's error catalogue (§2), as Toxiproxy words them. */
export const API_MESSAGES = {
  badRequestBody: 'bad request body',
  missingField: 'missing required field',
  proxyNotFound: 'proxy not found',
  proxyExists: 'proxy already exists',
  invalidStream: 'stream was invalid, can be either upstream or downstream',
  invalidToxicType: 'invalid toxic type',
  toxicExists: 'toxic already exists',
  toxicNotFound: 'toxic not found',
} as const;

export const proxyNotFound = (): ApiError => new ApiError(API_MESSAGES.proxyNotFound, 404);
export const toxicNotFound = (): ApiError => new ApiError(API_MESSAGES.toxicNotFound, 404);

/** `missing required field: name` (POST /proxies) or `... name at proxy 2` (/populate, 1-based). */
export const missingField = (what: string): ApiError => new ApiError(`${API_MESSAGES.missingField}: ${what}`, 400);

/** A failure that is not the client's fault (bind, resolve): status 500 with Go's error text (§2). */
export const internalFailure = (err: unknown): ApiError => (err instanceof ApiError ? err : new ApiError(err instanceof Error ? err.message : String(err), 500));

/** Anything else that went wrong inside: 500 `internal error: <message>` (never a crash, never a hang). */
export const unexpectedFailure = (err: unknown): ApiError =>
  err instanceof ApiError ? err : new ApiError(`internal error: ${err instanceof Error ? err.message : String(err)}`, 500);

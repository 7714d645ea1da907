/**
 * What a handler answers, before it is written: status, headers, body. Handlers build replies
 * instead of writing to the response, so the 25 s handler timeout (reference §1) can answer in
 * their place, and an unexpected error can still become a clean 500.
 */
import { goJsonString } from './go-json-encode.js';

export interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Close the connection after this reply (a request body we did not read to its end). */
  close?: boolean;
}

const TEXT_PLAIN = 'text/plain; charset=utf-8';

/** A success body: `application/json` with no charset and no trailing newline (§2). */
export function jsonReply(status: number, json: string): Reply {
  return { status, headers: { 'Content-Type': 'application/json' }, body: json };
}

/** 204 for deletes and /reset: no body, no Content-Type. */
export function noContent(): Reply {
  return { status: 204, headers: {}, body: '' };
}

/** Go's http.Error: text/plain, nosniff, the text and a newline. */
export function goHttpError(status: number, text: string): Reply {
  return { status, headers: { 'Content-Type': TEXT_PLAIN, 'X-Content-Type-Options': 'nosniff' }, body: `${text}\n` };
}

/** Toxiproxy's apiError: `{"error":"<message>","status":<code>}` written with http.Error (text/plain, §2). */
export function apiErrorReply(status: number, message: string): Reply {
  return goHttpError(status, `{"error":${goJsonString(message)},"status":${status}}`);
}

/** Go's http.NotFound: the page for unknown paths (§2), without the request-id header. */
export function notFoundPage(): Reply {
  return goHttpError(404, '404 page not found');
}

/** gorilla/mux's 405 for a known path and a method it does not take: empty body, no Content-Type (§2). */
export function methodNotAllowed(): Reply {
  return { status: 405, headers: {}, body: '' };
}

/** gorilla/mux's redirect to the cleaned path (`/proxies/../version` -> `/version`): 301, empty body. */
export function movedPermanently(location: string): Reply {
  return { status: 301, headers: { Location: location }, body: '' };
}

/** What Go's server answers for a request line it cannot parse (a bad %-escape): then it closes. */
export function badRequestLine(): Reply {
  return { status: 400, headers: { 'Content-Type': TEXT_PLAIN }, body: '400 Bad Request', close: true };
}

/** Go's http.TimeoutHandler with an empty message: its default page (text/html by sniffing). */
export function handlerTimeout(): Reply {
  return {
    status: 503,
    headers: { 'Content-Type': 'text/html; charset=utf-8' },
    body: '<html><head><title>Timeout</title></head><body><h1>Timeout</h1></body></html>',
  };
}

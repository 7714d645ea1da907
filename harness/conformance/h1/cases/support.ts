import type { H1CaseContext } from '../case.js';

/*
 * Pieces of requests the cases write by hand. Everything else in a case's bytes is literal, so
 * a case reads as the exact octets it sends; only the server's paths and Host value are filled in.
 */

/** "Host: <authority>\r\n". */
export const host = (ctx: H1CaseContext): string => `Host: ${ctx.authority}\r\n`;

/**
 * A request for the missing path, hidden where one reading of a message sees content and
 * another sees a request. If the server ever answers it (404), it read the bytes as a request.
 */
export const smuggled = (ctx: H1CaseContext): string => `GET ${ctx.missingPath} HTTP/1.1\r\nHost: ${ctx.authority}\r\n\r\n`;

/** "POST <post path> HTTP/1.1\r\nHost: ...\r\n" followed by `fields` (each ending in CRLF), the empty line, and `content`. */
export const post = (ctx: H1CaseContext, fields: string, content: string): string => `POST ${ctx.postPath} HTTP/1.1\r\n${host(ctx)}${fields}\r\n${content}`;

/** "GET <path> HTTP/1.1\r\nHost: ...\r\n" followed by `fields` and the empty line. */
export const get = (ctx: H1CaseContext, fields = ''): string => `GET ${ctx.path} HTTP/1.1\r\n${host(ctx)}${fields}\r\n`;

/** A chunked body carrying `content` in one chunk, then the last chunk. */
export const chunked = (content: string): string => `${content.length.toString(16)}\r\n${content}\r\n0\r\n\r\n`;

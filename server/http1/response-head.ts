import type { FieldList } from '../core/response-sink.js';
import { statusText } from '../core/status-text.js';

/** How a response's content is delimited on an HTTP/1.1 connection (RFC 9112 §6.3). */
export type ResponseFraming =
  | { kind: 'length'; length: number }
  | { kind: 'chunked' }
  /** No content and no Content-Length (1xx, 204). */
  | { kind: 'none' }
  /** Content ends when the connection closes (an HTTP/1.0 client and unknown length). */
  | { kind: 'close' };

/**
 * status-line and field lines (RFC 9112 §4, §5) as a latin1 string; the caller appends content.
 * Framing and connection fields are written here, never taken from the application.
 */
export function serializeHead(status: number, fields: FieldList, framing: ResponseFraming, connection: 'close' | 'keep-alive' | null, date: string): string {
  let head = `HTTP/1.1 ${status} ${statusText(status)}\r\n`;
  let hasDate = false;
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i]!;
    const name = field[0];
    if (name.length === 4 && name.toLowerCase() === 'date') hasDate = true;
    // Framing is ours to decide; an application's Content-Length was validated or dropped upstream.
    if (name.length === 14 && name.toLowerCase() === 'content-length') continue;
    head += `${name}: ${field[1]}\r\n`;
  }
  // RFC 9110 §6.6.1: an origin server with a clock MUST send Date.
  if (!hasDate) head += `date: ${date}\r\n`;
  if (framing.kind === 'length') head += `content-length: ${framing.length}\r\n`;
  else if (framing.kind === 'chunked') head += 'transfer-encoding: chunked\r\n';
  if (connection !== null) head += `connection: ${connection}\r\n`;
  return head + '\r\n';
}

/** A chunk of a chunked body (RFC 9112 §7.1): size in hex, CRLF, data, CRLF. */
export function chunkHeader(length: number): string {
  return `${length.toString(16)}\r\n`;
}

/** last-chunk, trailer section, and the final CRLF (RFC 9112 §7.1.2). */
export function lastChunk(trailers: FieldList | null): string {
  let out = '0\r\n';
  if (trailers !== null) for (const [name, value] of trailers) out += `${name}: ${value}\r\n`;
  return out + '\r\n';
}

import { scanHttp1Requests } from '../../../replay/scan-http1-requests.js';
import { parseResponses } from '../../../http/response-parser.js';
import { clip, type MessageSink } from './message.js';

export interface Http1Requests {
  /** Per request: does it ask for HEAD (its response has no content)? For the response reading. */
  head: boolean[];
  /** Where an h2c preface begins after an Upgrade: h2c request (RFC 7540 §3.2), or null. */
  h2At: number | null;
  note: string | null;
}

/**
 * Request lines in the client's bytes, read with the server's own RequestParser (default limits),
 * as harness/replay/read-exchange.ts reads them; each labelled from its first byte to the end of
 * its head (the blank line), which is when the server could act on it.
 */
export function http1RequestMessages(bytes: Buffer, sink: MessageSink): Http1Requests {
  const out: Http1Requests = { head: [], h2At: null, note: null };
  const scan = scanHttp1Requests(bytes, (head) => {
    sink.add({ start: head.offset, end: headEnd(bytes, head.offset), text: clip(`${head.method} ${head.target} HTTP/1.${head.versionMinor}`) });
    out.head.push(head.method === 'HEAD');
  });
  out.h2At = scan.h2At;
  if (scan.error !== null) {
    const { at, error } = scan.error;
    out.note = `the client's bytes stop parsing as HTTP/1.1 requests: ${error.message}`;
    sink.add({ start: at, end: Math.min(bytes.length, at + 1), text: clip(`unparseable request: ${error.message}`) });
  }
  return out;
}

export interface Http1Responses {
  /** Where HTTP/2 frames begin after a 101 to h2c, or null. */
  h2At: number | null;
  note: string | null;
}

/**
 * Status lines in the server's bytes, read with harness/http/response-parser.ts (strict). The
 * parser reads the whole stream; each response's head is then found in the bytes by its exact
 * text, searching from past the previous response's body, which gives its offsets.
 */
export function http1ResponseMessages(bytes: Buffer, head: readonly boolean[], closed: boolean, sink: MessageSink, cut = false): Http1Responses {
  const out: Http1Responses = { h2At: null, note: null };
  // A 101 ends the server's HTTP/1.1 (h2c): read only up to its blank line.
  let h1 = bytes;
  if (/^HTTP\/1\.1 101 /.test(bytes.subarray(0, 13).toString('latin1'))) {
    const switched = bytes.indexOf('\r\n\r\n', 0, 'latin1');
    if (switched >= 0) {
      h1 = bytes.subarray(0, switched + 4);
      out.h2At = switched + 4;
    }
  }
  try {
    const { responses, rest } = parseResponses(h1, { head, closed: closed || out.h2At !== null });
    let from = 0;
    for (const r of responses) {
      const start = h1.indexOf(r.rawHead, from, 'latin1');
      if (start < 0) break;
      const end = start + Buffer.byteLength(r.rawHead, 'latin1');
      sink.add({ start, end, text: clip(`${r.version} ${r.status}${r.reason ? ` ${r.reason}` : ''}${r.status >= 200 ? ` (${r.body.length} B body)` : ''}`) });
      from = end + r.body.length;
    }
    if (rest.length > 0) {
      const at = h1.length - rest.length;
      const line = rest.subarray(0, rest.indexOf('\r\n') > 0 ? rest.indexOf('\r\n') : Math.min(rest.length, 60)).toString('latin1');
      if (/^HTTP\/1\.\d \d{3}/.test(line)) sink.add({ start: at, end: headEnd(h1, at), text: clip(`${line} (${cut ? 'the rest is past the decode limit' : 'response incomplete'})`) });
      out.note = `${rest.length} B after the last complete response`;
    }
  } catch (err) {
    out.note = `the server's bytes stop parsing as HTTP/1.1 responses: ${(err as Error).message}`;
  }
  return out;
}

/** Just past a head's blank line (CRLF CRLF, or a bare LF LF, which the parser also accepts). */
function headEnd(bytes: Buffer, from: number): number {
  const crlf = bytes.indexOf('\r\n\r\n', from, 'latin1');
  const lf = bytes.indexOf('\n\n', from, 'latin1');
  const ends = [crlf >= 0 ? crlf + 4 : -1, lf >= 0 ? lf + 2 : -1].filter((n) => n >= 0);
  return ends.length > 0 ? Math.min(...ends) : bytes.length;
}

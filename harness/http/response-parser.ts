/**
 * A strict HTTP/1.1 response parser for the bytes a test client received: every complete
 * response in order (interim 1xx included), with Content-Length, chunked (with trailers) or
 * close-delimited bodies. Used by the socket tests and by the simulation's scenarios.
 */

export interface ParsedResponse {
  version: string;
  status: number;
  reason: string;
  /** Field lines as received, names lower-cased. */
  headers: Array<[string, string]>;
  /** A field's value (repeated lines joined with ', '), or undefined. */
  header(name: string): string | undefined;
  body: Buffer;
  /** Chunked trailer fields, names lower-cased. */
  trailers: Array<[string, string]>;
  chunked: boolean;
  /** Chunk sizes in order (chunked only; the last-chunk's 0 excluded). */
  chunkSizes: number[];
  /** The raw head (status line and fields, final CRLFCRLF included). */
  rawHead: string;
}

export interface ParseResult {
  /** Complete responses in order, interim (1xx) ones included. */
  responses: ParsedResponse[];
  /** Bytes after the last complete response. */
  rest: Buffer;
}

export interface ParseOptions {
  /**
   * For each final response in order, whether it answers a HEAD request (no content). Responses
   * past the end of this list are treated as answers to non-HEAD requests.
   */
  head?: readonly boolean[];
  /** The connection has closed: a response delimited by the close is complete. */
  closed?: boolean;
}

const CRLFCRLF = Buffer.from('\r\n\r\n', 'latin1');

function makeResponse(
  rawHead: string,
  body: Buffer,
  trailers: Array<[string, string]>,
  chunked: boolean,
  chunkSizes: number[],
): ParsedResponse {
  const lines = rawHead.slice(0, -4).split('\r\n');
  const statusLine = lines.shift()!;
  const m = /^(HTTP\/\d\.\d) (\d{3}) ?(.*)$/.exec(statusLine);
  if (m === null) throw new Error(`bad status line ${JSON.stringify(statusLine)}`);
  const headers = lines.map((l): [string, string] => {
    const colon = l.indexOf(':');
    if (colon <= 0) throw new Error(`bad field line ${JSON.stringify(l)}`);
    return [l.slice(0, colon).toLowerCase(), l.slice(colon + 1).trim()];
  });
  return {
    version: m[1]!,
    status: Number(m[2]),
    reason: m[3]!,
    headers,
    header(name: string) {
      const lower = name.toLowerCase();
      const values = headers.filter(([n]) => n === lower).map(([, v]) => v);
      return values.length === 0 ? undefined : values.join(', ');
    },
    body,
    trailers,
    chunked,
    chunkSizes,
    rawHead,
  };
}

/** Parse as many complete responses as `data` holds. Throws on malformed framing. */
export function parseResponses(data: Buffer, options: ParseOptions = {}): ParseResult {
  const responses: ParsedResponse[] = [];
  let pos = 0;
  let finals = 0;
  for (;;) {
    if (pos >= data.length) break;
    const headEnd = data.indexOf(CRLFCRLF, pos);
    if (headEnd < 0) break;
    const rawHead = data.subarray(pos, headEnd + 4).toString('latin1');
    const probe = makeResponse(rawHead, Buffer.alloc(0), [], false, []);
    let cursor = headEnd + 4;
    if (probe.status >= 100 && probe.status < 200) {
      responses.push(probe);
      pos = cursor;
      continue;
    }
    const isHead = options.head?.[finals] ?? false;
    const te = probe.header('transfer-encoding');
    const cl = probe.header('content-length');
    if (isHead || probe.status === 204 || probe.status === 304) {
      responses.push(probe);
      finals++;
      pos = cursor;
      continue;
    }
    if (te !== undefined && /(^|,)\s*chunked\s*$/i.test(te)) {
      const parts: Buffer[] = [];
      const sizes: number[] = [];
      let complete = false;
      let trailers: Array<[string, string]> = [];
      for (;;) {
        const lineEnd = data.indexOf('\r\n', cursor, 'latin1');
        if (lineEnd < 0) break;
        const line = data.subarray(cursor, lineEnd).toString('latin1');
        const size = parseInt(line.split(';')[0]!.trim(), 16);
        if (!Number.isFinite(size) || !/^[0-9a-fA-F]+$/.test(line.split(';')[0]!.trim())) throw new Error(`bad chunk-size line ${JSON.stringify(line)}`);
        if (size === 0) {
          const trailerEnd = data.indexOf(CRLFCRLF, lineEnd);
          if (data.subarray(lineEnd, lineEnd + 4).equals(CRLFCRLF)) {
            cursor = lineEnd + 4;
            complete = true;
            break;
          }
          if (trailerEnd < 0) break;
          trailers = data
            .subarray(lineEnd + 2, trailerEnd)
            .toString('latin1')
            .split('\r\n')
            .map((l): [string, string] => {
              const colon = l.indexOf(':');
              return [l.slice(0, colon).toLowerCase(), l.slice(colon + 1).trim()];
            });
          cursor = trailerEnd + 4;
          complete = true;
          break;
        }
        const start = lineEnd + 2;
        if (data.length < start + size + 2) break;
        if (data[start + size] !== 0x0d || data[start + size + 1] !== 0x0a) throw new Error('chunk data not followed by CRLF');
        parts.push(data.subarray(start, start + size));
        sizes.push(size);
        cursor = start + size + 2;
      }
      if (!complete) break;
      responses.push(makeResponse(rawHead, Buffer.concat(parts), trailers, true, sizes));
      finals++;
      pos = cursor;
      continue;
    }
    if (cl !== undefined) {
      const length = Number(cl);
      if (!Number.isInteger(length) || length < 0) throw new Error(`bad content-length ${cl}`);
      if (data.length < cursor + length) break;
      responses.push(makeResponse(rawHead, Buffer.from(data.subarray(cursor, cursor + length)), [], false, []));
      finals++;
      pos = cursor + length;
      continue;
    }
    // Delimited by the close.
    if (!options.closed) break;
    responses.push(makeResponse(rawHead, Buffer.from(data.subarray(cursor)), [], false, []));
    finals++;
    pos = data.length;
  }
  return { responses, rest: Buffer.from(data.subarray(pos)) };
}

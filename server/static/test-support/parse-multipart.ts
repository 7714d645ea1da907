/**
 * A strict multipart/byteranges reader for tests (RFC 9110 §14.6, RFC 2046 §5.1.1): it finds the
 * parts by their delimiters, as a client would, and checks every part against its own
 * Content-Range, so a body whose framing or lengths are off by one octet fails loudly.
 */
export interface ByteRangePart {
  readonly headers: Record<string, string>;
  readonly start: number;
  readonly end: number;
  readonly size: number;
  readonly body: Buffer;
}

export function boundaryOf(contentType: string | undefined): string {
  const m = /^multipart\/byteranges;\s*boundary=("?)([^";]+)\1$/i.exec(contentType ?? '');
  if (m === null) throw new Error(`not multipart/byteranges with a boundary: ${JSON.stringify(contentType)}`);
  return m[2]!;
}

export function parseMultipartByteranges(body: Buffer, contentType: string | undefined): ByteRangePart[] {
  const boundary = boundaryOf(contentType);
  const dash = Buffer.from(`--${boundary}`, 'latin1');
  const delimiter = Buffer.from(`\r\n--${boundary}`, 'latin1');
  if (!body.subarray(0, dash.length).equals(dash)) throw new Error('the body does not open with the boundary');
  let pos = dash.length;
  const parts: ByteRangePart[] = [];
  for (;;) {
    const after = body.subarray(pos, pos + 2).toString('latin1');
    if (after === '--') {
      const rest = body.subarray(pos + 2).toString('latin1');
      if (rest !== '\r\n' && rest !== '') throw new Error(`unexpected octets after the close-delimiter: ${JSON.stringify(rest)}`);
      return parts;
    }
    if (after !== '\r\n') throw new Error(`expected CRLF after a delimiter at ${pos}, got ${JSON.stringify(after)}`);
    pos += 2;
    const headEnd = body.indexOf('\r\n\r\n', pos, 'latin1');
    if (headEnd < 0) throw new Error('a part without the end of its header section');
    const headers: Record<string, string> = {};
    for (const line of body.subarray(pos, headEnd).toString('latin1').split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon <= 0) throw new Error(`a malformed part header line ${JSON.stringify(line)}`);
      headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
    }
    const m = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(headers['content-range'] ?? '');
    if (m === null) throw new Error(`a part without a valid Content-Range: ${JSON.stringify(headers)}`);
    const [start, end, size] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const dataStart = headEnd + 4;
    const dataEnd = body.indexOf(delimiter, dataStart);
    if (dataEnd < 0) throw new Error('a part that never ends');
    if (dataEnd - dataStart !== end - start + 1) throw new Error(`part ${start}-${end} has ${dataEnd - dataStart} octets`);
    parts.push({ headers, start, end, size, body: body.subarray(dataStart, dataEnd) });
    pos = dataEnd + delimiter.length;
  }
}

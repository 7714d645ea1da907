/**
 * What one connection's two byte streams say at the HTTP level: the requests in the client's
 * bytes and the answers in the server's. HTTP/1.1 requests are read with the server's own
 * RequestParser, responses with harness/http/response-parser.ts; HTTP/2 (the client's bytes start
 * with the preface, RFC 9113 §3.4, or switch to it after an h2c Upgrade) with the frame decoder
 * and HPACK of server/http2, through RawH2Client's reading side.
 *
 * Used for both the replay's server and the captured one, so the two read the same way.
 */
import { CONNECTION_PREFACE_LENGTH, errorCodeName } from '../../server/http2/frames/constants.js';
import { matchPreface } from '../../server/http2/frames/preface.js';
import { RawH2Client } from '../h2/raw-h2-client.js';
import { parseResponses } from '../http/response-parser.js';
import { fingerprint } from '../sim/trace.js';
import { scanHttp1Requests } from './scan-http1-requests.js';

/**
 * What the client's first bytes say the connection is. 'tls': a TLS record (content type 22,
 * handshake, RFC 8446 §5.1): encrypted, so it cannot be read or replayed without the keys.
 */
export type WireProtocol = 'http/1.1' | 'h2c' | 'tls' | 'none';

export function wireProtocol(clientBytes: Buffer): WireProtocol {
  if (clientBytes.length === 0) return 'none';
  if (clientBytes[0] === 0x16) return 'tls';
  return matchPreface(clientBytes) === 'mismatch' ? 'http/1.1' : 'h2c';
}

export interface RequestSeen {
  method: string;
  target: string;
  /** HTTP/2 stream (1 for the request an h2c Upgrade carried). */
  stream?: number;
}

export interface ResponseSeen {
  status: number;
  /** HTTP/1.1 reason phrase. */
  reason?: string;
  /** 1xx. */
  interim: boolean;
  bodyBytes: number;
  /** Short fingerprint of the body (sha-256 prefix): bodies compared without printing them. */
  body: string;
  stream?: number;
  /** HTTP/2: the stream ended (END_STREAM) in these bytes; false when it was cut short. HTTP/1.1 responses are complete. */
  complete: boolean;
}

export interface StreamReset {
  stream: number;
  code: string;
}

export interface Goaway {
  lastStreamId: number;
  code: string;
  debug: string;
}

export interface ExchangeReading {
  /** 'h2c-upgrade': HTTP/1.1 with Upgrade: h2c, then HTTP/2. */
  protocol: 'http/1.1' | 'h2c' | 'h2c-upgrade' | 'none';
  requests: RequestSeen[];
  /** Where the client's bytes break a rule (the server must refuse them there), or null. */
  requestError: string | null;
  responses: ResponseSeen[];
  /** RST_STREAM frames the server sent. */
  resets: StreamReset[];
  /** GOAWAY frames the server sent. */
  goaways: Goaway[];
  /** What is wrong with the server's bytes as HTTP (empty when they are well-formed). */
  malformed: string[];
}

export interface ReadOptions {
  /** The server's side ended (FIN or RST): a close-delimited body is complete. */
  ended: boolean;
  /** The connection was reset: a response cut short is no fault of the framing. */
  reset: boolean;
}

/** Read a connection that is not TLS (check wireProtocol first). */
export function readExchange(clientBytes: Buffer, serverBytes: Buffer, options: ReadOptions): ExchangeReading {
  const protocol = wireProtocol(clientBytes);
  const reading: ExchangeReading = { protocol: protocol === 'h2c' ? 'h2c' : protocol === 'none' ? 'none' : 'http/1.1', requests: [], requestError: null, responses: [], resets: [], goaways: [], malformed: [] };
  if (protocol === 'tls') throw new Error('readExchange: TLS bytes cannot be read');
  if (protocol === 'h2c') {
    readHttp2(clientBytes.subarray(CONNECTION_PREFACE_LENGTH), serverBytes, options, reading);
    return reading;
  }
  const upgradedAt = readHttp1Requests(clientBytes, reading);
  let h1 = serverBytes;
  let h2: Buffer | null = null;
  if (upgradedAt !== null) {
    reading.protocol = 'h2c-upgrade';
    // The server's 101 ends its HTTP/1.1; frames follow (RFC 7540 §3.2, which RFC 9113 keeps for h2c).
    const switched = /^HTTP\/1\.1 101 /.test(serverBytes.subarray(0, 13).toString('latin1')) ? serverBytes.indexOf('\r\n\r\n', 0, 'latin1') : -1;
    if (switched >= 0) {
      h1 = serverBytes.subarray(0, switched + 4);
      h2 = serverBytes.subarray(switched + 4);
    }
  }
  readHttp1Responses(h1, reading, { ...options, ended: options.ended || h2 !== null });
  if (h2 !== null) readHttp2(clientBytes.subarray(upgradedAt! + CONNECTION_PREFACE_LENGTH), h2, options, reading);
  return reading;
}

/** The requests, with the server's own parser and default limits; returns where an h2c preface begins, if the client switched. */
function readHttp1Requests(bytes: Buffer, reading: ExchangeReading): number | null {
  const scan = scanHttp1Requests(bytes, (head) => reading.requests.push({ method: head.method, target: head.target }));
  if (scan.h2At !== null) reading.requests[reading.requests.length - 1] = { ...reading.requests[reading.requests.length - 1]!, stream: 1 };
  if (scan.error !== null) reading.requestError = scan.error.error.message;
  return scan.h2At;
}

function readHttp1Responses(bytes: Buffer, reading: ExchangeReading, options: ReadOptions): void {
  const head = reading.requests.filter((r) => r.stream === undefined || r.stream === 1).map((r) => r.method === 'HEAD');
  try {
    const { responses, rest } = parseResponses(bytes, { head, closed: options.ended });
    for (const r of responses) reading.responses.push({ status: r.status, reason: r.reason, interim: r.status < 200, bodyBytes: r.body.length, body: fingerprint(r.body), complete: true });
    if (rest.length > 0 && !options.reset) reading.malformed.push(`${rest.length} byte(s) after the last complete response${options.ended ? '' : ' (and the connection never closed)'}: ${JSON.stringify(rest.subarray(0, 40).toString('latin1'))}`);
  } catch (err) {
    reading.malformed.push(`not well-formed HTTP/1.1 responses: ${(err as Error).message}`);
  }
}

/** Both directions' frames (preface already removed from the client's), decoded with their own HPACK contexts. */
function readHttp2(clientFrames: Buffer, serverBytes: Buffer, options: ReadOptions, reading: ExchangeReading): void {
  const fromClient = frameReader(clientFrames);
  const seen = new Set<number>();
  for (const f of fromClient.frames) {
    if (f.type !== 'HEADERS' || seen.has(f.streamId)) continue;
    seen.add(f.streamId);
    const field = (name: string) => f.fields?.find(([n]) => n === name)?.[1];
    const method = field(':method') ?? '?';
    reading.requests.push({ method, target: field(':path') ?? field(':authority') ?? '?', stream: f.streamId });
  }
  if (fromClient.decodeError !== null) reading.requestError ??= `HTTP/2 frame error from the client: ${fromClient.decodeError.message}`;
  else if (!fromClient.betweenFrames) reading.requestError ??= 'the client\'s bytes end inside a frame';

  const fromServer = frameReader(serverBytes);
  const bodies = new Map<number, Buffer[]>();
  const finals = new Map<number, ResponseSeen>();
  for (const f of fromServer.frames) {
    switch (f.type) {
      case 'HEADERS': {
        if (f.fields?.some(([n, v]) => n === 'x-raw-client' && v === 'undecodable field block')) {
          reading.malformed.push(`undecodable field block (HPACK) on stream ${f.streamId}`);
          break;
        }
        const status = f.fields?.find(([n]) => n === ':status')?.[1];
        if (status === undefined) break; // trailers
        const response: ResponseSeen = { status: Number(status), interim: Number(status) < 200, bodyBytes: 0, body: '', stream: f.streamId, complete: Number(status) < 200 || f.endStream };
        reading.responses.push(response);
        if (!response.interim) finals.set(f.streamId, response);
        break;
      }
      case 'DATA': {
        const parts = bodies.get(f.streamId) ?? [];
        parts.push(Buffer.from(f.data));
        bodies.set(f.streamId, parts);
        if (f.endStream) {
          const final = finals.get(f.streamId);
          if (final !== undefined) final.complete = true;
        }
        break;
      }
      case 'RST_STREAM':
        reading.resets.push({ stream: f.streamId, code: errorCodeName(f.errorCode) });
        break;
      case 'GOAWAY':
        reading.goaways.push({ lastStreamId: f.lastStreamId, code: errorCodeName(f.errorCode), debug: f.debug.toString('utf8') });
        break;
      default:
        break;
    }
  }
  for (const [stream, response] of finals) {
    const body = Buffer.concat(bodies.get(stream) ?? []);
    response.bodyBytes = body.length;
    response.body = fingerprint(body);
  }
  if (fromServer.decodeError !== null) reading.malformed.push(`the server sent an undecodable HTTP/2 frame: ${fromServer.decodeError.message}`);
  else if (!fromServer.betweenFrames && !options.reset) reading.malformed.push('the server\'s bytes end inside an HTTP/2 frame');
}

/** RawH2Client used for reading only: its frame decoder and its HPACK context, over one direction's bytes. */
function frameReader(bytes: Buffer): RawH2Client {
  const reader = new RawH2Client({ write() {} });
  // Follow whatever table size updates the peer's encoder sends (RFC 7541 §4.2): the limit a
  // real endpoint advertised is not known here, and the table starts at 4096 either way.
  reader.decoder.setMaxTableSize(0xffffffff);
  if (bytes.length > 0) reader.receive(Buffer.from(bytes));
  return reader;
}

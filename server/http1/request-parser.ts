import { HttpParseError } from './parse-error.js';
import type { Http1Limits } from './limits.js';
import type { BodyFraming, RequestHead, TargetForm } from './request-head.js';
import { determineFraming, splitList } from './message-framing.js';
import { parseChunkSize } from './chunk-line.js';
import { fieldName, methodName } from './field-names.js';
import { COLON, CR, FIELD_VALUE, HTAB, LF, SP, TARGET, TCHAR } from './octets.js';
import { isHostAndPort, isUriHost } from './host-syntax.js';

export interface RequestParserEvents {
  onHead(head: RequestHead): void;
  /** A slice of the request content (chunked coding already removed). Views into the input. */
  onBody(chunk: Buffer): void;
  /** Trailer fields of a chunked body, before onMessageEnd (only when there are any). */
  onTrailers(trailers: Array<[string, string]>): void;
  onMessageEnd(): void;
}

const enum State {
  /** Before a request: skipping empty lines (RFC 9112 §2.2), then the request line. */
  RequestLine,
  HeaderLine,
  BodyLength,
  ChunkSize,
  ChunkData,
  ChunkDataCr,
  ChunkDataLf,
  TrailerLine,
  Failed,
}

/** Fields that must not be taken from a trailer section (RFC 9110 §6.5.1): framing, routing, auth. */
const FORBIDDEN_TRAILERS = new Set([
  'content-length', 'transfer-encoding', 'host', 'content-type', 'content-encoding', 'content-range',
  'trailer', 'te', 'connection', 'keep-alive', 'upgrade', 'authorization', 'cookie', 'set-cookie',
  'expect', 'max-forwards', 'cache-control',
]);

/**
 * An incremental HTTP/1.1 request parser (RFC 9112), sans-I/O: give it bytes with `execute`,
 * it calls back with the request head, body slices, trailers and the end of each message.
 *
 * Feeding the same input split at any byte boundary produces the same events (body slices may
 * be cut differently; their concatenation is identical), and the cost stays linear: a partial
 * line is kept as a list of pieces and joined once when its LF arrives, and each new piece is
 * scanned once.
 *
 * `execute` returns after each complete message so that the connection decides when to parse
 * the next one (responses to pipelined requests go out in order; a CONNECT or Upgrade hands the
 * rest of the input to someone else). Violations throw HttpParseError and leave the parser failed.
 */
export class RequestParser {
  private state = State.RequestLine;
  /** Offset in the connection's input of the next byte `execute` will see. */
  private position = 0;
  private pending: Buffer[] = [];
  private pendingLength = 0;
  /** Offset of the first byte of the line being accumulated. */
  private lineStart = 0;

  // Per-message state.
  private messageStart = 0;
  private headBytes = 0;
  private method = '';
  private target = '';
  private targetForm: TargetForm = 'origin';
  private targetAuthority = '';
  private versionMinor = 1;
  private headers: Array<[string, string]> = [];
  private bodyRemaining = 0;
  private bodyTotal = 0;
  private trailers: Array<[string, string]> = [];
  private trailerBytes = 0;

  constructor(
    private readonly events: RequestParserEvents,
    private readonly limits: Http1Limits,
  ) {}

  /** Offset of the next byte to be parsed, counted from the connection's first byte. */
  get offset(): number {
    return this.position;
  }

  /**
   * Bytes of input the parser holds: the partial line, plus the header (or trailer) section parsed
   * so far, which it keeps as fields until the section ends. Bounded by the line and section limits.
   */
  get heldBytes(): number {
    if (this.state === State.HeaderLine) return this.headBytes + this.pendingLength;
    if (this.state === State.TrailerLine) return this.trailerBytes + this.pendingLength;
    return this.pendingLength;
  }

  /**
   * The method of the request being parsed once its request line has been read, else null: even
   * after a parse error, so an error response to HEAD can leave out its content (RFC 9110 §9.3.2).
   */
  get requestMethod(): string | null {
    return this.method === '' ? null : this.method;
  }

  /** True between messages with nothing buffered: an end of input here is a clean close. */
  get idle(): boolean {
    return this.state === State.RequestLine && this.pendingLength === 0;
  }

  /**
   * Parse from `data[start]` on. Returns the index just past the last byte consumed: either
   * data.length, or the end of a message (the caller passes the rest back when it is ready).
   */
  execute(data: Buffer, start = 0): number {
    if (this.state === State.Failed) throw new Error('RequestParser: execute after a parse error');
    let i = start;
    const base = this.position - start; // offset of data[0] in the connection's input
    try {
      while (i < data.length) {
        switch (this.state) {
          case State.BodyLength: {
            const n = Math.min(this.bodyRemaining, data.length - i);
            this.bodyRemaining -= n;
            this.events.onBody(data.subarray(i, i + n));
            i += n;
            if (this.bodyRemaining === 0) return this.finishMessage(base, i);
            break;
          }
          case State.ChunkData: {
            const n = Math.min(this.bodyRemaining, data.length - i);
            this.bodyRemaining -= n;
            this.events.onBody(data.subarray(i, i + n));
            i += n;
            if (this.bodyRemaining === 0) this.state = State.ChunkDataCr;
            break;
          }
          case State.ChunkDataCr:
          case State.ChunkDataLf: {
            // §7.1: chunk-data is followed by exactly CRLF.
            const expected = this.state === State.ChunkDataCr ? CR : LF;
            if (data[i] !== expected) {
              throw new HttpParseError(400, 'chunk-data-not-terminated', 'chunk data must be followed by CRLF (RFC 9112 §7.1)', base + i);
            }
            i++;
            this.state = this.state === State.ChunkDataCr ? State.ChunkDataLf : State.ChunkSize;
            if (this.state === State.ChunkSize) this.lineStart = base + i;
            break;
          }
          default: {
            // A line-oriented state: find the LF, scanning only bytes not seen before.
            const lf = data.indexOf(LF, i);
            if (lf === -1) {
              this.accumulate(data.subarray(i), base + i);
              i = data.length;
              break;
            }
            // The line is the range [ls, le) of `buf`: no view objects on the hot path.
            let buf = data;
            let ls = i;
            let le = lf;
            if (this.pendingLength === 0) {
              this.lineStart = base + i;
            } else {
              this.pending.push(data.subarray(i, lf));
              buf = Buffer.concat(this.pending, this.pendingLength + (lf - i));
              ls = 0;
              le = buf.length;
              this.pending = [];
              this.pendingLength = 0;
            }
            this.checkLineLimit(le - ls + 1, base + lf);
            i = lf + 1;
            // §2.2: lines end in CRLF. A bare LF is rejected (strict); a bare CR inside a line is
            // caught by the octet tables below.
            if (le === ls || buf[le - 1] !== CR) {
              throw new HttpParseError(400, 'bare-lf', 'line terminated by LF without CR (RFC 9112 §2.2)', base + lf);
            }
            const done = this.onLine(buf, ls, le - 1);
            this.lineStart = base + i;
            if (done) return this.finishMessage(base, i);
          }
        }
      }
      this.position = base + i;
      return i;
    } catch (err) {
      this.state = State.Failed;
      this.position = base + i;
      throw err;
    }
  }

  /**
   * The peer closed its side. Between messages that is a normal close; inside one it means the
   * request was truncated, reported like any other parse error.
   */
  finish(): void {
    if (this.state === State.Failed || this.idle) return;
    this.state = State.Failed;
    throw new HttpParseError(400, 'incomplete-message', 'the connection ended in the middle of a request (RFC 9112 §8)', this.position);
  }

  private finishMessage(base: number, i: number): number {
    this.position = base + i;
    this.state = State.RequestLine;
    this.lineStart = this.position;
    this.method = '';
    if (this.trailers.length > 0) this.events.onTrailers(this.trailers);
    this.events.onMessageEnd();
    return i;
  }

  private accumulate(piece: Buffer, pieceOffset: number): void {
    if (this.pendingLength === 0) this.lineStart = pieceOffset;
    this.pending.push(piece);
    this.pendingLength += piece.length;
    // Enforce limits on a line still arriving, so a peer cannot make us buffer an endless line.
    this.checkLineLimit(this.pendingLength, pieceOffset + piece.length - 1);
  }

  /**
   * `length` counts the line so far including its CR (and LF, once seen), whose last octet is at
   * `at`. A violation is reported at the first octet past the limit, wherever the input was cut,
   * so the error is the same however the line arrived.
   */
  private checkLineLimit(length: number, at: number): void {
    const pastLimit = (limit: number) => at - length + limit + 1;
    switch (this.state) {
      case State.RequestLine:
        if (length > this.limits.maxRequestLineBytes + 2) {
          throw new HttpParseError(414, 'request-line-too-long', `request line longer than ${this.limits.maxRequestLineBytes} bytes`, pastLimit(this.limits.maxRequestLineBytes + 2));
        }
        return;
      case State.HeaderLine:
        if (this.headBytes + length > this.limits.maxHeaderBytes) {
          throw new HttpParseError(431, 'header-section-too-large', `header section larger than ${this.limits.maxHeaderBytes} bytes`, pastLimit(this.limits.maxHeaderBytes - this.headBytes));
        }
        return;
      case State.TrailerLine:
        if (this.trailerBytes + length > this.limits.maxHeaderBytes) {
          throw new HttpParseError(431, 'trailer-section-too-large', `trailer section larger than ${this.limits.maxHeaderBytes} bytes`, pastLimit(this.limits.maxHeaderBytes - this.trailerBytes));
        }
        return;
      case State.ChunkSize:
        if (length > this.limits.maxChunkLineBytes) {
          throw new HttpParseError(400, 'chunk-line-too-long', `chunk-size line longer than ${this.limits.maxChunkLineBytes} bytes`, pastLimit(this.limits.maxChunkLineBytes));
        }
        return;
      default:
        return;
    }
  }

  /** Handle one complete line (CRLF removed). Returns true when the message is complete. */
  private onLine(buf: Buffer, start: number, end: number): boolean {
    switch (this.state) {
      case State.RequestLine:
        // §2.2: a server SHOULD ignore at least one empty line received before the request line.
        if (start === end) return false;
        this.startMessage(buf, start, end);
        return false;
      case State.HeaderLine:
        this.headBytes += end - start + 2;
        if (start === end) return this.endHead();
        if (this.headers.length >= this.limits.maxHeaderCount) {
          throw new HttpParseError(431, 'too-many-header-fields', `more than ${this.limits.maxHeaderCount} header fields`, this.lineStart);
        }
        this.headers.push(parseFieldLine(buf, start, end, this.lineStart));
        return false;
      case State.ChunkSize: {
        const size = parseChunkSize(buf.subarray(start, end), this.lineStart);
        if (size === 0) {
          this.state = State.TrailerLine;
          return false;
        }
        this.bodyTotal += size;
        if (this.bodyTotal > this.limits.maxBodyBytes) {
          throw new HttpParseError(413, 'content-too-large', `chunked body exceeds the limit of ${this.limits.maxBodyBytes} bytes`, this.lineStart);
        }
        this.bodyRemaining = size;
        this.state = State.ChunkData;
        return false;
      }
      case State.TrailerLine: {
        this.trailerBytes += end - start + 2;
        if (start === end) return true;
        if (this.trailers.length >= this.limits.maxHeaderCount) {
          throw new HttpParseError(431, 'too-many-trailer-fields', `more than ${this.limits.maxHeaderCount} trailer fields`, this.lineStart);
        }
        const field = parseFieldLine(buf, start, end, this.lineStart);
        if (!FORBIDDEN_TRAILERS.has(field[0])) this.trailers.push(field);
        return false;
      }
      default:
        throw new Error(`RequestParser: unexpected line in state ${this.state}`);
    }
  }

  /** Parse the request-line (RFC 9112 §3): method SP request-target SP HTTP-version, in buf[start, end). */
  private startMessage(buf: Buffer, start: number, end: number): void {
    this.messageStart = this.lineStart;
    this.headBytes = end - start + 2;
    this.headers = [];
    if (this.trailers.length > 0) this.trailers = [];
    this.trailerBytes = 0;
    this.bodyTotal = 0;
    // Offsets reported below are of buf[k], i.e. at + k.
    const at = this.lineStart - start;
    if (end - start > this.limits.maxRequestLineBytes) {
      throw new HttpParseError(414, 'request-line-too-long', `request line longer than ${this.limits.maxRequestLineBytes} bytes`, this.lineStart + this.limits.maxRequestLineBytes);
    }

    let m = start;
    while (m < end && TCHAR[buf[m]!] === 1) m++;
    if (m === start || buf[m] !== SP) {
      throw octetError(buf, m, at, 'invalid-method', 'method must be a token followed by one space (RFC 9112 §3)');
    }
    const t0 = m + 1;
    let t = t0;
    while (t < end && buf[t] !== SP) {
      if (TARGET[buf[t]!] !== 1) throw octetError(buf, t, at, 'invalid-target', 'invalid octet in request-target (RFC 9112 §3.2)');
      t++;
    }
    if (t === t0) throw new HttpParseError(400, 'invalid-target', 'empty request-target (RFC 9112 §3.2)', at + t);
    if (t === end) throw new HttpParseError(400, 'missing-version', 'request line has no HTTP-version (RFC 9112 §3)', at + t);
    this.versionMinor = parseVersion(buf, t + 1, end, at);
    this.method = methodName(buf, start, m);
    this.target = buf.toString('latin1', t0, t);
    // §3: methods are case-sensitive; an unknown one is Not Implemented (RFC 9110 §9.1).
    if (!this.limits.methods.has(this.method)) {
      throw new HttpParseError(501, 'method-not-implemented', `method "${this.method}" is not implemented (RFC 9110 §9.1)`, this.lineStart);
    }
    this.classifyTarget(at + t0);
    this.state = State.HeaderLine;
  }

  /** RFC 9112 §3.2: which of the four forms the target takes, and whether it suits the method. */
  private classifyTarget(at: number): void {
    const target = this.target;
    this.targetAuthority = '';
    if (this.method === 'CONNECT') {
      // §3.2.3: CONNECT uses authority-form, host and port, and nothing else.
      const colon = target.lastIndexOf(':');
      const port = target.slice(colon + 1);
      if (colon <= 0 || !/^[0-9]{1,5}$/.test(port) || Number(port) > 65535 || Number(port) === 0 || !isUriHost(target.slice(0, colon)) || target.includes('@')) {
        throw new HttpParseError(400, 'invalid-authority-form', 'CONNECT needs an authority-form target host:port (RFC 9112 §3.2.3)', at);
      }
      this.targetForm = 'authority';
      this.targetAuthority = target;
      return;
    }
    if (target === '*') {
      // §3.2.4: asterisk-form only for a server-wide OPTIONS.
      if (this.method !== 'OPTIONS') {
        throw new HttpParseError(400, 'invalid-asterisk-form', 'asterisk-form is only for OPTIONS (RFC 9112 §3.2.4)', at);
      }
      this.targetForm = 'asterisk';
      return;
    }
    if (target.charCodeAt(0) === 0x2f /* / */) {
      // §3.2.1: absolute-path [ "?" query ]; a fragment never travels in a request.
      if (target.includes('#')) throw new HttpParseError(400, 'fragment-in-target', 'request-target must not contain a fragment (RFC 9112 §3.2)', at + target.indexOf('#'));
      this.targetForm = 'origin';
      return;
    }
    // §3.2.2 absolute-form; RFC 9110 §4.2: only the http and https schemes are ours to serve.
    const match = /^(https?):\/\/([^/?#]*)([^#]*)$/i.exec(target);
    if (match === null) {
      throw new HttpParseError(400, 'invalid-target', 'request-target is not origin-, absolute-, authority- or asterisk-form (RFC 9112 §3.2)', at);
    }
    const authority = match[2]!;
    // RFC 9110 §4.2.4: userinfo is deprecated and MUST be treated as an error; an empty host is invalid.
    if (authority.length === 0 || authority.includes('@') || !isHostAndPort(authority)) {
      throw new HttpParseError(400, 'invalid-target-authority', 'absolute-form target has an invalid authority (RFC 9110 §4.2)', at);
    }
    this.targetForm = 'absolute';
    this.targetAuthority = authority;
  }

  /** The empty line after the fields: interpret the fields and decide the framing. */
  private endHead(): boolean {
    const at = this.messageStart;
    let host: string | null = null;
    let hostCount = 0;
    const transferEncoding: string[] = [];
    const contentLength: string[] = [];
    let connection = '';
    let expect: string | null = null;
    let upgrade: string | null = null;
    for (const [name, value] of this.headers) {
      switch (name) {
        case 'host': hostCount++; host = value; break;
        case 'transfer-encoding': transferEncoding.push(value); break;
        case 'content-length': contentLength.push(value); break;
        case 'connection': connection = connection ? `${connection},${value}` : value; break;
        case 'expect': expect = expect === null ? value : `${expect},${value}`; break;
        case 'upgrade': upgrade = value; break;
      }
    }
    // §3.2: an HTTP/1.1 request needs exactly one Host; more than one is also a 400.
    if (hostCount > 1) throw new HttpParseError(400, 'repeated-host', 'more than one Host field (RFC 9112 §3.2)', at);
    if (hostCount === 0 && this.versionMinor >= 1) throw new HttpParseError(400, 'missing-host', 'HTTP/1.1 request without Host (RFC 9112 §3.2)', at);
    if (host !== null && host.length > 0 && !isHostAndPort(host)) throw new HttpParseError(400, 'invalid-host', `invalid Host "${host}" (RFC 9110 §7.2)`, at);

    const framing: BodyFraming = determineFraming(transferEncoding, contentLength, this.versionMinor, this.limits, at);
    if (this.method === 'CONNECT' && framing.kind !== 'none') {
      throw new HttpParseError(400, 'connect-with-content', 'a CONNECT request has no content (RFC 9110 §9.3.6)', at);
    }

    const tokens = connection ? splitList(connection) : [];
    const close = tokens.includes('close');
    const keepAlive = this.versionMinor >= 1 ? !close : tokens.includes('keep-alive') && !close;

    // RFC 9110 §10.1.1: only 100-continue is defined; ignore it in HTTP/1.0.
    let expectContinue = false;
    if (expect !== null && this.versionMinor >= 1) {
      const members = splitList(expect);
      if (members.some((m) => m !== '100-continue')) {
        throw new HttpParseError(417, 'unsupported-expectation', `unsupported expectation "${expect}" (RFC 9110 §10.1.1)`, at);
      }
      expectContinue = framing.kind !== 'none';
    }

    const head: RequestHead = {
      method: this.method,
      target: this.target,
      targetForm: this.targetForm,
      versionMinor: this.versionMinor,
      headers: this.headers,
      // RFC 9112 §3.2.2: an absolute-form target's authority overrides Host.
      authority: this.targetAuthority !== '' ? this.targetAuthority : (host ?? ''),
      framing,
      keepAlive,
      expectContinue,
      // RFC 9110 §7.8: "A server that receives an Upgrade header field in an HTTP/1.0 request MUST ignore that Upgrade field."
      upgrade: this.versionMinor >= 1 && tokens.includes('upgrade') && upgrade !== null ? upgrade : null,
      offset: at,
    };
    this.events.onHead(head);
    switch (framing.kind) {
      case 'none':
        return true;
      case 'length':
        this.bodyRemaining = framing.length;
        this.state = State.BodyLength;
        return false;
      case 'chunked':
        this.state = State.ChunkSize;
        return false;
    }
  }
}

/** field-line = field-name ":" OWS field-value OWS (RFC 9112 §5), in buf[start, end); `lineAt` is its offset. */
function parseFieldLine(buf: Buffer, start: number, end: number, lineAt: number): [string, string] {
  const at = lineAt - start;
  const first = buf[start]!;
  // §5.2: obs-fold (a line starting with whitespace) is rejected.
  if (first === SP || first === HTAB) {
    throw new HttpParseError(400, 'obs-fold', 'obsolete line folding is not accepted (RFC 9112 §5.2)', lineAt);
  }
  let c = start;
  while (c < end && TCHAR[buf[c]!] === 1) c++;
  if (c === end) throw new HttpParseError(400, 'missing-colon', 'field line has no colon (RFC 9112 §5)', at + c);
  if (buf[c] !== COLON) {
    // §5.1: no whitespace is allowed between the field name and the colon.
    if (buf[c] === SP || buf[c] === HTAB) throw new HttpParseError(400, 'whitespace-before-colon', 'whitespace between field name and colon (RFC 9112 §5.1)', at + c);
    throw octetError(buf, c, at, 'invalid-field-name', 'invalid octet in field name (RFC 9110 §5.1)');
  }
  if (c === start) throw new HttpParseError(400, 'empty-field-name', 'empty field name (RFC 9110 §5.1)', lineAt);
  let vs = c + 1;
  while (vs < end && (buf[vs] === SP || buf[vs] === HTAB)) vs++;
  let ve = end;
  while (ve > vs && (buf[ve - 1] === SP || buf[ve - 1] === HTAB)) ve--;
  for (let k = vs; k < ve; k++) {
    if (FIELD_VALUE[buf[k]!] !== 1) throw octetError(buf, k, at, 'invalid-field-value', 'invalid octet in field value (RFC 9110 §5.5)');
  }
  return [fieldName(buf, start, c), buf.toString('latin1', vs, ve)];
}

/**
 * HTTP-version = "HTTP/" DIGIT "." DIGIT (RFC 9112 §2.3) in buf[v, end); major versions other than 1 get 505.
 * A version field with no "HTTP/" in it at all (any case) is a line that is not HTTP: code
 * 'not-http', so that a listener shared with h2c can tell such bytes from a botched HTTP/1.x line.
 */
function parseVersion(buf: Buffer, v: number, end: number, at: number): number {
  const isDigit = (k: number) => k < end && buf[k]! >= 0x30 && buf[k]! <= 0x39;
  const prefix = buf[v] === 0x48 && buf[v + 1] === 0x54 && buf[v + 2] === 0x54 && buf[v + 3] === 0x50 && buf[v + 4] === 0x2f; // "HTTP/"
  if (prefix && isDigit(v + 5)) {
    const major = buf[v + 5]! - 0x30;
    const wellFormed = end === v + 8 && buf[v + 6] === 0x2e && isDigit(v + 7);
    if (major !== 1 && (wellFormed || end === v + 6)) {
      throw new HttpParseError(505, 'version-not-supported', `HTTP major version ${major} is not supported on an HTTP/1 connection (RFC 9110 §15.6.6)`, at + v);
    }
    if (wellFormed) return buf[v + 7]! - 0x30 >= 1 ? 1 : 0;
  }
  if (!prefix && !mentionsHttp(buf, v, end)) throw octetError(buf, v, at, 'not-http', 'the request line names no HTTP-version: not an HTTP/1.x request (RFC 9112 §2.3)');
  throw octetError(buf, v, at, 'invalid-version', 'malformed HTTP-version (RFC 9112 §2.3)');
}

/** Does buf[v, end) contain "HTTP/" in any case (a botched version, not some other protocol)? */
function mentionsHttp(buf: Buffer, v: number, end: number): boolean {
  for (let k = v; k + 5 <= end; k++) {
    if ((buf[k]! | 0x20) === 0x68 && (buf[k + 1]! | 0x20) === 0x74 && (buf[k + 2]! | 0x20) === 0x74 && (buf[k + 3]! | 0x20) === 0x70 && buf[k + 4] === 0x2f) return true;
  }
  return false;
}

/** A 400 naming the offending octet, calling out bare CR and NUL, which matter for smuggling. */
function octetError(line: Buffer, k: number, at: number, code: string, reason: string): HttpParseError {
  const octet = line[k];
  if (octet === CR) return new HttpParseError(400, 'bare-cr', 'bare CR is not allowed (RFC 9112 §2.2)', at + k);
  if (octet === 0) return new HttpParseError(400, 'nul-octet', `NUL octet: ${reason}`, at + k);
  return new HttpParseError(400, code, reason, at + k);
}


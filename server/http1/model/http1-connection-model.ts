/**
 * A reference model of one HTTP/1.1 server connection, from RFC 9112 and RFC 9110 alone, with
 * the demo routes as the application behind it. It knows nothing of aeronet's code: given what a
 * client did (a ClientStep), it says which answers the server may send, in which order, with
 * which statuses, whether a 100 (Continue) may or must come first, and whether the server then
 * closes. Where the RFCs leave the server a choice, the model accepts every allowed behaviour
 * (each such place says so, with its section) and follows whichever the server took.
 *
 * The model-based test (http1-connection.model.test.ts) drives the real connection and this
 * model with the same fast-check command sequences and compares them after every step.
 *
 * Pure data and functions: no I/O, no clock, no harness.
 */

// ---- What the client sends, in the protocol's words ----

export type HttpVersion = '1.0' | '1.1';
export type Method = 'GET' | 'HEAD' | 'POST';
export type TargetPath = '/hello' | '/echo' | '/missing';

/** How request content is delimited (RFC 9112 §6.2, §6.3): by Content-Length or the chunked coding. */
export type ContentFraming = 'content-length' | 'chunked';

/** An upgrade offer (RFC 9110 §7.8): h2c with its HTTP2-Settings (RFC 7540 §3.2), or websocket. */
export type UpgradeOffer = 'h2c' | 'websocket';

/** A well-formed request (apart from faults the model knows, such as HTTP/1.0 with chunked). */
export interface RequestMessage {
  readonly kind: 'request';
  readonly method: Method;
  readonly path: TargetPath;
  readonly version: HttpVersion;
  /** The request content, or null for none (no Content-Length, no Transfer-Encoding). */
  readonly content: { readonly framing: ContentFraming; readonly data: string } | null;
  /** The connection option besides "upgrade" (RFC 9112 §9.3, §9.6). */
  readonly connection: 'close' | 'keep-alive' | null;
  /** `Expect: 100-continue` (RFC 9110 §10.1.1). */
  readonly expectContinue: boolean;
  readonly upgrade: UpgradeOffer | null;
}

/** A request the server must reject: one of the table entries below. */
export interface MalformedMessage {
  readonly kind: 'malformed';
  readonly fault: MalformedFault;
}

export type ClientMessage = RequestMessage | MalformedMessage;

const HOST = 'Host: model.test\r\n';
/** SETTINGS_MAX_CONCURRENT_STREAMS=100, SETTINGS_INITIAL_WINDOW_SIZE=1 GiB, SETTINGS_ENABLE_PUSH=0 (base64url). */
const HTTP2_SETTINGS = 'AAMAAABkAARAAAAAAAIAAAAA';

/**
 * Malformed requests and what RFC 9112 lets a server answer to each. `statuses` are the allowed
 * final statuses; `after` is what the connection does next: 'close' where the RFC requires it
 * (the framing can no longer be trusted), 'either' where it leaves the choice to the server.
 */
export const MALFORMED = {
  /** §3.2: "A server MUST respond with a 400 (Bad Request) status code to any HTTP/1.1 request message that lacks a Host header field". */
  'missing-host': { raw: 'GET /hello HTTP/1.1\r\n\r\n', outcomes: [{ statuses: [400], after: 'either' }] },
  /** §3.2: "... and to any request message that contains more than one Host header field line". */
  'repeated-host': { raw: `GET /hello HTTP/1.1\r\n${HOST}Host: other.test\r\n\r\n`, outcomes: [{ statuses: [400], after: 'either' }] },
  /** §5.1: "A server MUST reject, with a response status code of 400 (Bad Request), any received request message that contains whitespace between a header field name and colon." */
  'space-before-colon': { raw: `GET /hello HTTP/1.1\r\n${HOST}Accept : */*\r\n\r\n`, outcomes: [{ statuses: [400], after: 'either' }] },
  /** §3: invalid request-line: "SHOULD respond with either a 400 (Bad Request) error or a 301 (Moved Permanently) redirect". */
  'invalid-request-line': { raw: `GET /a b HTTP/1.1\r\n${HOST}\r\n`, outcomes: [{ statuses: [400, 301], after: 'either' }] },
  /** §6.3 rule 5: an invalid Content-Length: "the server MUST respond with a 400 (Bad Request) status code and then close the connection". */
  'invalid-content-length': { raw: `POST /echo HTTP/1.1\r\n${HOST}Content-Length: 1x\r\n\r\n`, outcomes: [{ statuses: [400], after: 'close' }] },
  /**
   * §6.3 rule 4: chunked not the final coding: "the server MUST respond with the 400 (Bad Request)
   * status code and then close the connection" (§6.1 adds a SHOULD 501 for an unknown coding).
   */
  'chunked-not-final': { raw: `POST /echo HTTP/1.1\r\n${HOST}Transfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n`, outcomes: [{ statuses: [400, 501], after: 'close' }] },
  /**
   * §6.1: both Content-Length and Transfer-Encoding: "A server MAY reject a request that contains
   * both ... or process such a request in accordance with the Transfer-Encoding alone. Regardless,
   * the server MUST close the connection after responding to such a request."
   */
  'content-length-and-chunked': {
    raw: `POST /echo HTTP/1.1\r\n${HOST}Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n`,
    outcomes: [{ statuses: [400, 200], after: 'close' }],
  },
  /** §7.1: chunk-size is 1*HEXDIG; the content cannot be delimited, so the connection cannot continue. */
  'invalid-chunk-size': { raw: `POST /echo HTTP/1.1\r\n${HOST}Transfer-Encoding: chunked\r\n\r\nzz\r\n`, outcomes: [{ statuses: [400], after: 'close' }] },
} as const satisfies Record<string, { raw: string; outcomes: readonly Outcome[] }>;

export type MalformedFault = keyof typeof MALFORMED;
export const MALFORMED_FAULTS = Object.keys(MALFORMED) as MalformedFault[];

/** The request's octets as the client sends them. */
export function serializeMessage(m: ClientMessage): string {
  if (m.kind === 'malformed') return MALFORMED[m.fault].raw;
  return headOf(m) + contentOf(m);
}

/** Octets of the request line and header section (final CRLF included). */
export function headLength(m: RequestMessage): number {
  return headOf(m).length;
}

/** Octets of the request line (its CRLF included). */
export function requestLineLength(m: RequestMessage): number {
  return `${m.method} ${m.path} HTTP/${m.version}\r\n`.length;
}

function headOf(m: RequestMessage): string {
  let head = `${m.method} ${m.path} HTTP/${m.version}\r\n${HOST}`;
  const options: string[] = [];
  if (m.connection !== null) options.push(m.connection);
  if (m.upgrade !== null) options.push('Upgrade');
  if (m.upgrade === 'h2c') options.push('HTTP2-Settings');
  if (options.length > 0) head += `Connection: ${options.join(', ')}\r\n`;
  if (m.upgrade === 'h2c') head += `Upgrade: h2c\r\nHTTP2-Settings: ${HTTP2_SETTINGS}\r\n`;
  if (m.upgrade === 'websocket') head += 'Upgrade: websocket\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n';
  if (m.expectContinue) head += 'Expect: 100-continue\r\n';
  if (m.content !== null) {
    head += m.content.framing === 'chunked' ? 'Transfer-Encoding: chunked\r\n' : `Content-Length: ${m.content.data.length}\r\n`;
  }
  return `${head}\r\n`;
}

function contentOf(m: RequestMessage): string {
  if (m.content === null) return '';
  const { framing, data } = m.content;
  if (framing === 'content-length') return data;
  // RFC 9112 §7.1: chunks, then the last-chunk and the empty trailer section.
  return (data.length > 0 ? `${data.length.toString(16)}\r\n${data}\r\n` : '') + '0\r\n\r\n';
}

/** A short, readable name for a message (for counterexamples and divergence reports). */
export function describeMessage(m: ClientMessage): string {
  if (m.kind === 'malformed') return `malformed:${m.fault}`;
  let s = `${m.method} ${m.path}`;
  if (m.version === '1.0') s += ' HTTP/1.0';
  if (m.content !== null) s += ` ${m.content.framing === 'chunked' ? 'chunked' : 'cl'}"${m.content.data}"`;
  if (m.connection !== null) s += ` conn:${m.connection}`;
  if (m.expectContinue) s += ' expect:100';
  if (m.upgrade !== null) s += ` upgrade:${m.upgrade}`;
  return s;
}

// ---- The application: the demo routes (server/demo/demo-routes.ts) as a table ----

/** What a route answers, and whether it reads the request content before answering. */
export interface RouteAnswer {
  readonly status: number;
  /** It needs the whole content first (so it cannot answer early, RFC 9110 §10.1.1). */
  readonly readsContent: boolean;
}

export type RouteTable = (method: Method, path: TargetPath) => RouteAnswer;

const answer = (status: number, readsContent = false): RouteAnswer => ({ status, readsContent });

/**
 * The demo routes: GET /hello, POST /echo (reads the content), nothing at /missing. HEAD is served
 * by the GET route (RFC 9110 §9.3.2); a method the path does not serve is a 405 (§15.5.6), an
 * unknown path a 404 (§15.5.5).
 */
export const DEMO_ROUTES: RouteTable = (method, path) => {
  const table: Record<TargetPath, Partial<Record<Method, RouteAnswer>>> = {
    '/hello': { GET: answer(200), HEAD: answer(200) },
    '/echo': { POST: answer(200, true) },
    '/missing': {},
  };
  const byMethod = table[path];
  if (Object.keys(byMethod).length === 0) return answer(404);
  return byMethod[method] ?? answer(405);
};

// ---- What the model expects ----

/**
 * What the connection does after a final response: stays open for the next request, closes,
 * either (the RFC leaves it to the server), or switches protocols (101, RFC 9110 §15.2.2).
 */
export type After = 'keep' | 'close' | 'either' | 'switch';

export interface Outcome {
  readonly statuses: readonly number[];
  readonly after: After;
}

/** Whether a 100 (Continue) may come before a final response (RFC 9110 §10.1.1, §15.2). */
export type Interim = 'forbidden' | 'optional' | 'required';

/** The answer to one request: optional 100, then one final response with one of the outcomes. */
export interface ExpectedAnswer {
  readonly request: string;
  /** It answers a HEAD request: the response has no content (RFC 9110 §9.3.2). */
  readonly head: boolean;
  readonly interim: Interim;
  readonly outcomes: readonly Outcome[];
  /** The server may send no answer at all (an incomplete request, RFC 9112 §8). */
  readonly optional: boolean;
  /** 'now': the final response is due; 'later': only the interim now, the final once the content comes. */
  readonly final: 'now' | 'later';
}

export interface Expectation {
  /** Answers in request order (RFC 9112 §9.3.2: responses in the order the requests came). */
  readonly answers: readonly ExpectedAnswer[];
  /** Whether the connection is closed afterwards, if no answer's outcome closed it earlier. */
  readonly end: 'open' | 'closed';
}

/** What the client saw after a step. */
export interface Observation {
  /** Statuses of the new responses, interim ones included, in arrival order. */
  readonly statuses: readonly number[];
  /** The server closed (FIN or reset). */
  readonly closed: boolean;
  /** The server switched protocols: bytes of another protocol follow a 101. */
  readonly switched: boolean;
}

/** What the client does next. Steps are whole: every request they start, they finish, except `partial`. */
export type ClientStep =
  /** Complete requests (one write, pipelined, or cut across writes: the model does not care how). Then a prefix of one more, and a FIN. */
  | { readonly kind: 'send'; readonly messages: readonly ClientMessage[]; readonly partial?: { readonly message: RequestMessage; readonly octets: number }; readonly fin: boolean }
  /** Only the request line and header section; the content is withheld (waiting for 100 Continue). */
  | { readonly kind: 'send-head'; readonly message: RequestMessage }
  /** The withheld content. */
  | { readonly kind: 'send-content' }
  /** Half-close (FIN) with the content still withheld. */
  | { readonly kind: 'fin' }
  /** Send nothing past the server's timeout for request content. */
  | { readonly kind: 'wait-past-content-timeout' };

export type ConnectionState =
  /** Open, between requests. */
  | { readonly phase: 'idle' }
  /** A request's header section arrived, its content did not (RFC 9110 §10.1.1). */
  | { readonly phase: 'awaiting-content'; readonly message: RequestMessage; readonly answered: boolean; readonly continued: boolean }
  | { readonly phase: 'closed' }
  /** The connection speaks another protocol now (RFC 9110 §7.8). */
  | { readonly phase: 'switched' };

/** The server did something the model does not allow. */
export class Divergence extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Divergence';
  }
}

/** Statuses for a request the client never finished (RFC 9112 §8 "MAY send an error response"): incomplete, or timed out (RFC 9110 §15.5.9). */
export const INCOMPLETE_REQUEST_STATUSES: readonly number[] = [400, 408];

export interface Http1ModelOptions {
  readonly routes: RouteTable;
  /**
   * Protocols the server switches to. RFC 9110 §7.8: "A server MAY ignore a received Upgrade
   * header field"; which ones it accepts is its configuration (aeronet: h2c while HTTP/2 is on).
   */
  readonly upgrades: readonly UpgradeOffer[];
}

/**
 * The model: the connection's state, the expectation for each client step, and the check of an
 * observation against it. Its rules are small protected methods, so a test can inject a wrong
 * variant and see the check fail.
 */
export class Http1ConnectionModel {
  state: ConnectionState = { phase: 'idle' };
  /** For each final response matched so far, whether it answered a HEAD (for parsing the bytes). */
  readonly finalsHead: boolean[] = [];

  constructor(readonly options: Http1ModelOptions) {}

  get open(): boolean {
    return this.state.phase === 'idle';
  }

  /** What the server may do in answer to `step`. */
  expect(step: ClientStep): Expectation {
    const s = this.state;
    if (s.phase === 'closed' || s.phase === 'switched') return { answers: [], end: 'closed' };
    if (s.phase === 'awaiting-content') {
      if (step.kind === 'send-content') {
        if (s.answered) return { answers: [], end: 'open' };
        // RFC 9110 §10.1.1: "A server that sends a 100 (Continue) response MUST ultimately send a final status code".
        const full = this.answerFor(s.message);
        return { answers: [{ ...full, interim: s.continued || s.message.version === '1.0' ? 'forbidden' : full.interim }], end: 'open' };
      }
      if (step.kind === 'fin' || step.kind === 'wait-past-content-timeout') {
        if (s.answered) return { answers: [], end: 'closed' };
        return { answers: [this.incomplete(s.message, headLength(s.message), 'forbidden')], end: 'closed' };
      }
      throw new Error(`model: ${step.kind} while awaiting content`);
    }
    switch (step.kind) {
      case 'send': {
        const answers = this.order(step.messages.map((m) => this.answerFor(m)));
        if (step.partial !== undefined && step.partial.octets > 0) {
          const { message, octets } = step.partial;
          answers.push(this.incomplete(message, octets, octets >= headLength(message) ? this.interimFor(message) : 'forbidden'));
        }
        // RFC 9112 §9.6 ("MUST NOT process any further requests"): nothing after a close or a switch.
        return { answers: truncateAfterClose(answers), end: step.fin ? 'closed' : 'open' };
      }
      case 'send-head':
        return { answers: [this.headOnlyAnswer(step.message)], end: 'open' };
      default:
        throw new Error(`model: ${step.kind} between requests`);
    }
  }

  /**
   * Check `observed` against `expectation` (from expect()) and move to the state the server
   * chose where the RFC allowed a choice. Throws Divergence, saying what differed.
   */
  accept(step: ClientStep, expectation: Expectation, observed: Observation): void {
    const result = match(expectation, observed);
    if (typeof result === 'string') {
      const seen = `statuses [${observed.statuses.join(' ')}], ${observed.switched ? 'switched' : observed.closed ? 'closed' : 'open'}`;
      throw new Divergence(`${result}\n  expected: ${describeExpectation(expectation)}\n  observed: ${seen}`);
    }
    for (const a of result.finals) this.finalsHead.push(a.head);
    if (result.switched) this.state = { phase: 'switched' };
    else if (result.closed) this.state = { phase: 'closed' };
    else if (step.kind === 'send-head') {
      const message = step.message;
      this.state = { phase: 'awaiting-content', message, answered: result.finals.length > 0, continued: result.continued };
    } else this.state = { phase: 'idle' };
  }

  /** Head flags for parsing: the matched finals, then those `expectation` may add. */
  headFlags(expectation: Expectation): boolean[] {
    return [...this.finalsHead, ...expectation.answers.filter((a) => a.final === 'now').map((a) => a.head)];
  }

  // ---- The rules ----

  /** The answer to a complete request. */
  protected answerFor(m: ClientMessage): ExpectedAnswer {
    const request = describeMessage(m);
    if (m.kind === 'malformed') {
      return { request, head: false, interim: 'forbidden', outcomes: MALFORMED[m.fault].outcomes, optional: false, final: 'now' };
    }
    // RFC 9112 §6.1: "A server or client that receives an HTTP/1.0 message containing a
    // Transfer-Encoding header field MUST treat the message as if the framing is faulty ... and
    // close the connection after processing the message" (§6.3 rule 4: 400, then close).
    if (faultyFraming(m)) {
      return { request, head: m.method === 'HEAD', interim: 'forbidden', outcomes: [{ statuses: [400], after: 'close' }], optional: false, final: 'now' };
    }
    if (this.switches(m)) {
      // RFC 9110 §7.8: the 101 comes once the request is complete (RFC 7540 §3.2: "Requests
      // that contain a payload body MUST be sent in their entirety before the client can send
      // HTTP/2 frames"); the request is then answered in the new protocol.
      return { request, head: false, interim: 'forbidden', outcomes: [{ statuses: [101], after: 'switch' }], optional: false, final: 'now' };
    }
    const route = this.options.routes(m.method, m.path);
    return { request, head: m.method === 'HEAD', interim: this.interimFor(m), outcomes: [{ statuses: [route.status], after: this.afterAnswer(m, route) }], optional: false, final: 'now' };
  }

  /** RFC 9110 §7.8: the server switches only to a protocol it offers, and only for HTTP/1.1. */
  protected switches(m: RequestMessage): boolean {
    // "A server that receives an Upgrade header field in an HTTP/1.0 request MUST ignore that Upgrade field."
    return m.upgrade !== null && m.version === '1.1' && this.options.upgrades.includes(m.upgrade);
  }

  /**
   * 100 (Continue) before the final response.
   * - RFC 9110 §15.2: "A server MUST NOT send a 1xx response to an HTTP/1.0 client", and
   *   §10.1.1: "A server that receives a 100-continue expectation in an HTTP/1.0 request MUST
   *   ignore that expectation."
   * - §10.1.1: "A server MAY omit sending a 100 (Continue) response if it has already received
   *   some or all of the content ..., or if the framing indicates that there is no content": so
   *   for a request sent whole, a 100 is optional (both behaviours allowed).
   * - Without the expectation the model allows no 100. The RFC does not forbid an unsolicited
   *   100 to an HTTP/1.1 client outright; the model is stricter here on purpose: a 100 means
   *   "send the content", which only a client that asked is waiting for.
   */
  protected interimFor(m: RequestMessage): Interim {
    if (m.version === '1.0' || !m.expectContinue) return 'forbidden';
    return 'optional';
  }

  /** Whether the connection persists after the final response to `m` (RFC 9112 §9.3). */
  protected afterAnswer(m: RequestMessage, route: RouteAnswer): After {
    // §9.3: HTTP/1.1 persists unless "close"; HTTP/1.0 closes unless "keep-alive", and even then
    // only "if the recipient wishes to honor the HTTP/1.0 keep-alive mechanism": either.
    // §9.6: "A server that receives a "close" connection option MUST initiate closure of the
    // connection after it sends the final response to the request that contained the "close"".
    if (m.connection === 'close') return 'close';
    if (m.version === '1.0') return m.connection === 'keep-alive' ? 'either' : 'close';
    // RFC 9110 §10.1.1: a route that does not read the content may answer before it has all
    // arrived, and "A server that responds with a final status code before reading the entire
    // request content SHOULD indicate whether it intends to close the connection ... or continue
    // reading the request content": either. (Whether the content had arrived depends on how the
    // network cut it up, which the model does not see.)
    if (hasContent(m) && !route.readsContent) return 'either';
    return 'keep';
  }

  /**
   * Only the header section arrived, the content is withheld. RFC 9110 §10.1.1: an origin
   * server "MUST send either: an immediate response with a final status code, if that status can
   * be determined by examining just the method, target URI, and header fields, or an immediate
   * 100 (Continue) response to encourage the client to send the request content". A route that
   * reads the content can answer only after it: so a 100 now, the final later. Over HTTP/1.0
   * there is no 100: the server waits for the content.
   */
  protected headOnlyAnswer(m: RequestMessage): ExpectedAnswer {
    const full = this.answerFor(m);
    // Nothing withheld, or framing already known to be faulty from the header section alone.
    if (!hasContent(m) || faultyFraming(m)) return full;
    const route = this.options.routes(m.method, m.path);
    // Answered from the header section: afterAnswer() already lets the server close or read on.
    if (!route.readsContent && !this.switches(m)) return full;
    return { ...full, interim: m.version === '1.1' && m.expectContinue ? 'required' : 'forbidden', final: 'later' };
  }

  /**
   * A request the client did not finish before its FIN or the server's timeout (RFC 9112 §8):
   * "A server that receives an incomplete request message ... MAY send an error response prior
   * to closing the connection": no answer, or an error. A route that answers without the content
   * may already have answered once it had the header section.
   */
  protected incomplete(m: RequestMessage, octets: number, interim: Interim): ExpectedAnswer {
    const headComplete = octets >= headLength(m);
    const statuses = [...INCOMPLETE_REQUEST_STATUSES];
    if (headComplete && !this.switches(m)) {
      const route = this.options.routes(m.method, m.path);
      if (!route.readsContent) statuses.push(route.status);
    }
    // RFC 9110 §9.3.2: no content in a response to HEAD; the server knows it is one once it has the request line.
    const head = m.method === 'HEAD' && octets >= requestLineLength(m);
    return { request: `${describeMessage(m)} (incomplete)`, head, interim, outcomes: [{ statuses, after: 'close' }], optional: true, final: 'now' };
  }

  /** RFC 9112 §9.3.2: "A server ... MUST send the corresponding responses in the same order that the requests were received." */
  protected order(answers: ExpectedAnswer[]): ExpectedAnswer[] {
    return answers;
  }
}

/**
 * The framing says content follows: chunked (even if only the last-chunk), or a non-zero
 * Content-Length. `Content-Length: 0` is a request without content (RFC 9112 §6.3 rule 6).
 */
function hasContent(m: RequestMessage): boolean {
  return m.content !== null && (m.content.framing === 'chunked' || m.content.data.length > 0);
}

/** HTTP/1.0 with Transfer-Encoding (RFC 9112 §6.1). */
function faultyFraming(m: RequestMessage): boolean {
  return m.version === '1.0' && m.content?.framing === 'chunked';
}

/** Once an answer must close or switch, the requests behind it get nothing. */
function truncateAfterClose(answers: ExpectedAnswer[]): ExpectedAnswer[] {
  const out: ExpectedAnswer[] = [];
  for (const a of answers) {
    out.push(a);
    if (a.outcomes.every((o) => o.after === 'close' || o.after === 'switch')) break;
  }
  return out;
}

interface MatchResult {
  finals: ExpectedAnswer[];
  closed: boolean;
  switched: boolean;
  /** A 100 came for an answer whose final is 'later'. */
  continued: boolean;
}

/**
 * Walk the observed statuses along the expected answers. Where the RFC allowed the server to
 * close or keep the connection ('either'), the observation decides: closed with nothing more to
 * read means it closed there. Returns what was matched, or why it does not match.
 */
function match(e: Expectation, o: Observation): MatchResult | string {
  const s = o.statuses;
  let i = 0;
  const finals: ExpectedAnswer[] = [];
  let closed = false;
  let switched = false;
  let continued = false;
  for (const a of e.answers) {
    let interims = 0;
    while (i < s.length && s[i] === 100) {
      interims++;
      i++;
    }
    if (interims > 1) return `${interims} 100 (Continue) responses for ${a.request}`;
    if (interims === 1 && a.interim === 'forbidden') return `a 100 (Continue) the model does not allow for ${a.request}`;
    if (a.final === 'later') {
      if (interims === 0 && a.interim === 'required') return `no 100 (Continue) for ${a.request}, whose content the client withholds until it gets one`;
      if (i < s.length) return `a final response (${s[i]}) to ${a.request} before its content was sent`;
      continued = interims === 1;
      break;
    }
    if (i >= s.length) {
      // A 100 and then nothing is allowed for an incomplete request ("unless the connection is closed prematurely").
      if (a.optional) break;
      return `no final response to ${a.request}`;
    }
    if (interims === 0 && a.interim === 'required') return `no 100 (Continue) for ${a.request}`;
    const status = s[i++]!;
    const outcome = a.outcomes.find((x) => x.statuses.includes(status));
    if (outcome === undefined) return `status ${status} for ${a.request}, expected one of ${a.outcomes.flatMap((x) => x.statuses).join('/')}`;
    finals.push(a);
    if (outcome.after === 'close') { closed = true; break; }
    if (outcome.after === 'switch') { switched = true; break; }
    if (outcome.after === 'either' && i >= s.length && o.closed) { closed = true; break; }
  }
  if (i < s.length) return `unexpected response(s) ${s.slice(i).join(' ')} after the expected ones`;
  if (switched) return o.switched ? { finals, closed: false, switched, continued } : 'a 101 but the server does not speak another protocol after it';
  if (o.switched) return 'the server switched protocols, which the model does not allow here';
  const shouldClose = closed || e.end === 'closed';
  if (shouldClose && !o.closed) return 'the server kept the connection open; the model expects it closed';
  if (!shouldClose && o.closed) return 'the server closed the connection; the model expects it open';
  return { finals, closed: shouldClose, switched: false, continued };
}

function describeExpectation(e: Expectation): string {
  const answers = e.answers.map((a) => {
    const interim = a.interim === 'required' ? '100 then ' : a.interim === 'optional' ? '[100] ' : '';
    const finals = a.final === 'later' ? '(final later)' : a.outcomes.map((o) => `${o.statuses.join('/')}->${o.after}`).join(' | ');
    return `${a.request}: ${interim}${finals}${a.optional ? ' (or nothing)' : ''}`;
  });
  return `[${answers.join('; ')}] then ${e.end === 'closed' ? 'closed' : 'open (unless closed above)'}`;
}

import { parseResponses, type ParsedResponse } from '../../http/response-parser.js';
import type { H1CaseContext, Verdict } from './case.js';
import type { H1Conn } from './target.js';

/*
 * How a case sees the server: it writes its bytes, then reads what comes back with the strict
 * response parser until its condition holds, the connection closes, or the timeout passes. The
 * Observation is everything the server did: its responses in order (interim 1xx included),
 * anything it sent that is not a well-formed response, and whether the connection is still open.
 * `describe` turns it into the report's `actual` ("400, closed", "200 then 404, kept open",
 * "no response, reset"), so every case records what happened, not only whether it passed.
 */

export interface Observation {
  /** Complete responses in order, interim (1xx) ones included. */
  responses: ParsedResponse[];
  /** The final (non-1xx) responses. */
  finals: ParsedResponse[];
  /** The status line of a response that began but is not complete. */
  partial: string | null;
  /** Bytes that are not a well-formed HTTP/1.x response, as a short quote. */
  unparseable: string | null;
  /** The server closed the connection (FIN or reset). */
  closed: boolean;
  reset: boolean;
  /** The wait ended on the timeout rather than on its condition. */
  timedOut: boolean;
}

export interface ObserveOptions {
  /** Read from this offset of `conn.received` (take `conn.received.length` before writing). */
  from?: number;
  /** For each final response in order, whether it answers a HEAD request. */
  head?: readonly boolean[];
  /** Stop waiting once this holds (the connection closing, or unparseable bytes, also stop it). */
  done?: (o: Observation) => boolean;
  /** Default: ctx.timeoutMs. */
  timeoutMs?: number;
}

/** What the server has sent so far, from `from` on. */
export function snapshot(conn: H1Conn, from = 0, head: readonly boolean[] = []): Observation {
  const data = conn.received.subarray(from);
  const closed = conn.closed;
  const parsed = parseLeniently(data, head, closed);
  return {
    responses: parsed.responses,
    finals: parsed.responses.filter((r) => r.status >= 200),
    partial: parsed.partial,
    unparseable: parsed.unparseable,
    closed,
    reset: conn.reset,
    timedOut: false,
  };
}

/**
 * Parse what came; on malformed bytes keep the responses before them and quote the rest. The
 * response parser throws without saying where, but a prefix that stops short of the malformed
 * part parses: find the longest such prefix (bisecting: once a prefix holds the bad bytes, every
 * longer one does), and what it did not consume is where the trouble starts.
 */
function parseLeniently(data: Buffer, head: readonly boolean[], closed: boolean): { responses: ParsedResponse[]; partial: string | null; unparseable: string | null } {
  const attempt = (end: number, atClose: boolean) => {
    try {
      return parseResponses(data.subarray(0, end), { head, closed: atClose });
    } catch {
      return null;
    }
  };
  const whole = attempt(data.length, closed);
  if (whole !== null) {
    const { responses, rest } = whole;
    return { responses, partial: rest.length > 0 ? partialOf(rest, closed) : null, unparseable: rest.length > 0 && !looksLikeResponse(rest) ? quote(rest) : null };
  }
  let lo = 0;
  let hi = data.length;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (attempt(mid, false) === null) hi = mid;
    else lo = mid;
  }
  const good = attempt(lo, false)!;
  return { responses: good.responses, partial: null, unparseable: quote(data.subarray(lo - good.rest.length)) };
}

function looksLikeResponse(rest: Buffer): boolean {
  const text = rest.subarray(0, 7).toString('latin1');
  return text.length >= 7 ? text === 'HTTP/1.' : 'HTTP/1.'.startsWith(text);
}

/** A started response: its status line, or null when the rest is not a response at all. */
function partialOf(rest: Buffer, closed: boolean): string | null {
  if (!looksLikeResponse(rest)) return null;
  const text = rest.toString('latin1');
  const line = text.split('\r\n')[0]!;
  return closed ? `${line} (cut off by the close)` : line;
}

/** Octets as a short quoted string: CR and LF as \r and \n, other non-printables as \xHH, cut after `max`. */
function quote(b: Buffer, max = 60): string {
  const text = b.subarray(0, max).toString('latin1').replace(/\r/g, '\\r').replace(/\n/g, '\\n').replace(/[^\x20-\x7e]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return b.length > max ? `"${text}…" (${b.length} octets)` : `"${text}"`;
}

/** Wait for `done` (or the close, or unparseable bytes) and return what the server did. */
export async function observe(conn: H1Conn, ctx: H1CaseContext, options: ObserveOptions = {}): Promise<Observation> {
  const from = options.from ?? 0;
  const head = options.head ?? [];
  const done = options.done ?? (() => false);
  let last = snapshot(conn, from, head);
  const check = () => {
    last = snapshot(conn, from, head);
    return last.closed || last.unparseable !== null || done(last);
  };
  const settled = await conn.until(check, options.timeoutMs ?? ctx.timeoutMs);
  last = snapshot(conn, from, head);
  return { ...last, timedOut: !settled };
}

/** Write `bytes`, then observe until `finals` final responses came (or the close). */
export async function exchange(conn: H1Conn, ctx: H1CaseContext, bytes: string | Buffer, finals: number, options: Omit<ObserveOptions, 'done'> & { done?: (o: Observation) => boolean } = {}): Promise<Observation> {
  const from = options.from ?? conn.received.length;
  await conn.write(bytes);
  return observe(conn, ctx, { ...options, from, done: options.done ?? ((o) => o.finals.length >= finals) });
}

/** Write `bytes`, then wait for the server to close (or to answer more than once, which decides too). */
export function exchangeUntilClose(conn: H1Conn, ctx: H1CaseContext, bytes: string | Buffer, options: Omit<ObserveOptions, 'done'> = {}): Promise<Observation> {
  return exchange(conn, ctx, bytes, 2, options);
}

// ---- Describing what happened ----

export interface DescribeOptions {
  /** Show the content of the final responses at these indexes (echo checks). */
  bodies?: readonly number[];
  /** Show these response fields when present (e.g. "connection"). */
  fields?: readonly string[];
}

/** The connection's state at the end of the wait. */
export function connectionState(o: Observation): string {
  if (o.reset) return 'reset';
  if (o.closed) return 'closed';
  return 'kept open';
}

/**
 * What the server did, in one line: each response's status in order ("100 then 200"), the
 * content where asked ("200 (body \"hello\")"), anything malformed, then the connection's state.
 */
export function describe(o: Observation, options: DescribeOptions = {}): string {
  const parts: string[] = [];
  let finalIndex = 0;
  for (const r of o.responses) {
    let text = String(r.status);
    const notes: string[] = [];
    if (r.status >= 200) {
      // Content matters for what was read (2xx echoes); an error's text is the server's prose.
      if (options.bodies?.includes(finalIndex) === true && r.status < 300) notes.push(`body ${quote(r.body, 40)}`);
      finalIndex++;
    }
    for (const name of options.fields ?? []) {
      const value = r.header(name);
      if (value !== undefined) notes.push(`${name}: ${value}`);
    }
    if (notes.length > 0) text += ` (${notes.join(', ')})`;
    parts.push(text);
  }
  if (o.partial !== null) parts.push(`an incomplete response "${o.partial}"`);
  if (o.unparseable !== null) parts.push(`bytes that are not a response: ${o.unparseable}`);
  if (parts.length === 0) parts.push('no response');
  return `${parts.join(' then ')}, ${connectionState(o)}`;
}

// ---- Judging ----

/** Statuses that reject a request as the server read it (RFC 9110 §15.5, §15.6). */
export const isErrorStatus = (status: number): boolean => status >= 400 && status <= 599;

/** Statuses that say the message itself was refused (not the resource): what a parser rejects with. */
export const REJECTIONS: readonly number[] = [400, 411, 413, 414, 417, 431, 501, 505];

/** Exactly one final response, an error, and the connection closed: the safe outcome for an ambiguous message. */
export function rejectedAndClosed(o: Observation, statuses: readonly number[] | null = null): boolean {
  const ok = (s: number) => (statuses === null ? isErrorStatus(s) : statuses.includes(s));
  return o.unparseable === null && o.finals.length === 1 && ok(o.finals[0]!.status) && o.closed;
}

export const REJECT_AND_CLOSE = 'a 4xx (or 5xx) response, then the connection closed, nothing answered after it';

/** The request was answered as the RFC reads it: not refused, and with `body` when it is an echo. */
export function answered(r: ParsedResponse | undefined, ctx: H1CaseContext, body?: string | null): boolean {
  if (r === undefined || REJECTIONS.includes(r.status) || r.status >= 500) return false;
  if (ctx.echoPath !== null && body !== undefined && body !== null) return r.status >= 200 && r.status < 300 && r.body.toString('latin1') === body;
  return true;
}

/** A verdict whose `actual` describes the observation. */
export function verdict(passed: boolean, expected: string, o: Observation, options: DescribeOptions = {}): Verdict {
  return { passed, expected, actual: describe(o, options) };
}

/** The follow-up request a case pipelines behind the one it tests: GET ctx.path, expecting a 2xx. */
export function followUp(ctx: H1CaseContext): string {
  return `GET ${ctx.path} HTTP/1.1\r\nHost: ${ctx.authority}\r\n\r\n`;
}

export const is2xx = (r: ParsedResponse | undefined): boolean => r !== undefined && r.status >= 200 && r.status < 300;

/**
 * The usual rule for a message the RFC lets a server either refuse or read one way only: the
 * server rejected it (error, close, nothing after), or it read it as `accepted` says and then
 * answered the follow-up request pipelined behind it (2xx) or closed. Anything else (a response
 * to bytes that were content, a follow-up swallowed, a 400 that keeps the connection) fails.
 */
export async function rejectOrRead(conn: H1Conn, ctx: H1CaseContext, request: string, accepted: { body?: string | null; as: string }): Promise<Verdict> {
  const o = await exchange(conn, ctx, request + followUp(ctx), 2);
  const read = o.unparseable === null && answered(o.finals[0], ctx, accepted.body) && ((o.finals.length === 2 && is2xx(o.finals[1])) || (o.finals.length === 1 && o.closed));
  const body = ctx.echoPath !== null && accepted.body !== undefined && accepted.body !== null ? ` with content ${JSON.stringify(accepted.body)}` : '';
  return verdict(rejectedAndClosed(o) || read, `${REJECT_AND_CLOSE}; or read ${accepted.as}: answered${body}, then the pipelined GET answered (2xx) or the connection closed`, o, { bodies: ctx.echoPath !== null ? [0] : [] });
}

/** The rule for a message the RFC says must be refused, and the connection closed (or that is too ambiguous to read safely). */
export async function mustRejectAndClose(conn: H1Conn, ctx: H1CaseContext, request: string, statuses: readonly number[] | null = null, expected = REJECT_AND_CLOSE): Promise<Verdict> {
  const o = await exchangeUntilClose(conn, ctx, request + followUp(ctx));
  return verdict(rejectedAndClosed(o, statuses), expected, o, { bodies: [] });
}

/** The response says the server will close (RFC 9112 §9.6). */
export const saysClose = (r: ParsedResponse | undefined): boolean => r !== undefined && (r.header('connection') ?? '').split(',').some((t) => t.trim().toLowerCase() === 'close');

/**
 * The rule for a valid request: answered (with `body` when it goes to the echo path), and the
 * GET pipelined behind it answered too (2xx); a server may instead close after a response that
 * says "Connection: close" (RFC 9112 §9.6), which still shows it read the message to its end.
 * `writes` sends the request in pieces, one write each.
 */
export async function readsAs(conn: H1Conn, ctx: H1CaseContext, request: string | readonly string[], body?: string | null, as = 'the request'): Promise<Verdict> {
  const pieces = typeof request === 'string' ? [request] : request;
  const from = conn.received.length;
  for (const piece of pieces.slice(0, -1)) await conn.write(piece);
  const o = await exchange(conn, ctx, pieces[pieces.length - 1]! + followUp(ctx), 2, { from });
  const first = o.finals[0];
  const passed = o.unparseable === null && answered(first, ctx, body) && ((o.finals.length === 2 && is2xx(o.finals[1])) || (o.finals.length === 1 && o.closed && saysClose(first)));
  const content = ctx.echoPath !== null && body !== undefined && body !== null ? ` with content ${JSON.stringify(body)}` : '';
  return verdict(passed, `${as} answered${content}, then the pipelined GET answered (2xx)`, o, { bodies: ctx.echoPath !== null && body !== undefined && body !== null ? [0] : [] });
}

/**
 * The rule for a request the RFC gives a status for, where closing is the server's choice: the
 * first response's status passes `ok`. A GET is pipelined behind it so that the wait ends as
 * soon as the server either answers it or closes, and `actual` shows which.
 */
export async function statusIs(conn: H1Conn, ctx: H1CaseContext, request: string, ok: (status: number) => boolean, expected: string, head: readonly boolean[] = []): Promise<Verdict> {
  const o = await exchange(conn, ctx, request + followUp(ctx), 2, { head });
  const first = o.finals[0];
  return verdict(o.unparseable === null && first !== undefined && ok(first.status), expected, o);
}

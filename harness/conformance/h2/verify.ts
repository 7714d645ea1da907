import { ErrorCode, errorCodeName, SettingId } from '../../../server/http2/frames/constants.js';
import type { ReceivedFrame } from '../../h2/raw-h2-client.js';
import type { CaseContext, Verdict } from './case.js';
import type { H2Conn } from './target.js';

/*
 * How a case decides (h2spec's pass rules, RFC 9113 §5.4): after sending its frames the case
 * watches what comes back, frame by frame, until one decides, the connection closes, or the
 * timeout passes. `actual` always says what happened, in order, so a report can be compared
 * with h2spec's line by line and a failure read without a packet capture.
 */

/** Decides on one received frame: true passes, false fails, undefined keeps watching. */
export type Judge = (frame: ReceivedFrame) => boolean | undefined;

export interface Expectation {
  expected: string;
  judge: Judge;
  /** The verdict if the connection closes before any frame decided. */
  onClose: boolean;
  /** What changes in strict mode (ctx.strict). */
  strict?: Partial<Omit<Expectation, 'strict'>>;
}

/** Watch the frames received from index `from` on (take `conn.client.frames.length` before sending). */
export async function watch(conn: H2Conn, ctx: CaseContext, from: number, expectation: Expectation, timeoutMs = ctx.timeoutMs): Promise<Verdict> {
  const rule = ctx.strict && expectation.strict !== undefined ? { ...expectation, ...expectation.strict } : expectation;
  const frames = conn.client.frames;
  let next = from;
  let decided: boolean | undefined;
  // A frame the client cannot read ends the watch, as in h2spec: Go's Framer returns an error,
  // Conn.WaitEvent marks the connection closed, and the case fails unless a frame before it decided.
  const unreadable = () => conn.client.decodeError !== null;
  const scan = () => {
    while (decided === undefined && next < frames.length) decided = rule.judge(frames[next++]!);
    return decided !== undefined || conn.closed || unreadable();
  };
  const settled = await conn.until(scan, timeoutMs);
  scan();
  // h2spec reads a FIN in the middle of a frame (bytes that are not HTTP/2, such as an HTTP/1.1
  // answer, or a frame cut short) as "unexpected EOF": a read error, which fails the case, not a
  // close. A reset is a close wherever it comes (Go reports ECONNRESET, not EOF).
  const cleanClose = conn.closed && !unreadable() && !(conn.closedHow === 'FIN' && !conn.client.betweenFrames);
  const passed = decided ?? (cleanClose ? rule.onClose : false);
  return { passed, expected: rule.expected, actual: describeOutcome(conn, frames.slice(from, next), !settled, timeoutMs) };
}

const names = (codes: readonly number[]) => codes.map(errorCodeName).join(' or ');

/**
 * A connection error (§5.4.1). As h2spec judges it: GOAWAY with one of `codes`, or the
 * connection closed within the timeout, even after a GOAWAY with another code (`actual` shows
 * which code came). Strict mode asks what the RFC asks: "SHOULD first send a GOAWAY frame" with
 * the error code the rule names, so a wrong code or a close without GOAWAY fails.
 */
export function connectionError(...codes: number[]): Expectation {
  return {
    expected: `GOAWAY frame (error code: ${names(codes)}), or the connection closed`,
    judge: (f) => (f.type === 'GOAWAY' && codes.includes(f.errorCode) ? true : undefined),
    onClose: true,
    strict: {
      expected: `GOAWAY frame (error code: ${names(codes)}) before the connection closes`,
      judge: (f) => (f.type === 'GOAWAY' ? codes.includes(f.errorCode) : undefined),
      onClose: false,
    },
  };
}

/** A response (HEADERS with :status) on `streamId`; an RST_STREAM there or an error GOAWAY fails. */
export function response(streamId: number): Expectation {
  return {
    expected: `HEADERS frame on stream ${streamId} (a response)`,
    judge: (f) => {
      if (f.type === 'HEADERS' && f.streamId === streamId && f.fields?.some(([n]) => n === ':status')) return true;
      if (f.type === 'RST_STREAM' && f.streamId === streamId) return false;
      if (f.type === 'GOAWAY' && f.errorCode !== ErrorCode.NO_ERROR) return false;
      return undefined;
    },
    onClose: false,
  };
}

// ---- Describing what happened ----

const SETTING_NAMES = new Map<number, string>(Object.entries(SettingId).map(([name, id]) => [id, name]));

function showOpaque(b: Buffer): string {
  return /^[\x20-\x7e]*$/.test(b.toString('latin1')) ? JSON.stringify(b.toString('latin1')) : `0x${b.toString('hex')}`;
}

function showDebug(b: Buffer): string {
  const text = b.toString('latin1').replace(/[^\x20-\x7e]/g, '.');
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}

/** One frame in a line, as reports show it. */
export function describeFrame(f: ReceivedFrame): string {
  switch (f.type) {
    case 'DATA':
      return `DATA(stream ${f.streamId}, ${f.flowLength} octet${f.flowLength === 1 ? '' : 's'}${f.endStream ? ', END_STREAM' : ''})`;
    case 'HEADERS': {
      const status = f.fields?.find(([n]) => n === ':status')?.[1];
      const what = f.fields === undefined ? 'no END_HEADERS' : status !== undefined ? `:status ${status}` : `${f.fields.length} fields`;
      return `HEADERS(stream ${f.streamId}, ${what}${f.endStream ? ', END_STREAM' : ''})`;
    }
    case 'PRIORITY':
      return `PRIORITY(stream ${f.streamId})`;
    case 'RST_STREAM':
      return `RST_STREAM(stream ${f.streamId}, ${errorCodeName(f.errorCode)})`;
    case 'SETTINGS':
      return f.ack ? 'SETTINGS(ACK)' : `SETTINGS(${f.settings.map(([id, v]) => `${SETTING_NAMES.get(id) ?? `0x${id.toString(16)}`}=${v}`).join(', ')})`;
    case 'PUSH_PROMISE':
      return `PUSH_PROMISE(stream ${f.streamId}, promised ${f.promisedStreamId})`;
    case 'PING':
      return `PING(${f.ack ? 'ACK, ' : ''}${showOpaque(f.opaque)})`;
    case 'GOAWAY':
      return `GOAWAY(last stream ${f.lastStreamId}, ${errorCodeName(f.errorCode)}${f.debug.length > 0 ? `, "${showDebug(f.debug)}"` : ''})`;
    case 'WINDOW_UPDATE':
      return `WINDOW_UPDATE(stream ${f.streamId}, +${f.increment})`;
    case 'CONTINUATION':
      return `CONTINUATION(stream ${f.streamId}${f.endHeaders ? ', END_HEADERS' : ''})`;
    case 'UNKNOWN':
      return `frame of type 0x${f.typeCode.toString(16)}(stream ${f.streamId})`;
  }
}

/** At most this many distinct lines of frames in `actual`; the rest are counted. */
const MAX_SHOWN = 12;

/** Frames in order, runs of the same line folded ("SETTINGS(ACK) ×1000"). */
export function describeFrames(frames: readonly ReceivedFrame[]): string {
  const runs: Array<[string, number]> = [];
  for (const f of frames) {
    const line = describeFrame(f);
    const last = runs[runs.length - 1];
    if (last !== undefined && last[0] === line) last[1]++;
    else runs.push([line, 1]);
  }
  const shown = runs.slice(0, MAX_SHOWN).map(([line, n]) => (n > 1 ? `${line} ×${n}` : line));
  const hidden = runs.slice(MAX_SHOWN).reduce((sum, [, n]) => sum + n, 0);
  if (hidden > 0) shown.push(`… ${hidden} more frame${hidden === 1 ? '' : 's'}`);
  return shown.join(', ');
}

/**
 * Frames counted by kind, for floods and bursts where the sequence is too long to read:
 * "1000 HEADERS, 1000 DATA, 2 RST_STREAM(PROTOCOL_ERROR)".
 */
export function tallyFrames(frames: readonly ReceivedFrame[]): string {
  const counts = new Map<string, number>();
  for (const f of frames) {
    const kind = f.type === 'RST_STREAM' || f.type === 'GOAWAY' ? `${f.type}(${errorCodeName(f.errorCode)})` : f.type === 'SETTINGS' || f.type === 'PING' ? `${f.type}${f.ack ? '(ACK)' : ''}` : f.type;
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  return counts.size === 0 ? 'no frames' : [...counts].map(([kind, n]) => `${n} ${kind}`).join(', ');
}

/** What happened after the case acted: the frames, then how the wait ended. */
export function describeOutcome(conn: H2Conn, frames: readonly ReceivedFrame[], timedOut: boolean, timeoutMs: number): string {
  const parts: string[] = [];
  const head = conn.client.head.toString('latin1');
  if (head.startsWith('HTTP/1.')) {
    // Not HTTP/2 at all: an HTTP/1.x server answered (what a cleartext port does with bad bytes).
    parts.push(`an HTTP/1.x response ("${head.split('\r\n')[0]}")`);
  } else if (frames.length > 0) parts.push(describeFrames(frames));
  const broken = conn.client.decodeError;
  if (broken !== null && !head.startsWith('HTTP/1.')) parts.push(`unreadable frames from the server (${broken.message})`);
  if (conn.closed && conn.closedHow === 'FIN' && !conn.client.betweenFrames) parts.push('connection closed (FIN) inside a frame: h2spec reads that as "unexpected EOF"');
  else if (conn.closed) parts.push(`connection closed (${conn.closedHow ?? 'FIN'})`);
  else if (timedOut) parts.push(frames.length > 0 ? `then nothing decisive within ${timeoutMs} ms (timeout)` : `nothing received within ${timeoutMs} ms (timeout)`);
  return parts.join(', ');
}

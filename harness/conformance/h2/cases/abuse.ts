import { ErrorCode, errorCodeName, FrameType, SettingId } from '../../../../server/http2/frames/constants.js';
import { encodeFrame, encodePing, encodeSettings } from '../../../../server/http2/frames/frame-writer.js';
import type { CaseContext, H2Case, Verdict } from '../case.js';
import { indexed, literal, plainBlock } from '../hpack-blocks.js';
import type { H2Conn } from '../target.js';
import { describeOutcome, response, tallyFrames, watch, type Expectation } from '../verify.js';
import { mark, opaque, postFields, serverHeaderTableSize, u32 } from './support.js';

/*
 * Abuse resistance (not in h2spec): the published HTTP/2 denial-of-service patterns, each with
 * the pass rule a well-defended server meets. What a server does inside cannot be seen from the
 * wire, so every rule is about what can: it ends the abuse with GOAWAY (ENHANCE_YOUR_CALM is the
 * code RFC 9113 §7 gives for "excessive load"), closes, refuses the stream, or keeps serving
 * promptly and by the rules.
 */

const { CONTINUATION, DATA, HEADERS, WINDOW_UPDATE } = FrameType;
const { ENHANCE_YOUR_CALM, NO_ERROR } = ErrorCode;

/** Bytes in one write of a flood. */
const CHUNK_BYTES = 64 * 1024;

interface FloodResult {
  written: number;
  /** Our writes stopped draining for timeoutMs: the server stopped reading (backpressure). */
  stalled: boolean;
  /** The server went away mid-flood: a write of ours was refused (EPIPE, reset). */
  refused: string | null;
}

/**
 * Write `chunk` repeatedly until `total` bytes are written, the connection closes, or the server
 * stops reading (a write that does not drain within the timeout).
 */
async function flood(conn: H2Conn, ctx: CaseContext, chunk: Buffer, total: number): Promise<FloodResult> {
  let written = 0;
  while (written < total && !conn.closed) {
    conn.client.raw(chunk);
    written += chunk.length;
    if (!(await conn.flushed(ctx.timeoutMs))) return { written, stalled: !conn.closed && conn.writeFailed === null, refused: conn.writeFailed };
  }
  return { written, stalled: false, refused: conn.writeFailed };
}

/** How a flood ended early, for `actual`: the server stopped reading, or went away. */
function afterFlood(result: FloodResult, sep = ' ('): string {
  const what = result.stalled ? 'then the server stopped reading' : result.refused !== null ? `then our writes were refused (${result.refused})` : null;
  return what === null ? '' : sep === ' (' ? ` (${what})` : `${sep}${what}`;
}

/** `frame` repeated to about CHUNK_BYTES. */
function repeated(frame: Buffer): Buffer {
  return Buffer.concat(Array.from({ length: Math.max(1, Math.floor(CHUNK_BYTES / frame.length)) }, () => frame));
}

const mib = (n: number) => `${(n / (1024 * 1024)).toFixed(1)} MiB`;

/**
 * GOAWAY with one of `codes`, or the connection closed (after a GOAWAY with another code too, as
 * h2spec judges connection errors: the abuse ended either way, and `actual` shows the code).
 */
function endsConnection(codes: readonly number[], what: string): Expectation {
  return {
    expected: `GOAWAY frame (error code: ${codes.map(errorCodeName).join(' or ')}) or the connection closed, ${what}`,
    judge: (f) => (f.type === 'GOAWAY' && codes.includes(f.errorCode) ? true : undefined),
    onClose: true,
  };
}

/**
 * After a burst of streams that end at once: the server cut the abuser off (GOAWAY with one of
 * `cutOff`), or answers a normal request sent after the burst, promptly (it kept serving).
 */
async function burstThenRequest(conn: H2Conn, ctx: CaseContext, streams: number, burst: (client: H2Conn['client'], id: number) => void, what: string, cutOff: 'ENHANCE_YOUR_CALM' | 'any error'): Promise<Verdict> {
  const client = conn.client;
  client.recordFilter = (f) => f.type !== 'WINDOW_UPDATE';
  const from = mark(conn);
  client.batch(() => {
    for (let k = 0; k < streams; k++) burst(client, 2 * k + 1);
  });
  const follow = 2 * streams + 1;
  client.headerBlock(follow, plainBlock(ctx.get()), { endStream: true });
  const served = response(follow);
  const v = await watch(conn, ctx, from, {
    expected: `${cutOff === 'any error' ? 'GOAWAY frame with an error code or the connection closed' : 'GOAWAY frame (error code: ENHANCE_YOUR_CALM)'}, or a response to the request sent after ${what} (stream ${follow})`,
    judge: (f) => {
      if (f.type === 'GOAWAY') {
        if (f.errorCode === NO_ERROR) return undefined;
        return cutOff === 'any error' || f.errorCode === ENHANCE_YOUR_CALM;
      }
      return served.judge(f);
    },
    onClose: cutOff === 'any error',
  });
  // The burst's answers are counted; what came on the connection and the last stream is shown.
  const frames = client.frames.slice(from);
  const onBurst = frames.filter((f) => f.streamId !== 0 && f.streamId < follow);
  const rest = frames.filter((f) => f.streamId === 0 || f.streamId >= follow);
  const tail = describeOutcome(conn, rest, !v.passed && !conn.closed, ctx.timeoutMs);
  return { ...v, actual: `${what}; on those streams the server sent ${tallyFrames(onBurst)}; then ${tail || 'nothing'}` };
}

export const ABUSE_CASES: H2Case[] = [
  {
    id: 'abuse/rapid-reset/1',
    title: 'Opens and at once resets 1000 streams, then sends a request',
    // CVE-2023-44487: each reset stream cost the server a request's work, never counted against
    // the concurrency limit. Streams are sent with plain literals (no dynamic table) so that the
    // server's HPACK context matches ours whatever it decoded.
    run: (conn, ctx) => {
      const block = plainBlock(ctx.get());
      return burstThenRequest(conn, ctx, 1000, (c, id) => c.headerBlock(id, block, { endStream: true }).rst(id, ErrorCode.CANCEL), '1000 streams opened and reset', 'ENHANCE_YOUR_CALM');
    },
  },
  {
    id: 'abuse/made-you-reset/1',
    title: 'Provokes 1000 stream errors (WINDOW_UPDATE of 0 on open streams), then sends a request',
    // CVE-2025-8671 ("MadeYouReset"): the server resets the streams itself, but must not keep
    // working on them unbounded, nor let the peer provoke resets without limit. A server that
    // makes such a stream error a connection error (§5.4.1 allows it) is immune: any error GOAWAY
    // or a close passes.
    run: (conn, ctx) => {
      const block = plainBlock(postFields(ctx, null));
      return burstThenRequest(conn, ctx, 1000, (c, id) => c.headerBlock(id, block).frame(WINDOW_UPDATE, 0, id, u32(0)), '1000 streams opened and made to fail', 'any error');
    },
  },
  {
    id: 'abuse/continuation-flood/1',
    title: 'Sends a field block of endless empty CONTINUATION frames',
    // CVE-2024-27316 and its kin: empty CONTINUATION frames cost nothing to send and a frame each
    // to process; a block never ends, so nothing but a bound stops it.
    run: async (conn, ctx) => {
      const block = plainBlock(ctx.get());
      const from = mark(conn);
      conn.client.frame(HEADERS, 0, 1, block);
      const result = await flood(conn, ctx, repeated(encodeFrame(CONTINUATION, 0, 1)), Math.min(ctx.floodBytes, 100_000 * 9));
      const v = await watch(conn, ctx, from, endsConnection([ENHANCE_YOUR_CALM, ErrorCode.PROTOCOL_ERROR, ErrorCode.COMPRESSION_ERROR], 'before the block ends'));
      return { ...v, actual: `${Math.floor(result.written / 9)} empty CONTINUATION frames written${afterFlood(result)}: ${v.actual}` };
    },
  },
  {
    id: 'abuse/continuation-flood/2',
    title: 'Sends a field block of endless CONTINUATION frames full of fields',
    // The header list grows without end: past SETTINGS_MAX_HEADER_LIST_SIZE (or any sane bound)
    // the server must give up on the connection, since the block still has to be decoded (§4.3).
    run: async (conn, ctx) => {
      const from = mark(conn);
      conn.client.frame(HEADERS, 0, 1, plainBlock(ctx.get()));
      const field = literal('without', 'x-flood', 'a'.repeat(16_000), { newName: true });
      const result = await flood(conn, ctx, repeated(encodeFrame(CONTINUATION, 0, 1, field)), ctx.floodBytes);
      const v = await watch(conn, ctx, from, endsConnection([ENHANCE_YOUR_CALM, ErrorCode.PROTOCOL_ERROR, ErrorCode.COMPRESSION_ERROR], 'before the block ends'));
      return { ...v, actual: `${mib(result.written)} of CONTINUATION frames written${afterFlood(result)}: ${v.actual}` };
    },
  },
  {
    id: 'abuse/hpack-bomb/1',
    title: 'Sends a field block that references one large dynamic table entry thousands of times',
    // RFC 7541 §7.3 / RFC 9113 §10.5.1: a 16 KB block decoding to ~64 MB. The server must refuse
    // the stream (431, RST_STREAM) or the connection, and keep serving others.
    run: async (conn, ctx) => {
      const client = conn.client;
      const expected = 'the bomb refused (4xx response, RST_STREAM, GOAWAY with an error code, or close), then a normal request answered';
      const table = serverHeaderTableSize(ctx);
      const valueLength = Math.min(4000, table - 32 - 'x-bomb'.length);
      if (valueLength < 512) return { passed: false, skipped: true, expected, actual: `SETTINGS_HEADER_TABLE_SIZE is ${table}: no room for a large entry` };
      // Stream 1 puts the entry in the server's table (entry 62); its answer does not matter.
      client.headerBlock(1, Buffer.concat([plainBlock(ctx.get()), literal('incremental', 'x-bomb', 'a'.repeat(valueLength), { newName: true })]), { endStream: true });
      if (!(await conn.until(() => client.response(1).ended || client.rstOn(1) !== undefined || conn.closed, ctx.timeoutMs)) || conn.closed) {
        return { passed: false, expected, actual: `the request that adds the entry was not answered: ${describeOutcome(conn, client.frames, !conn.closed, ctx.timeoutMs)}` };
      }
      const base = plainBlock(ctx.get());
      const references = 16_000 - base.length;
      const decodedMb = (references * (valueLength + 'x-bomb'.length + 32)) / (1024 * 1024);
      const from = mark(conn);
      client.headerBlock(3, Buffer.concat([base, Buffer.concat(Array.from({ length: references }, () => indexed(62)))]), { endStream: true });
      let cut = false;
      const v = await watch(conn, ctx, from, {
        expected,
        judge: (f) => {
          if (f.type === 'GOAWAY') {
            cut = true;
            return f.errorCode !== NO_ERROR;
          }
          if (f.type === 'RST_STREAM' && f.streamId === 3) return true;
          if (f.type === 'HEADERS' && f.streamId === 3) {
            const status = f.fields?.find(([n]) => n === ':status')?.[1];
            if (status !== undefined && !status.startsWith('1')) return status.startsWith('4');
          }
          return undefined;
        },
        onClose: true,
      });
      const what = `${references} references to a ${valueLength}-octet entry (${decodedMb.toFixed(0)} MB decoded): ${v.actual}`;
      if (!v.passed) return { passed: false, expected, actual: what };
      // Still serving? On this connection if it lives, else on a new one.
      let after: H2Conn = conn;
      let id = 5;
      if (cut || conn.closed) {
        after = await ctx.connect();
        id = 1;
      }
      const check = await (async () => {
        const at = mark(after);
        after.client.headerBlock(id, plainBlock(ctx.get()), { endStream: true });
        return watch(after, ctx, at, response(id));
      })();
      return { passed: check.passed, expected, actual: `${what}; then ${after === conn ? 'on the same connection' : 'on a new connection'}: ${check.actual}` };
    },
  },
  {
    id: 'abuse/settings-flood/1',
    title: 'Sends SETTINGS frames without reading the acknowledgements',
    // CVE-2019-9515: every SETTINGS needs an ACK; a peer that does not read makes them pile up.
    run: (conn, ctx) => unreadFlood(conn, ctx, encodeSettings([]), 'SETTINGS'),
  },
  {
    id: 'abuse/ping-flood/1',
    title: 'Sends PING frames without reading the acknowledgements',
    // CVE-2019-9512: the same with PING.
    run: (conn, ctx) => unreadFlood(conn, ctx, encodePing(opaque('flood'), false), 'PING'),
  },
  {
    id: 'abuse/empty-data-flood/1',
    title: 'Sends 100000 empty DATA frames on an open stream',
    // CVE-2019-9518: frames with no payload and no END_STREAM do no work and cost a frame each.
    run: async (conn, ctx) => {
      const from = mark(conn);
      conn.client.headers(1, postFields(ctx, null));
      const result = await flood(conn, ctx, repeated(encodeFrame(DATA, 0, 1)), 100_000 * 9);
      const v = await watch(conn, ctx, from, {
        expected: 'GOAWAY frame with an error code (ENHANCE_YOUR_CALM), RST_STREAM on stream 1 with an error code, or the connection closed',
        judge: (f) => {
          if (f.type === 'GOAWAY') return f.errorCode !== NO_ERROR;
          if (f.type === 'RST_STREAM' && f.streamId === 1 && f.errorCode !== NO_ERROR) return true;
          return undefined;
        },
        onClose: true,
      });
      return { ...v, actual: `${Math.floor(result.written / 9)} empty DATA frames written${afterFlood(result)}: ${v.actual}` };
    },
  },
  {
    id: 'abuse/zero-window-stall/1',
    title: 'Opens a response with a zero window, then never grants credit',
    // A slow-read hold: a response that can never move. What a server keeps for it (the stream,
    // the handler, the body it buffered) cannot be seen from the wire; what can, for any server:
    // 1. flow control holds: not one octet of DATA on the stalled stream, whose window is 0;
    // 2. the stall is contained: the connection still works, promptly (a PING is answered, and a
    //    request on another stream, given credit of its own, gets its whole response), so the
    //    server neither blocks on the stalled response nor queues the rest behind it.
    // Whether the server then gives up on the stream is /2's rule (it waits for that).
    // Cutting the abuser off (RST_STREAM on stream 1, GOAWAY, close) at any point passes.
    settings: [[SettingId.INITIAL_WINDOW_SIZE, 0]],
    run: (conn, ctx) => zeroWindowStall(conn, ctx, null),
  },
  {
    id: 'abuse/zero-window-stall/2',
    title: 'Opens a response with a zero window, never grants credit, and waits for the server to give up on it',
    // /1's rule, then 3.: the server gives up on the stream or the connection (RST_STREAM on it,
    // GOAWAY, close) within the stall wait of the connection's last progress, rather than holding
    // it forever. Servers wait tens of seconds before giving up (aeronet 30 s, nghttpd 60 s), so
    // this case is optional: it runs only with a stall wait (--stall-wait MS; the sim always gives
    // one, since waiting there costs no real time).
    settings: [[SettingId.INITIAL_WINDOW_SIZE, 0]],
    optional: 'stall-wait',
    run: (conn, ctx) => zeroWindowStall(conn, ctx, ctx.stallLimitMs),
  },
  {
    id: 'abuse/zero-window-dribble/1',
    title: 'Opens a response with a zero window, then grants it credit one octet at a time',
    // CVE-2019-9511 ("Data Dribble"): 1000 rounds of WINDOW_UPDATE +1, each awaited, so the server
    // must cut a DATA frame per octet. It may cut the abuser off (GOAWAY with an error code,
    // RST_STREAM, close), or serve it by the rules: never more DATA than credited, each credit
    // used promptly, and a PING answered at the end.
    settings: [[SettingId.INITIAL_WINDOW_SIZE, 0]],
    run: async (conn, ctx) => {
      const client = conn.client;
      const rounds = 1000;
      const expected = `GOAWAY frame with an error code, RST_STREAM on stream 1, or the connection closed; or, over ${rounds} credits of 1 octet, never more DATA than credited and a PING ACK at the end`;
      const from = mark(conn);
      // DATA frames are summed as they come, not kept: there may be a thousand of them.
      const octets = { total: 0, ended: false };
      client.recordFilter = (f) => {
        if (f.type !== 'DATA') return true;
        if (f.streamId === 1) {
          octets.total += f.flowLength;
          if (f.endStream) octets.ended = true;
        }
        return false;
      };
      let sent = 0;
      client.headers(1, ctx.get(ctx.largePath), { endStream: true });
      const received = () => client.counts.get('DATA') ?? 0;
      const cutOff = () => conn.closed || client.frames.slice(from).some((f) => (f.type === 'GOAWAY' && f.errorCode !== NO_ERROR) || (f.type === 'RST_STREAM' && f.streamId === 1));
      for (let k = 1; k <= rounds; k++) {
        client.windowUpdate(1, 1);
        sent = k;
        const ok = await conn.until(() => octets.total >= k || octets.ended || cutOff(), ctx.timeoutMs);
        if (cutOff()) break;
        if (octets.total > k) return { passed: false, expected, actual: `flow control broken: ${octets.total} octets of DATA with ${k} credited` };
        // A response shorter than the rounds (h2spec's default path) ends within its credit: nothing more to dribble.
        if (octets.ended) break;
        if (!ok) return { passed: false, expected, actual: `${k} octets credited, ${octets.total} sent: the server stopped sending within ${ctx.timeoutMs} ms` };
      }
      const data = opaque('dribble');
      client.ping(data);
      const v = await watch(conn, ctx, from, {
        expected,
        judge: (f) => {
          if (f.type === 'GOAWAY') return f.errorCode !== NO_ERROR;
          if (f.type === 'RST_STREAM' && f.streamId === 1) return true;
          if (f.type === 'PING' && f.ack) return f.opaque.equals(data) ? true : undefined;
          return undefined;
        },
        onClose: true,
      });
      const summary = `${sent} credits of 1 octet: ${received()} DATA frames carrying ${octets.total} octets${octets.ended ? ' (the whole response)' : ''}`;
      if (octets.total > sent) return { passed: false, expected, actual: `flow control broken: ${summary}; ${v.actual}` };
      return { ...v, actual: `${summary}; ${v.actual}` };
    },
  },
];

/**
 * abuse/zero-window-stall: stream 1 opened at a zero window; while it is stalled, another stream
 * with credit of its own and a PING must be served; with a `limit`, the server must then give up
 * on stream 1 within it.
 */
async function zeroWindowStall(conn: H2Conn, ctx: CaseContext, limit: number | null): Promise<Verdict> {
  const client = conn.client;
  const expected = [
    `no DATA on stream 1 (window 0); within ${ctx.timeoutMs} ms a PING ACK and a complete response on stream 3 (given credit of its own)`,
    ...(limit !== null ? [`then RST_STREAM on stream 1, GOAWAY, or the connection closed within ${limit} ms`] : []),
  ].join('; ') + '; or the abuser cut off (RST_STREAM on stream 1, GOAWAY, close) at any point';
  const from = mark(conn);
  const since = () => client.frames.slice(from);
  const cutOff = () => conn.closed || since().some((f) => f.type === 'GOAWAY' || (f.type === 'RST_STREAM' && f.streamId === 1));
  const overrun = () => since().some((f) => f.type === 'DATA' && f.streamId === 1 && f.flowLength > 0);
  const verdict = (passed: boolean, what: string, timedOut = false, waitedMs = ctx.timeoutMs): Verdict => ({
    passed,
    expected,
    actual: `${what}: ${describeOutcome(conn, since(), timedOut && !conn.closed, waitedMs) || 'nothing received'}`,
  });
  const settled = (): Verdict | null => {
    if (overrun()) return verdict(false, 'flow control broken: DATA on stream 1, whose window is 0');
    if (cutOff()) return verdict(true, 'the server cut the stalled response off');
    return null;
  };

  // The response starts (HEADERS are not flow-controlled) and stalls at once.
  client.headers(1, ctx.get(ctx.largePath), { endStream: true });
  await conn.until(() => since().some((f) => f.type === 'HEADERS' && f.streamId === 1) || cutOff() || overrun(), ctx.timeoutMs);
  const early = settled();
  if (early !== null) return early;

  // While it is stalled: another stream, with credit of its own (and room on the connection,
  // which stream 1 cannot use), and a PING.
  const ping = opaque('stalled');
  client.batch((c) => c.headers(3, ctx.get(), { endStream: true }).windowUpdate(3, 1 << 20).windowUpdate(0, 1 << 20).ping(ping));
  const served = () => client.response(3).ended;
  const pinged = () => since().some((f) => f.type === 'PING' && f.ack && f.opaque.equals(ping));
  await conn.until(() => (served() && pinged()) || cutOff() || overrun(), ctx.timeoutMs);
  const meanwhile = settled();
  if (meanwhile !== null) return meanwhile;
  if (!served() || !pinged()) {
    const missing = [...(!served() ? ['no complete response on stream 3'] : []), ...(!pinged() ? ['no PING ACK'] : [])].join(' and ');
    return verdict(false, `the stall spread to the rest of the connection (${missing})`, true);
  }
  if (limit === null) return verdict(true, 'stream 1 held at its zero window, the connection served meanwhile (whether the server then gives up on it is abuse/zero-window-stall/2, which runs with --stall-wait MS)');

  // The server must let go of the stalled stream within the limit.
  await conn.until(() => cutOff() || overrun(), limit);
  return settled() ?? verdict(false, `stream 1 still held ${limit} ms after the connection's last response`, true, limit);
}

/**
 * Frames that each need an answer, written while we do not read: the answers back up, first in
 * the kernel, then in the server. It must bound them: close, GOAWAY with an error code, or stop
 * reading our frames (backpressure, which is bounded by definition). A server that reads all of
 * it and queues every answer fails.
 */
async function unreadFlood(conn: H2Conn, ctx: CaseContext, frame: Buffer, name: string): Promise<Verdict> {
  const client = conn.client;
  client.recordFilter = (f) => !((f.type === 'SETTINGS' || f.type === 'PING') && f.ack);
  const from = mark(conn);
  conn.pauseReading();
  const result = await flood(conn, ctx, repeated(frame), ctx.floodBytes);
  conn.resumeReading();
  const v = await watch(conn, ctx, from, {
    expected: `the connection closed, GOAWAY frame with an error code (ENHANCE_YOUR_CALM), or the server stopped reading, within ${mib(ctx.floodBytes)} of unread ${name} frames`,
    judge: (f) => (f.type === 'GOAWAY' ? f.errorCode !== NO_ERROR : undefined),
    onClose: true,
  });
  const acks = client.counts.get(name) ?? 0;
  const what = `${mib(result.written)} of ${name} frames written without reading${afterFlood(result, ', ')}; read back ${acks} ${name} frames`;
  if (!v.passed && result.stalled) return { passed: true, expected: v.expected, actual: `${what} (backpressure): ${v.actual}` };
  return { ...v, actual: `${what}: ${v.actual}` };
}

/**
 * The stream state machine of RFC 9113 §5.1 as a table, from the server's side of the connection:
 * "local" is the server, "recv" is a frame from the client, "send" is a frame the server emits.
 * It is a reference for model-based tests: data to read, not code that mirrors the server's.
 *
 * Where the RFC leaves a choice (MAY, SHOULD, or two rules that pull different ways), a cell holds
 * every acceptable outcome, and a conformant endpoint may take any one of them.
 *
 * The RFC's single "closed" state is split in four here, because §5.1 judges late frames by how
 * the stream closed: after END_STREAM both ways, after we sent RST_STREAM, after the peer sent it,
 * or never opened at all (an idle stream implicitly closed by a higher id, §5.1.1).
 */
import type { ErrorCodeName } from '../frames/constants.js';

export type StreamState =
  | 'idle'
  | 'reserved (local)'
  | 'reserved (remote)'
  | 'open'
  | 'half-closed (local)'
  | 'half-closed (remote)'
  | 'closed (ended)'
  | 'closed (reset sent)'
  | 'closed (reset received)'
  | 'closed (never opened)';

export const STREAM_STATES: readonly StreamState[] = [
  'idle', 'reserved (local)', 'reserved (remote)', 'open', 'half-closed (local)', 'half-closed (remote)',
  'closed (ended)', 'closed (reset sent)', 'closed (reset received)', 'closed (never opened)',
];

/** Frame kinds that touch a stream's state; END_STREAM is part of the event because it moves the state. */
export type StreamEvent =
  | 'HEADERS'
  | 'HEADERS+END_STREAM'
  | 'DATA'
  | 'DATA+END_STREAM'
  | 'RST_STREAM'
  | 'WINDOW_UPDATE'
  | 'PRIORITY'
  | 'PUSH_PROMISE'
  | 'CONTINUATION';

export const STREAM_EVENTS: readonly StreamEvent[] = ['HEADERS', 'HEADERS+END_STREAM', 'DATA', 'DATA+END_STREAM', 'RST_STREAM', 'WINDOW_UPDATE', 'PRIORITY', 'PUSH_PROMISE', 'CONTINUATION'];

export type Direction = 'send' | 'recv';

export type Outcome =
  /** Legal: the stream is now in `state` (possibly the same one). */
  | { readonly kind: 'next'; readonly state: StreamState }
  /** Legal to receive, but discarded after minimal processing (§5.1 "closed"). */
  | { readonly kind: 'ignore' }
  /** The receiver answers with RST_STREAM carrying `code` (§5.4.2). */
  | { readonly kind: 'stream-error'; readonly code: ErrorCodeName }
  /** The receiver answers with GOAWAY carrying `code` and closes (§5.4.1). */
  | { readonly kind: 'connection-error'; readonly code: ErrorCodeName }
  /** The endpoint MUST NOT send this frame in this state (only for `send`). */
  | { readonly kind: 'forbidden' };

export interface Row {
  readonly state: StreamState;
  readonly dir: Direction;
  readonly event: StreamEvent;
  /** One or more acceptable outcomes; more than one is an RFC choice. */
  readonly outcomes: readonly Outcome[];
  /** The RFC text the row comes from. */
  readonly rfc: string;
}

// Short names for the cells, so each row fits on one line.
const to = (state: StreamState): Outcome => ({ kind: 'next', state });
const ignore: Outcome = { kind: 'ignore' };
const streamErr = (code: ErrorCodeName): Outcome => ({ kind: 'stream-error', code });
const connErr = (code: ErrorCodeName): Outcome => ({ kind: 'connection-error', code });
const forbidden: Outcome = { kind: 'forbidden' };

type Group = [state: StreamState, dir: Direction, events: readonly StreamEvent[], outcomes: readonly Outcome[], rfc: string];

const ALL_BUT = (...except: StreamEvent[]): StreamEvent[] => STREAM_EVENTS.filter((e) => !except.includes(e));

/**
 * The rows, grouped where several events share a cell (each group expands to one row per event).
 * Every (state, dir, event) appears exactly once; `lookup` checks that at load time.
 */
const GROUPS: readonly Group[] = [
  // ---- idle ----
  ['idle', 'recv', ['HEADERS'], [to('open')], '§5.1 idle: receiving HEADERS causes the stream to become "open"'],
  ['idle', 'recv', ['HEADERS+END_STREAM'], [to('half-closed (remote)')], '§5.1 idle → open, then END_STREAM → half-closed (remote)'],
  ['idle', 'recv', ['PRIORITY'], [to('idle')], '§5.1 idle: PRIORITY may be received; §6.3 PRIORITY can be sent in any state'],
  ['idle', 'recv', ['DATA', 'DATA+END_STREAM', 'RST_STREAM', 'WINDOW_UPDATE'], [connErr('PROTOCOL_ERROR')], '§5.1 idle: any frame other than HEADERS or PRIORITY MUST be a connection error PROTOCOL_ERROR'],
  ['idle', 'recv', ['CONTINUATION'], [connErr('PROTOCOL_ERROR')], '§6.10: CONTINUATION only follows HEADERS/PUSH_PROMISE without END_HEADERS; §5.1 idle'],
  ['idle', 'recv', ['PUSH_PROMISE'], [connErr('PROTOCOL_ERROR')], '§8.4: a client cannot push; a server MUST treat PUSH_PROMISE as a connection error PROTOCOL_ERROR'],
  ['idle', 'send', ['HEADERS', 'HEADERS+END_STREAM'], [forbidden], '§5.1.1, §8.4: a server opens streams only by PUSH_PROMISE, never with HEADERS'],
  ['idle', 'send', ['PUSH_PROMISE'], [to('reserved (local)')], '§5.1 idle: sending PUSH_PROMISE reserves the promised stream'],
  ['idle', 'send', ['PRIORITY'], [to('idle')], '§6.3: PRIORITY can be sent in any state'],
  ['idle', 'send', ['DATA', 'DATA+END_STREAM', 'RST_STREAM', 'WINDOW_UPDATE', 'CONTINUATION'], [forbidden], '§5.1 idle; §6.4: RST_STREAM MUST NOT be sent for an idle stream'],

  // ---- reserved (local): we promised it (aeronet never pushes, so unreachable, kept for completeness) ----
  ['reserved (local)', 'send', ['HEADERS'], [to('half-closed (remote)')], '§5.1 reserved (local): sending HEADERS → half-closed (remote)'],
  ['reserved (local)', 'send', ['HEADERS+END_STREAM'], [to('closed (ended)')], '§5.1 reserved (local) → half-closed (remote), END_STREAM → closed'],
  ['reserved (local)', 'send', ['RST_STREAM'], [to('closed (reset sent)')], '§5.1 reserved (local): either endpoint can send RST_STREAM'],
  ['reserved (local)', 'send', ['PRIORITY'], [to('reserved (local)')], '§5.1 reserved (local): MAY send PRIORITY'],
  ['reserved (local)', 'send', ['DATA', 'DATA+END_STREAM', 'WINDOW_UPDATE', 'PUSH_PROMISE', 'CONTINUATION'], [forbidden], '§5.1 reserved (local): MUST NOT send any other frame'],
  ['reserved (local)', 'recv', ['RST_STREAM'], [to('closed (reset received)')], '§5.1 reserved (local): receiving RST_STREAM → closed'],
  ['reserved (local)', 'recv', ['PRIORITY', 'WINDOW_UPDATE'], [to('reserved (local)')], '§5.1 reserved (local): PRIORITY or WINDOW_UPDATE MAY be received'],
  ['reserved (local)', 'recv', ['HEADERS', 'HEADERS+END_STREAM', 'DATA', 'DATA+END_STREAM', 'PUSH_PROMISE', 'CONTINUATION'], [connErr('PROTOCOL_ERROR')], '§5.1 reserved (local): any other frame MUST be a connection error PROTOCOL_ERROR'],

  // ---- reserved (remote): the peer promised it (a client cannot, §8.4) ----
  ['reserved (remote)', 'recv', ['HEADERS'], [to('half-closed (local)')], '§5.1 reserved (remote): receiving HEADERS → half-closed (local)'],
  ['reserved (remote)', 'recv', ['HEADERS+END_STREAM'], [to('closed (ended)')], '§5.1 reserved (remote) → half-closed (local), END_STREAM → closed'],
  ['reserved (remote)', 'recv', ['RST_STREAM'], [to('closed (reset received)')], '§5.1 reserved (remote): either endpoint can send RST_STREAM'],
  ['reserved (remote)', 'recv', ['PRIORITY'], [to('reserved (remote)')], '§5.1 reserved (remote): PRIORITY may be received'],
  ['reserved (remote)', 'recv', ['DATA', 'DATA+END_STREAM', 'WINDOW_UPDATE', 'PUSH_PROMISE', 'CONTINUATION'], [connErr('PROTOCOL_ERROR')], '§5.1 reserved (remote): any other frame MUST be a connection error PROTOCOL_ERROR'],
  ['reserved (remote)', 'send', ['RST_STREAM'], [to('closed (reset sent)')], '§5.1 reserved (remote): RST_STREAM → closed'],
  ['reserved (remote)', 'send', ['PRIORITY', 'WINDOW_UPDATE'], [to('reserved (remote)')], '§5.1 reserved (remote): MAY send WINDOW_UPDATE or PRIORITY'],
  ['reserved (remote)', 'send', ['HEADERS', 'HEADERS+END_STREAM', 'DATA', 'DATA+END_STREAM', 'PUSH_PROMISE', 'CONTINUATION'], [forbidden], '§5.1 reserved (remote): MUST NOT send any other frame'],

  // ---- open ----
  ['open', 'recv', ['DATA', 'WINDOW_UPDATE', 'PRIORITY'], [to('open')], '§5.1 open: frames of any type may be received'],
  ['open', 'recv', ['DATA+END_STREAM', 'HEADERS+END_STREAM'], [to('half-closed (remote)')], '§5.1 open: END_STREAM from the peer → half-closed (remote); §8.1 trailers end the request'],
  ['open', 'recv', ['HEADERS'], [streamErr('PROTOCOL_ERROR')], '§8.1: a field block after the request header is the trailer section and MUST carry END_STREAM; §8.1.1 malformed → stream error PROTOCOL_ERROR'],
  ['open', 'recv', ['RST_STREAM'], [to('closed (reset received)')], '§5.1 open: RST_STREAM → closed'],
  ['open', 'recv', ['CONTINUATION'], [connErr('PROTOCOL_ERROR')], '§6.10: CONTINUATION without a field block in progress is a connection error PROTOCOL_ERROR'],
  ['open', 'recv', ['PUSH_PROMISE'], [connErr('PROTOCOL_ERROR')], '§8.4: a server MUST treat PUSH_PROMISE as a connection error PROTOCOL_ERROR'],
  ['open', 'send', ['HEADERS', 'DATA', 'WINDOW_UPDATE', 'PRIORITY', 'CONTINUATION', 'PUSH_PROMISE'], [to('open')], '§5.1 open: frames of any type may be sent'],
  ['open', 'send', ['HEADERS+END_STREAM', 'DATA+END_STREAM'], [to('half-closed (local)')], '§5.1 open: sending END_STREAM → half-closed (local)'],
  ['open', 'send', ['RST_STREAM'], [to('closed (reset sent)')], '§5.1 open: RST_STREAM → closed'],

  // ---- half-closed (local): our response is complete ----
  ['half-closed (local)', 'recv', ['DATA', 'WINDOW_UPDATE', 'PRIORITY'], [to('half-closed (local)')], '§5.1 half-closed (local): frames of any type may be received'],
  ['half-closed (local)', 'recv', ['DATA+END_STREAM', 'HEADERS+END_STREAM'], [to('closed (ended)')], '§5.1 half-closed (local): END_STREAM → closed'],
  ['half-closed (local)', 'recv', ['HEADERS'], [streamErr('PROTOCOL_ERROR')], '§8.1: trailers MUST carry END_STREAM; §8.1.1 malformed → stream error PROTOCOL_ERROR'],
  ['half-closed (local)', 'recv', ['RST_STREAM'], [to('closed (reset received)')], '§5.1 half-closed (local): RST_STREAM → closed'],
  ['half-closed (local)', 'recv', ['CONTINUATION'], [connErr('PROTOCOL_ERROR')], '§6.10: stray CONTINUATION'],
  ['half-closed (local)', 'recv', ['PUSH_PROMISE'], [connErr('PROTOCOL_ERROR')], '§8.4: a client cannot push'],
  ['half-closed (local)', 'send', ['WINDOW_UPDATE', 'PRIORITY'], [to('half-closed (local)')], '§5.1 half-closed (local): MUST NOT send frames other than WINDOW_UPDATE, PRIORITY, RST_STREAM'],
  ['half-closed (local)', 'send', ['RST_STREAM'], [to('closed (reset sent)')], '§5.1 half-closed (local): RST_STREAM → closed; §8.1: RST_STREAM NO_ERROR after a complete response'],
  ['half-closed (local)', 'send', ['HEADERS', 'HEADERS+END_STREAM', 'DATA', 'DATA+END_STREAM', 'PUSH_PROMISE', 'CONTINUATION'], [forbidden], '§5.1 half-closed (local): MUST NOT send frames other than WINDOW_UPDATE, PRIORITY, RST_STREAM'],

  // ---- half-closed (remote): the request is complete ----
  ['half-closed (remote)', 'recv', ['WINDOW_UPDATE', 'PRIORITY'], [to('half-closed (remote)')], '§5.1 half-closed (remote): WINDOW_UPDATE, PRIORITY, RST_STREAM may be received'],
  ['half-closed (remote)', 'recv', ['RST_STREAM'], [to('closed (reset received)')], '§5.1 half-closed (remote): RST_STREAM → closed'],
  ['half-closed (remote)', 'recv', ['DATA', 'DATA+END_STREAM', 'HEADERS', 'HEADERS+END_STREAM'], [streamErr('STREAM_CLOSED')], '§5.1 half-closed (remote): other frames MUST be a stream error STREAM_CLOSED'],
  ['half-closed (remote)', 'recv', ['CONTINUATION'], [connErr('PROTOCOL_ERROR')], '§6.10: stray CONTINUATION'],
  ['half-closed (remote)', 'recv', ['PUSH_PROMISE'], [connErr('PROTOCOL_ERROR')], '§8.4: a client cannot push'],
  ['half-closed (remote)', 'send', ['HEADERS', 'DATA', 'WINDOW_UPDATE', 'PRIORITY', 'CONTINUATION', 'PUSH_PROMISE'], [to('half-closed (remote)')], '§5.1 half-closed (remote): can send a frame of any type'],
  ['half-closed (remote)', 'send', ['HEADERS+END_STREAM', 'DATA+END_STREAM'], [to('closed (ended)')], '§5.1 half-closed (remote): sending END_STREAM → closed'],
  ['half-closed (remote)', 'send', ['RST_STREAM'], [to('closed (reset sent)')], '§5.1 half-closed (remote): RST_STREAM → closed'],

  // ---- closed, after END_STREAM both ways ----
  ['closed (ended)', 'recv', ['DATA', 'DATA+END_STREAM', 'HEADERS', 'HEADERS+END_STREAM'], [connErr('STREAM_CLOSED'), ignore], '§5.1 closed: MAY treat other frames as a connection error STREAM_CLOSED; minimal processing may discard them'],
  ['closed (ended)', 'recv', ['WINDOW_UPDATE', 'RST_STREAM'], [ignore], '§5.1 closed: after sending END_STREAM, WINDOW_UPDATE or RST_STREAM may arrive for a short period'],
  ['closed (ended)', 'recv', ['PRIORITY'], [to('closed (ended)')], '§5.1 closed: PRIORITY may be received'],
  ['closed (ended)', 'recv', ['CONTINUATION'], [connErr('PROTOCOL_ERROR')], '§6.10: stray CONTINUATION'],
  ['closed (ended)', 'recv', ['PUSH_PROMISE'], [connErr('PROTOCOL_ERROR')], '§8.4: a client cannot push'],

  // ---- closed, after we sent RST_STREAM ----
  ['closed (reset sent)', 'recv', ['DATA', 'DATA+END_STREAM', 'HEADERS', 'HEADERS+END_STREAM', 'WINDOW_UPDATE', 'RST_STREAM'], [ignore], '§5.1 closed: after sending RST_STREAM, frames the peer had in flight MUST be minimally processed and discarded'],
  ['closed (reset sent)', 'recv', ['PRIORITY'], [to('closed (reset sent)')], '§5.1 closed: PRIORITY may be received'],
  ['closed (reset sent)', 'recv', ['CONTINUATION'], [connErr('PROTOCOL_ERROR')], '§6.10: stray CONTINUATION'],
  ['closed (reset sent)', 'recv', ['PUSH_PROMISE'], [connErr('PROTOCOL_ERROR')], '§8.4: a client cannot push'],

  // ---- closed, after the peer sent RST_STREAM ----
  ['closed (reset received)', 'recv', ['DATA', 'DATA+END_STREAM', 'HEADERS', 'HEADERS+END_STREAM', 'WINDOW_UPDATE'], [streamErr('STREAM_CLOSED'), connErr('STREAM_CLOSED'), ignore], '§5.1 closed: MAY be a connection error STREAM_CLOSED or discarded; RFC 7540 §5.1 made it a stream error STREAM_CLOSED'],
  ['closed (reset received)', 'recv', ['RST_STREAM'], [ignore], '§5.4.2: an endpoint MUST NOT send RST_STREAM in response to RST_STREAM'],
  ['closed (reset received)', 'recv', ['PRIORITY'], [to('closed (reset received)')], '§5.1 closed: PRIORITY may be received'],
  ['closed (reset received)', 'recv', ['CONTINUATION'], [connErr('PROTOCOL_ERROR')], '§6.10: stray CONTINUATION'],
  ['closed (reset received)', 'recv', ['PUSH_PROMISE'], [connErr('PROTOCOL_ERROR')], '§8.4: a client cannot push'],

  // ---- closed without ever being open: a lower idle id skipped by a new stream ----
  ['closed (never opened)', 'recv', ['HEADERS', 'HEADERS+END_STREAM'], [connErr('PROTOCOL_ERROR')], '§5.1.1: a new stream id MUST be greater than every id the client opened; otherwise a connection error PROTOCOL_ERROR'],
  ['closed (never opened)', 'recv', ['DATA', 'DATA+END_STREAM', 'WINDOW_UPDATE', 'RST_STREAM'], [connErr('STREAM_CLOSED'), connErr('PROTOCOL_ERROR'), ignore], '§5.1.1: implicitly closed; §5.1 closed: MAY be a connection error, minimal processing may discard'],
  ['closed (never opened)', 'recv', ['PRIORITY'], [to('closed (never opened)')], '§5.1 closed: PRIORITY may be received'],
  ['closed (never opened)', 'recv', ['CONTINUATION'], [connErr('PROTOCOL_ERROR')], '§6.10: stray CONTINUATION'],
  ['closed (never opened)', 'recv', ['PUSH_PROMISE'], [connErr('PROTOCOL_ERROR')], '§8.4: a client cannot push'],

  // ---- sending on any closed stream ----
  ...(['closed (ended)', 'closed (reset sent)', 'closed (reset received)', 'closed (never opened)'] as const).flatMap((s): Group[] => [
    [s, 'send', ['PRIORITY'], [to(s)], '§5.1 closed: an endpoint MUST NOT send frames other than PRIORITY on a closed stream'],
    [s, 'send', ALL_BUT('PRIORITY'), [forbidden], '§5.1 closed: an endpoint MUST NOT send frames other than PRIORITY on a closed stream'],
  ]),
];

/** The expanded table: one row per (state, direction, event). */
export const STREAM_STATE_TABLE: readonly Row[] = GROUPS.flatMap(([state, dir, events, outcomes, rfc]) => events.map((event) => ({ state, dir, event, outcomes, rfc })));

export type StreamTable = ReadonlyMap<string, Row>;

const key = (state: StreamState, dir: Direction, event: StreamEvent) => `${state}|${dir}|${event}`;

/** Index rows for lookup; throws if a (state, dir, event) is missing or appears twice. */
export function indexTable(rows: readonly Row[]): StreamTable {
  const map = new Map<string, Row>();
  for (const row of rows) {
    const k = key(row.state, row.dir, row.event);
    if (map.has(k)) throw new Error(`stream state table: two rows for ${k}`);
    map.set(k, row);
  }
  for (const s of STREAM_STATES) for (const d of ['send', 'recv'] as const) for (const e of STREAM_EVENTS) {
    if (!map.has(key(s, d, e))) throw new Error(`stream state table: no row for ${key(s, d, e)}`);
  }
  return map;
}

export const STREAM_TABLE: StreamTable = indexTable(STREAM_STATE_TABLE);

export function lookup(table: StreamTable, state: StreamState, dir: Direction, event: StreamEvent): Row {
  return table.get(key(state, dir, event))!;
}

/**
 * §5.1.1 stream identifiers, checked before the table when a client HEADERS names an idle id:
 * a client opens odd ids only, each greater than every id it opened before.
 */
export function openingRule(id: number, highestOpened: number): Outcome | null {
  if (id % 2 === 0) return connErr('PROTOCOL_ERROR'); // §5.1.1: client-initiated streams MUST use odd ids
  if (id <= highestOpened) return connErr('PROTOCOL_ERROR'); // §5.1.1: ids MUST increase
  return null;
}

/**
 * §5.3.1: a stream cannot depend on itself (stream error PROTOCOL_ERROR). On an idle stream that
 * collides with §6.4 (RST_STREAM MUST NOT be sent for an idle stream), so ignoring it or a
 * connection error is acceptable too; on a closed stream with §5.1 (nothing but PRIORITY may be
 * sent on it, and late frames may be discarded), so ignoring it is.
 */
export function selfDependencyOutcomes(state: StreamState): readonly Outcome[] {
  if (state === 'idle') return [streamErr('PROTOCOL_ERROR'), connErr('PROTOCOL_ERROR'), ignore];
  if (state.startsWith('closed')) return [streamErr('PROTOCOL_ERROR'), ignore];
  return [streamErr('PROTOCOL_ERROR')];
}

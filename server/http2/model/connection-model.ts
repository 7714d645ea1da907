/**
 * The reference model of one HTTP/2 connection seen from the client: it reads the §5.1 stream
 * state table and the §6.9 flow-control model, predicts the outcomes the RFC allows for each
 * frame the client sends, and judges each frame the server sends. A difference between the two
 * is a divergence, reported in words with the RFC section. It is built from the RFC's rules
 * only; it never looks at the server's code or state, just at the frames on the wire.
 */
import { ErrorCode, errorCodeName, type ErrorCodeName } from '../frames/constants.js';
import { FlowControlModel, MAX_WINDOW } from './flow-control-model.js';
import { lookup, openingRule, selfDependencyOutcomes, STREAM_TABLE, type Outcome, type StreamEvent, type StreamState, type StreamTable } from './stream-state-table.js';

/** The frames of the server as the model needs them (a subset of what RawH2Client records). */
export type ServerFrame =
  | { type: 'HEADERS'; streamId: number; endStream: boolean }
  | { type: 'DATA'; streamId: number; endStream: boolean; length: number }
  | { type: 'RST_STREAM'; streamId: number; errorCode: number }
  | { type: 'WINDOW_UPDATE'; streamId: number; increment: number }
  | { type: 'SETTINGS'; ack: boolean; settings: ReadonlyArray<readonly [number, number]> }
  | { type: 'PING'; ack: boolean; opaque: string }
  | { type: 'GOAWAY'; lastStreamId: number; errorCode: number }
  | { type: 'PRIORITY'; streamId: number }
  | { type: 'PUSH_PROMISE'; streamId: number }
  | { type: 'CONTINUATION'; streamId: number }
  | { type: 'OTHER'; name: string };

/** What the client's last frame may lead to, and which of it has been seen. */
interface Expectation {
  what: string;
  streamId: number;
  outcomes: readonly Outcome[];
  resolved: boolean;
}

/** The settings identifiers the model reads (RFC 9113 §6.5.2). */
const INITIAL_WINDOW_SIZE = 0x4;
const MAX_FRAME_SIZE = 0x5;

export function describeOutcome(o: Outcome): string {
  switch (o.kind) {
    case 'next': return `→ ${o.state}`;
    case 'ignore': return 'ignored';
    case 'stream-error': return `RST_STREAM ${o.code}`;
    case 'connection-error': return `GOAWAY ${o.code}`;
    case 'forbidden': return 'forbidden';
  }
}

export class ConnectionModel {
  readonly flow = new FlowControlModel();
  private readonly states = new Map<number, StreamState>();
  /** The highest stream id the client opened (§5.1.1): lower idle ids are closed by it. */
  highestOpened = 0;
  /** The client sent GOAWAY (§6.8). */
  peerGoaway = false;
  /** The server sent GOAWAY, or a connection error happened: the connection is over. */
  ended = false;
  /** The GOAWAY code the server sent, if any. */
  goawayCode: number | null = null;
  /** The client's SETTINGS_MAX_FRAME_SIZE: the server's frames must fit it (§4.2). */
  clientMaxFrameSize = 16_384;
  /** SETTINGS the client sent that the server must acknowledge (§6.5.3). */
  settingsAcksOwed = 0;
  /** PINGs the server must answer, by opaque data (§6.7). */
  pingsOwed: string[] = [];
  /** Streams on which the server has sent its final response field block. */
  readonly answered = new Set<number>();
  readonly divergences: string[] = [];
  private expectation: Expectation | null = null;

  constructor(private readonly table: StreamTable = STREAM_TABLE) {}

  stateOf(id: number): StreamState {
    const known = this.states.get(id);
    if (known !== undefined) return known;
    // Even ids belong to the server, which never opens one (no push): idle for ever (§5.1.1).
    if (id % 2 === 0 || id > this.highestOpened) return 'idle';
    // §5.1.1: opening a stream implicitly closes the lower idle ones.
    return 'closed (never opened)';
  }

  /** Streams in a given state. */
  streamsIn(...states: StreamState[]): number[] {
    return [...this.states].filter(([, s]) => states.includes(s)).map(([id]) => id);
  }

  // ---- The client's frames ----

  /** HEADERS (a request on an idle id, otherwise a trailer section). */
  clientHeaders(id: number, endStream: boolean): void {
    const state = this.stateOf(id);
    const event: StreamEvent = endStream ? 'HEADERS+END_STREAM' : 'HEADERS';
    if (state === 'idle') {
      const bad = openingRule(id, this.highestOpened);
      if (bad !== null) return this.expect(`${event} on ${id}`, id, [bad]);
      // §8.7: a server may refuse any new stream; after the client's GOAWAY (§6.8) aeronet does.
      const outcomes = lookup(this.table, state, 'recv', event).outcomes;
      this.expect(`${event} on ${id}`, id, this.peerGoaway ? [...outcomes, { kind: 'stream-error', code: 'REFUSED_STREAM' }] : outcomes);
      // After the stream left idle: the lower idle ids are closed from now on (§5.1.1).
      this.highestOpened = id;
      return;
    }
    this.expect(`${event} on ${id}`, id, lookup(this.table, state, 'recv', event).outcomes);
  }

  clientData(id: number, length: number, endStream: boolean): void {
    const state = this.stateOf(id);
    const event: StreamEvent = endStream ? 'DATA+END_STREAM' : 'DATA';
    const stateOutcomes = lookup(this.table, state, 'recv', event).outcomes;
    const accepts = stateOutcomes.some((o) => o.kind === 'next');
    const flowErrors = this.flow.receiveData(id, length, accepts);
    const what = `${event} (${length} B) on ${id}`;
    if (flowErrors.length > 0) {
      // §6.9: even DATA the stream refuses counts against the connection window (if the
      // connection's own window was overrun, the connection is over anyway).
      this.flow.consumeReceived(id, length, false);
      // Every rule that fails is a conformant reason to answer with its error.
      return this.expect(what, id, [...flowErrors, ...stateOutcomes.filter((o) => o.kind === 'stream-error' || o.kind === 'connection-error')]);
    }
    // §6.9: the connection window counts the DATA whatever the stream does with it.
    this.flow.consumeReceived(id, length, accepts);
    this.expect(what, id, stateOutcomes);
  }

  clientRst(id: number): void {
    this.expect(`RST_STREAM on ${id}`, id, lookup(this.table, this.stateOf(id), 'recv', 'RST_STREAM').outcomes);
  }

  clientPriority(id: number, selfDependent: boolean): void {
    const state = this.stateOf(id);
    if (selfDependent) return this.expect(`PRIORITY on ${id} depending on itself`, id, selfDependencyOutcomes(state));
    this.expect(`PRIORITY on ${id}`, id, lookup(this.table, state, 'recv', 'PRIORITY').outcomes);
  }

  clientContinuation(id: number): void {
    this.expect(`CONTINUATION on ${id}`, id, lookup(this.table, this.stateOf(id), 'recv', 'CONTINUATION').outcomes);
  }

  clientWindowUpdate(id: number, increment: number): void {
    const what = `WINDOW_UPDATE +${increment} on ${id}`;
    if (id === 0) return this.expect(what, 0, this.flow.windowUpdate(0, increment) ?? [{ kind: 'ignore' }]);
    const state = this.stateOf(id);
    const stateOutcomes = lookup(this.table, state, 'recv', 'WINDOW_UPDATE').outcomes;
    if (!stateOutcomes.some((o) => o.kind === 'next')) {
      // The stream does not take the frame (idle, closed). §6.9: increment 0 is malformed in any
      // state, but on a closed stream minimal processing may discard it (§5.1): either is fine.
      const extra: Outcome[] = increment === 0 && state !== 'idle' ? [{ kind: 'stream-error', code: 'PROTOCOL_ERROR' }] : [];
      return this.expect(what, id, [...stateOutcomes, ...extra]);
    }
    this.expect(what, id, this.flow.windowUpdate(id, increment) ?? stateOutcomes);
  }

  clientSettings(settings: ReadonlyArray<readonly [number, number]>): void {
    const what = `SETTINGS ${settings.map(([k, v]) => `${k === INITIAL_WINDOW_SIZE ? 'INITIAL_WINDOW_SIZE' : k === MAX_FRAME_SIZE ? 'MAX_FRAME_SIZE' : k}=${v}`).join(' ')}`;
    // §6.5.3: processed in order; the first bad value ends the connection.
    for (const [k, v] of settings) {
      if (k === MAX_FRAME_SIZE && (v < 16_384 || v > 16_777_215)) return this.expect(what, 0, [{ kind: 'connection-error', code: 'PROTOCOL_ERROR' }]); // §6.5.2
      if (k === INITIAL_WINDOW_SIZE && v > MAX_WINDOW) return this.expect(what, 0, [{ kind: 'connection-error', code: 'FLOW_CONTROL_ERROR' }]); // §6.5.2
    }
    let outcomes: readonly Outcome[] = [{ kind: 'ignore' }];
    const sending = (sid: number) => { const st = this.stateOf(sid); return st === 'open' || st === 'half-closed (remote)'; };
    for (const [k, v] of settings) {
      if (k === INITIAL_WINDOW_SIZE) {
        const problem = this.flow.peerInitialWindowSize(v, sending);
        if (problem !== null) outcomes = problem;
        // A MUST-error ends the connection: nothing after it is applied.
        if (problem !== null && !problem.some((o) => o.kind === 'ignore')) break;
      } else if (k === MAX_FRAME_SIZE) this.clientMaxFrameSize = v;
    }
    // §6.5.3: SETTINGS the server accepts, it MUST acknowledge.
    if (outcomes.some((o) => o.kind === 'ignore')) this.settingsAcksOwed++;
    this.expect(what, 0, outcomes);
  }

  clientPing(opaque: string): void {
    this.pingsOwed.push(opaque);
  }

  clientGoaway(): void {
    // §6.8: the server may finish its streams and close; it may refuse new ones (clientHeaders).
    this.peerGoaway = true;
  }

  private expect(what: string, streamId: number, outcomes: readonly Outcome[]): void {
    this.expectation = { what, streamId, outcomes, resolved: false };
    // The legal outcome, if there is one, applies at once; an error seen later replaces it.
    const legal = outcomes.find((o) => o.kind === 'next' || o.kind === 'ignore');
    if (legal?.kind === 'next') this.setState(streamId, legal.state);
  }

  private setState(id: number, state: StreamState): void {
    const before = this.stateOf(id);
    // Idle ids are not stored: they stay "idle" or become "closed (never opened)" by §5.1.1.
    if (id === 0 || state === before) return;
    this.states.set(id, state);
    if (before === 'idle' && (state === 'open' || state === 'half-closed (remote)')) this.flow.open(id);
    if (state.startsWith('closed')) this.flow.close(id);
  }

  // ---- The server's frames ----

  /** Judge one frame the server sent, in order. */
  serverFrame(f: ServerFrame): void {
    switch (f.type) {
      case 'HEADERS': return this.serverStreamFrame(f.streamId, f.endStream ? 'HEADERS+END_STREAM' : 'HEADERS', () => this.answered.add(f.streamId));
      case 'DATA':
        if (f.length > this.clientMaxFrameSize) this.diverge(`DATA of ${f.length} B on stream ${f.streamId} exceeds the client's SETTINGS_MAX_FRAME_SIZE ${this.clientMaxFrameSize} (RFC 9113 §4.2)`);
        return this.serverStreamFrame(f.streamId, f.endStream ? 'DATA+END_STREAM' : 'DATA', () => {
          const problem = this.flow.sentData(f.streamId, f.length);
          if (problem !== null) this.diverge(problem);
        });
      case 'WINDOW_UPDATE': {
        if (f.streamId === 0) {
          const problem = this.flow.sentWindowUpdate(0, f.increment);
          if (problem !== null) this.diverge(problem);
          return;
        }
        return this.serverStreamFrame(f.streamId, 'WINDOW_UPDATE', () => {
          const problem = this.flow.sentWindowUpdate(f.streamId, f.increment);
          if (problem !== null) this.diverge(problem);
        });
      }
      case 'PRIORITY': return this.serverStreamFrame(f.streamId, 'PRIORITY', () => {});
      case 'PUSH_PROMISE': return this.diverge(`PUSH_PROMISE on stream ${f.streamId}: push is not modelled (aeronet never pushes)`);
      case 'CONTINUATION': return; // part of the HEADERS before it, judged with it
      case 'RST_STREAM': return this.serverRst(f.streamId, f.errorCode);
      case 'GOAWAY': return this.serverGoaway(f.lastStreamId, f.errorCode);
      case 'SETTINGS':
        if (f.ack) {
          if (this.settingsAcksOwed === 0) this.diverge('a SETTINGS ACK for no SETTINGS (RFC 9113 §6.5.3)');
          else this.settingsAcksOwed--;
          return;
        }
        for (const [k, v] of f.settings) if (k === INITIAL_WINDOW_SIZE) this.flow.localInitialWindowSize(v);
        return;
      case 'PING':
        if (!f.ack) return;
        if (this.pingsOwed[0] === f.opaque) this.pingsOwed.shift();
        else this.diverge(`a PING ACK with opaque ${f.opaque} nobody sent (RFC 9113 §6.7)`);
        return;
      case 'OTHER': return this.diverge(`unexpected ${f.name} frame from the server`);
    }
  }

  private serverStreamFrame(id: number, event: StreamEvent, then: () => void): void {
    const state = this.stateOf(id);
    const row = lookup(this.table, state, 'send', event);
    const next = row.outcomes[0]!;
    if (next.kind !== 'next') {
      this.diverge(`the server sent ${event} on stream ${id} in state ${state}: ${row.rfc}`);
      return;
    }
    then();
    this.setState(id, next.state);
  }

  private serverRst(id: number, code: number): void {
    const name = errorCodeName(code);
    const e = this.expectation;
    if (e !== null && !e.resolved && e.streamId === id && e.outcomes.some((o) => o.kind === 'stream-error' && o.code === name)) {
      e.resolved = true;
      // A reset of an idle id (PRIORITY on itself, §5.3.1) does not open it: it stays idle. One
      // on a closed stream (a late frame answered, §5.1) leaves it closed the way it was.
      const before = this.stateOf(id);
      if (before !== 'idle' && !before.startsWith('closed')) this.setState(id, 'closed (reset sent)');
      return;
    }
    const state = this.stateOf(id);
    // §8.1: after a complete response, a server MAY ask the client to stop sending the request
    // with RST_STREAM NO_ERROR.
    if (code === ErrorCode.NO_ERROR && state === 'half-closed (local)') {
      this.setState(id, 'closed (reset sent)');
      return;
    }
    this.diverge(`the server sent RST_STREAM ${name} on stream ${id} in state ${state}${e !== null && e.streamId === id ? ` after ${e.what}, expected ${e.outcomes.map(describeOutcome).join(' or ')}` : ''}`);
    if (lookup(this.table, state, 'send', 'RST_STREAM').outcomes[0]!.kind === 'next') this.setState(id, 'closed (reset sent)');
  }

  private serverGoaway(lastStreamId: number, code: number): void {
    const name = errorCodeName(code) as ErrorCodeName;
    if (lastStreamId > this.highestOpened) this.diverge(`GOAWAY last-stream-id ${lastStreamId} is above the highest stream the client opened, ${this.highestOpened} (RFC 9113 §6.8)`);
    for (const id of this.answered) {
      if (id > lastStreamId) this.diverge(`GOAWAY last-stream-id ${lastStreamId} is below stream ${id}, which the server answered (RFC 9113 §6.8)`);
    }
    this.goawayCode = code;
    const e = this.expectation;
    const wasEnded = this.ended;
    this.ended = true;
    if (e !== null && !e.resolved && e.outcomes.some((o) => o.kind === 'connection-error' && o.code === name)) {
      e.resolved = true;
      return;
    }
    // §6.8: after the client's GOAWAY, the server may close gracefully.
    if (code === ErrorCode.NO_ERROR && this.peerGoaway) return;
    if (wasEnded) return this.diverge(`a second GOAWAY (${name})`);
    this.diverge(`the server sent GOAWAY ${name}${e !== null ? ` after ${e.what}, expected ${e.outcomes.map(describeOutcome).join(' or ')}` : ''}`);
  }

  /**
   * The server has had time to answer everything: an expected error that never came is a
   * divergence, and owed acknowledgements must have arrived.
   */
  endOfStep(): void {
    const e = this.expectation;
    this.expectation = null;
    if (e !== null && !e.resolved && !e.outcomes.some((o) => o.kind === 'next' || o.kind === 'ignore')) {
      this.diverge(`after ${e.what} (stream ${e.streamId} was ${this.stateOf(e.streamId)}) expected ${e.outcomes.map(describeOutcome).join(' or ')}, the server sent neither`);
      // Follow the RFC from here on, so one divergence is reported once.
      const first = e.outcomes[0]!;
      if (first.kind === 'stream-error') this.setState(e.streamId, 'closed (reset sent)');
      else if (first.kind === 'connection-error') this.ended = true;
    }
    if (this.ended) return;
    if (this.settingsAcksOwed > 0) this.diverge(`${this.settingsAcksOwed} SETTINGS not acknowledged (RFC 9113 §6.5.3)`);
    if (this.pingsOwed.length > 0) this.diverge(`${this.pingsOwed.length} PING not answered (RFC 9113 §6.7)`);
    this.settingsAcksOwed = 0;
    this.pingsOwed = [];
  }

  private diverge(message: string): void {
    this.divergences.push(message);
  }
}

/**
 * HTTP/2 flow control (RFC 9113 §6.9) as a reference model for tests, from the server's side:
 * the windows the server may send into (granted by the client) and the windows the client may
 * send into (granted by the server), for the connection and for each stream. It says which
 * outcomes the RFC allows for each event; it knows nothing of how aeronet implements them.
 */
import type { ErrorCodeName } from '../frames/constants.js';
import type { Outcome } from './stream-state-table.js';

/** §6.9.2: every window starts at 65,535 octets until SETTINGS say otherwise (and always for the connection). */
export const INITIAL_WINDOW = 65_535;
/** §6.9.1: a flow-control window MUST NOT exceed 2^31-1 octets. */
export const MAX_WINDOW = 2 ** 31 - 1;

const connErr = (code: ErrorCodeName): Outcome => ({ kind: 'connection-error', code });
const streamErr = (code: ErrorCodeName): Outcome => ({ kind: 'stream-error', code });

interface StreamWindows {
  /** What the server may still send on the stream (the client grants it). May go negative (§6.9.2). */
  send: number;
  /** What the client may still send on the stream (the server grants it). */
  recv: number;
}

export class FlowControlModel {
  /** §6.9.2: the connection windows are changed only by WINDOW_UPDATE, never by SETTINGS. */
  connSend = INITIAL_WINDOW;
  connRecv = INITIAL_WINDOW;
  /** The client's SETTINGS_INITIAL_WINDOW_SIZE: new streams' send windows. */
  peerInitialWindow = INITIAL_WINDOW;
  /** The server's SETTINGS_INITIAL_WINDOW_SIZE: new streams' receive windows. */
  localInitialWindow = INITIAL_WINDOW;
  private readonly streams = new Map<number, StreamWindows>();

  /** A stream opened: its windows start at the current initial sizes (§6.9.2). */
  open(id: number): void {
    this.streams.set(id, { send: this.peerInitialWindow, recv: this.localInitialWindow });
  }

  /** A closed stream's windows are gone: nothing flows on it any more. */
  close(id: number): void {
    this.streams.delete(id);
  }

  has(id: number): boolean {
    return this.streams.has(id);
  }

  sendWindow(id: number): number {
    return this.streams.get(id)?.send ?? 0;
  }

  recvWindow(id: number): number {
    return this.streams.get(id)?.recv ?? 0;
  }

  // ---- The client's frames, as the server receives them ----

  /**
   * SETTINGS_INITIAL_WINDOW_SIZE from the client. §6.5.2: above 2^31-1 is a connection error
   * FLOW_CONTROL_ERROR. §6.9.2: the change applies by the difference to every stream window the
   * server maintains, and one pushed past 2^31-1 is a connection error FLOW_CONTROL_ERROR.
   * `mustMaintain` are the streams the server still sends on (open, half-closed (remote)); the
   * others it tracks may be dropped by an implementation, so their overflow MAY go unreported.
   * Returns null when applied, else the acceptable outcomes (the change is then not applied).
   */
  peerInitialWindowSize(value: number, mustMaintain: (id: number) => boolean): readonly Outcome[] | null {
    if (value > MAX_WINDOW) return [connErr('FLOW_CONTROL_ERROR')];
    const delta = value - this.peerInitialWindow;
    let must = false;
    let may = false;
    for (const [id, w] of this.streams) {
      if (w.send + delta > MAX_WINDOW) {
        if (mustMaintain(id)) must = true;
        else may = true;
      }
    }
    if (must) return [connErr('FLOW_CONTROL_ERROR')];
    this.peerInitialWindow = value;
    for (const w of this.streams.values()) w.send += delta;
    return may ? [connErr('FLOW_CONTROL_ERROR'), { kind: 'ignore' }] : null;
  }

  /**
   * WINDOW_UPDATE from the client. §6.9: increment 0 is a stream error PROTOCOL_ERROR on a
   * stream, a connection error on stream 0. §6.9.1: a window pushed past 2^31-1 is a
   * FLOW_CONTROL_ERROR of the same scope. Returns null when applied (`id` must be open then).
   */
  windowUpdate(id: number, increment: number): readonly Outcome[] | null {
    if (increment === 0) return [id === 0 ? connErr('PROTOCOL_ERROR') : streamErr('PROTOCOL_ERROR')];
    if (id === 0) {
      if (this.connSend + increment > MAX_WINDOW) return [connErr('FLOW_CONTROL_ERROR')];
      this.connSend += increment;
      return null;
    }
    const w = this.streams.get(id);
    if (w === undefined) return null;
    if (w.send + increment > MAX_WINDOW) return [streamErr('FLOW_CONTROL_ERROR')];
    w.send += increment;
    return null;
  }

  /**
   * DATA from the client, `length` being the whole payload (padding included, §6.1). §6.9: it
   * counts against the connection window in every stream state, so more than the server granted
   * is a connection error FLOW_CONTROL_ERROR. §6.9.1: the sender MUST NOT exceed the stream's
   * window either; the receiver answers with FLOW_CONTROL_ERROR, as a stream error or, its
   * choice of scope (§5.4), a connection error. `streamAccepts` is false when the stream's state
   * rejects or discards the DATA anyway (its window no longer matters).
   * Returns the errors that apply (empty: accepted, windows consumed).
   */
  receiveData(id: number, length: number, streamAccepts: boolean): Outcome[] {
    const errors: Outcome[] = [];
    if (length > this.connRecv) errors.push(connErr('FLOW_CONTROL_ERROR'));
    const w = this.streams.get(id);
    if (streamAccepts && w !== undefined && length > w.recv) errors.push(streamErr('FLOW_CONTROL_ERROR'), connErr('FLOW_CONTROL_ERROR'));
    return errors;
  }

  /** The DATA was taken: both windows shrink (the connection's whatever happened to the stream, §6.9). */
  consumeReceived(id: number, length: number, streamAccepts: boolean): void {
    this.connRecv -= length;
    const w = this.streams.get(id);
    if (streamAccepts && w !== undefined) w.recv -= length;
  }

  // ---- The server's frames ----

  /** DATA from the server: null if within both windows the client granted (§6.9.1), else why not. */
  sentData(id: number, length: number): string | null {
    const w = this.streams.get(id);
    const streamWindow = w?.send ?? 0;
    if (length > 0 && length > streamWindow) return `${length} bytes of DATA on stream ${id} with a stream window of ${streamWindow} (RFC 9113 §6.9.1)`;
    if (length > this.connSend) return `${length} bytes of DATA on stream ${id} with a connection window of ${this.connSend} (RFC 9113 §6.9.1)`;
    if (w !== undefined) w.send -= length;
    this.connSend -= length;
    return null;
  }

  /** WINDOW_UPDATE from the server: credit for the client; null if well-formed (§6.9, §6.9.1). */
  sentWindowUpdate(id: number, increment: number): string | null {
    if (increment <= 0) return `WINDOW_UPDATE with increment ${increment} on stream ${id} (RFC 9113 §6.9)`;
    if (id === 0) {
      this.connRecv += increment;
      return this.connRecv > MAX_WINDOW ? `the server opened the connection window to ${this.connRecv} > 2^31-1 (RFC 9113 §6.9.1)` : null;
    }
    const w = this.streams.get(id);
    if (w === undefined) return null;
    w.recv += increment;
    return w.recv > MAX_WINDOW ? `the server opened stream ${id}'s window to ${w.recv} > 2^31-1 (RFC 9113 §6.9.1)` : null;
  }

  /** The server's own SETTINGS_INITIAL_WINDOW_SIZE, as advertised (§6.9.2). */
  localInitialWindowSize(value: number): void {
    const delta = value - this.localInitialWindow;
    this.localInitialWindow = value;
    for (const w of this.streams.values()) w.recv += delta;
  }
}

/**
 * Decoded HTTP/2 frames (RFC 9113 §6) as small immutable values, one shape per frame type,
 * discriminated by `type`. Byte fields (`data`, `fragment`, `opaque`, `debug`) are views into the
 * received input whenever the frame arrived in one chunk: copy them if you keep them past the
 * chunk's lifetime.
 *
 * Every frame carries `streamId` (0 for connection-level frames) so that a connection can check
 * ordering rules, such as "only CONTINUATION on stream N may follow HEADERS without END_HEADERS"
 * (§6.10), without switching on the type first.
 */

/** RFC 7540 priority fields, still parsed because they occupy bytes of HEADERS and PRIORITY (§5.3.2, §6.3). */
export interface PrioritySpec {
  readonly exclusive: boolean;
  /** The stream this one depends on (reserved-free 31 bits). */
  readonly dependency: number;
  /** The weight, 1..256: the wire carries weight - 1 (§6.3). */
  readonly weight: number;
}

export interface DataFrame {
  readonly kind: 'frame';
  readonly type: 'DATA';
  readonly streamId: number;
  readonly endStream: boolean;
  /** The data, padding removed. */
  readonly data: Buffer;
  /**
   * The whole payload length including the Pad Length octet and the padding: that is what counts
   * against both flow-control windows (§6.1, §6.9.1), not `data.length`.
   */
  readonly flowLength: number;
}

export interface HeadersFrame {
  readonly kind: 'frame';
  readonly type: 'HEADERS';
  readonly streamId: number;
  readonly endStream: boolean;
  readonly endHeaders: boolean;
  /** A field block fragment (§4.3), padding and priority fields removed. */
  readonly fragment: Buffer;
  /** Present when the PRIORITY flag was set (§6.2). */
  readonly priority: PrioritySpec | null;
}

export interface PriorityFrame extends PrioritySpec {
  readonly kind: 'frame';
  readonly type: 'PRIORITY';
  readonly streamId: number;
}

export interface RstStreamFrame {
  readonly kind: 'frame';
  readonly type: 'RST_STREAM';
  readonly streamId: number;
  /** Any 32-bit value: unknown codes are legal and carry no special meaning (§7). */
  readonly errorCode: number;
}

/** One SETTINGS parameter as received: [identifier, value]. */
export type Setting = readonly [id: number, value: number];

export interface SettingsFrame {
  readonly kind: 'frame';
  readonly type: 'SETTINGS';
  readonly streamId: 0;
  readonly ack: boolean;
  /**
   * Parameters in wire order, duplicates and unknown identifiers kept: they are processed in
   * order so the last one wins (§6.5.3), and unknown ones MUST be ignored (§6.5.2) by the caller.
   */
  readonly settings: Setting[];
}

/** Decoded minimally: a server receiving one has a connection PROTOCOL_ERROR to raise (§8.4). */
export interface PushPromiseFrame {
  readonly kind: 'frame';
  readonly type: 'PUSH_PROMISE';
  readonly streamId: number;
  readonly endHeaders: boolean;
  readonly promisedStreamId: number;
  readonly fragment: Buffer;
}

export interface PingFrame {
  readonly kind: 'frame';
  readonly type: 'PING';
  readonly streamId: 0;
  readonly ack: boolean;
  /** Exactly 8 octets, to echo back in the ACK (§6.7). */
  readonly opaque: Buffer;
}

export interface GoawayFrame {
  readonly kind: 'frame';
  readonly type: 'GOAWAY';
  readonly streamId: 0;
  readonly lastStreamId: number;
  readonly errorCode: number;
  /** Opaque diagnostic data (§6.8); possibly empty. */
  readonly debug: Buffer;
}

export interface WindowUpdateFrame {
  readonly kind: 'frame';
  readonly type: 'WINDOW_UPDATE';
  readonly streamId: number;
  /**
   * 1..2^31-1, or 0. An increment of 0 is an error whose scope depends on the stream (§6.9:
   * stream error on a stream, connection error on stream 0), and whether the stream is still
   * known is the connection's business, so 0 is reported as-is.
   */
  readonly increment: number;
}

export interface ContinuationFrame {
  readonly kind: 'frame';
  readonly type: 'CONTINUATION';
  readonly streamId: number;
  readonly endHeaders: boolean;
  readonly fragment: Buffer;
}

/**
 * A frame of a type this codec does not know (§5.5: extensions). Its payload was skipped; the
 * caller ignores it, except that no frame at all may sit inside a field block (§4.3, §6.10).
 */
export interface UnknownFrame {
  readonly kind: 'frame';
  readonly type: 'UNKNOWN';
  readonly typeCode: number;
  readonly streamId: number;
  readonly flags: number;
  readonly length: number;
}

export type Frame =
  | DataFrame
  | HeadersFrame
  | PriorityFrame
  | RstStreamFrame
  | SettingsFrame
  | PushPromiseFrame
  | PingFrame
  | GoawayFrame
  | WindowUpdateFrame
  | ContinuationFrame
  | UnknownFrame;

/**
 * A rule broken by a frame, decided from the frame alone. Returned rather than thrown: errors are
 * ordinary outcomes of reading a hostile peer, and the connection decides what to send.
 *
 * - scope 'connection': send GOAWAY with `code` and close (§5.4.1); the reader stops reading.
 * - scope 'stream': send RST_STREAM on `streamId` with `code` (§5.4.2); reading continues.
 */
export interface FrameDecodeError {
  readonly kind: 'error';
  readonly scope: 'connection' | 'stream';
  /** The stream the offending frame was on (0 for connection-level frames). */
  readonly streamId: number;
  readonly code: number;
  /** A sentence for logs, citing the rule. */
  readonly message: string;
  /**
   * For a stream error on a frame that still matters to the connection, the decoded frame. Today
   * that is a HEADERS frame that depends on its own stream (§5.3.1): its field block must still be
   * fed to the HPACK decoder, or the shared compression context goes out of sync (§4.3).
   */
  readonly frame: Frame | null;
}

export function connectionError(code: number, message: string, streamId = 0): FrameDecodeError {
  return { kind: 'error', scope: 'connection', streamId, code, message, frame: null };
}

export function streamError(streamId: number, code: number, message: string, frame: Frame | null = null): FrameDecodeError {
  return { kind: 'error', scope: 'stream', streamId, code, message, frame };
}

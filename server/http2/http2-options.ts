import type { CompressionPolicy } from '../core/compression-policy.js';
import type { ConnectOptions } from '../http1/http1-options.js';

/** What we advertise in our SETTINGS (RFC 9113 §6.5.2), and enforce. */
export interface Http2Settings {
  /** HPACK dynamic table the peer's encoder may use (default 4096). */
  headerTableSize: number;
  /** Streams the peer may have open at once (default 100). */
  maxConcurrentStreams: number;
  /** Each stream's receive window (default 65,535, the protocol's initial value). */
  initialWindowSize: number;
  /** Largest frame payload we accept (default 16,384). */
  maxFrameSize: number;
  /** Largest decoded request header list, in RFC 9113 §6.5.2 octets (default 64 KiB). */
  maxHeaderListSize: number;
}

/**
 * The defences against abusive peers (the list), each a budget with a safe default. A
 * peer that exceeds one gets GOAWAY (ENHANCE_YOUR_CALM where it applies) and the connection is
 * closed; other connections are unaffected.
 */
export interface Http2Defences {
  /** Rapid Reset (CVE-2023-44487): streams the peer opens and resets itself, per window. */
  maxPeerResets: number;
  /** Server-side resets the peer provokes (MadeYouReset, CVE-2025-8671), per window. */
  maxProvokedResets: number;
  /**
   * Frames that do no work, per window: empty DATA without END_STREAM, empty HEADERS blocks,
   * PRIORITY, SETTINGS, PING, frames on closed streams, and WINDOW_UPDATEs too small to let a
   * waiting response send 1 KiB (a 1-byte-window dribble makes us cut a frame per byte).
   */
  maxIdleFrames: number;
  /** The window for the three counts above. */
  budgetWindowMs: number;
  /** Frames in one header block (HEADERS + CONTINUATION), empty ones included. */
  maxHeaderBlockFrames: number;
  /** Bytes of one encoded header block. */
  maxHeaderBlockBytes: number;
  /**
   * Bytes we may have queued for a peer that does not read (PING/SETTINGS replies, RST_STREAMs...).
   * Output batches are at most half of it (and 2 MiB), so a download in flight never trips it.
   */
  maxOutboundQueueBytes: number;
}

export interface Http2Timeouts {
  /** The client preface and its SETTINGS must arrive within this (default: the headers timeout). */
  prefaceMs: number;
  /** The peer must acknowledge our SETTINGS within this (default 10 s), else SETTINGS_TIMEOUT. */
  settingsAckMs: number;
  /** A connection with no open stream is closed (GOAWAY NO_ERROR) after this (default 60 s). */
  idleMs: number;
  /** A response may wait this long for flow-control credit or a reading peer (default: sendStallMs). */
  sendStallMs: number;
  /** After GOAWAY and our FIN, keep reading (and discarding) for this long (default: lingerMs). */
  lingerMs: number;
}

export interface Http2Config {
  settings: Http2Settings;
  defences: Http2Defences;
  timeouts: Http2Timeouts;
  compression: CompressionPolicy | null;
  maxDecompressedBodyBytes: number | null;
  /** Largest request body a handler reads by default (buffer()/text()/json()). */
  maxBodyBytes: number;
  connect: ConnectOptions | null;
}

export const DEFAULT_HTTP2_SETTINGS: Readonly<Http2Settings> = Object.freeze({
  headerTableSize: 4096,
  maxConcurrentStreams: 100,
  initialWindowSize: 65_535,
  maxFrameSize: 16_384,
  maxHeaderListSize: 64 * 1024,
});

export const DEFAULT_HTTP2_DEFENCES: Readonly<Http2Defences> = Object.freeze({
  maxPeerResets: 200,
  maxProvokedResets: 100,
  maxIdleFrames: 10_000,
  budgetWindowMs: 10_000,
  maxHeaderBlockFrames: 32,
  maxHeaderBlockBytes: 256 * 1024,
  maxOutboundQueueBytes: 4 * 1024 * 1024,
});

import type { ArtifactLayer } from '../../artifacts/artifact-folder.js';

/*
 * A failure's ladder diagram as data: two columns (client, server), each TCP segment (or, with no
 * capture, each delivery in events.log) an arrow between them on a time axis, with the faults that
 * acted on the run and the protocol messages the segments carried. Built from one artifact folder
 * (build-timeline.ts), drawn by ../ladder-svg.ts. Plain JSON: a report can embed or store it.
 *
 * Times are milliseconds (µs resolution) from the timeline's origin (`origin` says what that is).
 */

export type Side = 'client' | 'server';

/** The TCP control bits the diagram shows (ACK alone is not drawn: every segment but the SYN has it). */
export type TcpFlag = 'SYN' | 'ACK' | 'FIN' | 'RST' | 'PSH';

/**
 * How an arrow's send time was learned:
 * - 'captured': seen at the sender's end (the proxy's read of the bytes it then forwarded);
 * - 'estimated': arrival minus the link's base latency (the sim traces deliveries, a netem capture
 *   sees packets after the sender's qdisc), so the real send was no later than that;
 * - 'flat': no send time known; drawn level at its arrival.
 */
export type SendTiming = 'captured' | 'estimated' | 'flat';

export interface TimelineArrow {
  /** Index in `arrows`: faults and labels refer to it. Stable across elision (the original index). */
  id: number;
  /** 1-based connection (in the order of their first packet). */
  connection: number;
  /** The sender; the arrow points at the other column. */
  from: Side;
  sendMs: number;
  sendTiming: SendTiming;
  /** When it reached the other side; null when it never did (dropped on the way). */
  arriveMs: number | null;
  /** Payload bytes. */
  length: number;
  flags: TcpFlag[];
  /** Offset of the first payload byte in its direction's byte stream (0 = the first byte after the SYN). */
  offset: number;
  /** The protocol messages this arrow completed (HTTP/1.1 request and status lines, HTTP/2 frames, TLS records). */
  labels: string[];
  /** Record number in the capture it came from, when it came from one. */
  packet?: number;
  /** Proxy layer: the proxy sent this itself (its SYN-ACK to the client, a close a toxic caused), relaying nothing. */
  origin?: 'proxy';
}

export type FaultKind =
  /** A message (or write) cut into several segments. */
  | 'split'
  /** Bytes held back on the way (latency, jitter, bandwidth, slow close). */
  | 'delay'
  /** The receiver did not get arrived bytes for a while (sim stall, proxy timeout). */
  | 'stall'
  /** The connection was reset (or a reset point was reached). */
  | 'reset'
  /** A toxic in effect (its toxicity draw), added or removed. */
  | 'toxic'
  /** Bytes that never reached the other side (netem loss, a toxic discarding them). */
  | 'drop'
  /** Bytes sent again (a segment carrying bytes already seen at the capture point). */
  | 'retransmit'
  /** The receiver acknowledged the same byte again: it is missing data. */
  | 'dup-ack'
  /** The hostile link's faults: bytes swapped, corrupted or delivered twice. */
  | 'reorder'
  | 'corrupt'
  | 'duplicate'
  /** EAGAIN / EINTR on a simulated syscall (retried, never lost). */
  | 'syscall';

export interface TimelineFault {
  kind: FaultKind;
  atMs: number;
  /** For a span (a stall): when it ended. */
  untilMs?: number;
  /** The side where it took effect (a stall's receiver, a drop's sender); absent for the whole connection. */
  side?: Side;
  connection?: number;
  /** The arrow it acted on, when known. */
  arrow?: number;
  text: string;
  /** Read off the capture rather than recorded by the layer (netem: a gap or a repeated ACK). */
  inferred?: boolean;
}

export interface TimelineConnection {
  index: number;
  client: string;
  server: string;
  /** 'http/1.1', 'h2c', 'h2c-upgrade', 'tls', 'none'. */
  protocol: string;
  startMs: number;
}

/** How much the caps (timeline-caps.ts) left out, so a reader knows the page is not the whole run. */
export interface Elision {
  arrows: number;
  faults: number;
  labels: number;
  logLines: number;
  /** The elided arrows sat between these two kept arrow ids (the break in the diagram). */
  gapAfterArrow: number | null;
}

export interface Timeline {
  layer: ArtifactLayer;
  scenario: string;
  seed: number;
  /** What time 0 is ('virtual time 0', 'the first packet of capture.pcap'). */
  origin: string;
  /** Where the arrows came from ('capture.pcap', 'events.log', 'capture.pcap (both proxy legs)', 'none'). */
  source: string;
  /** The last time on the axis. */
  endMs: number;
  connections: TimelineConnection[];
  arrows: TimelineArrow[];
  faults: TimelineFault[];
  /** The fault parameters in effect (sim's derived parameters, proxy toxics, netem link), one line each. */
  params: string[];
  /** Pure ACKs left out of the arrows (they are counted, and used to find repeated ACKs). */
  pureAcks: number;
  elided: Elision;
  /** What is missing or approximate (no capture, a corrupt capture, estimated send times, ...). */
  notes: string[];
  /** The artifact's events.log (capped), to read beside the diagram. */
  log: string[];
}

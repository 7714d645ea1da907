import type { MetricsRegistry, CounterChild, Counter, GaugeChild, HistogramChild } from './registry.js';
import { DEFENCES, ERROR_CODES, errorCodeIndex, FRAME_TYPE_INDEX, FRAME_TYPES, frameTypeIndex, type DefenceName } from './labels.js';

/** Frame type codes (RFC 9113 §6.4, §6.8) whose error code the counters read from the frame we write. */
const RST_STREAM = 0x3;
const GOAWAY = 0x7;
/** RFC 9113 §4.1: 9 octets of frame header; RST_STREAM's code follows it, GOAWAY's after the last-stream-id. */
const RST_CODE_OFFSET = 9;
const GOAWAY_CODE_OFFSET = 13;

/** Seconds; a stream lives from its HEADERS to its close (response complete, or reset). */
const STREAM_DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
const STREAMS_PER_CONNECTION_BUCKETS = [0, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 5000, 10000];

export interface Http2Snapshot {
  streamsOpen: number;
  /** Streams that have closed. */
  streamsClosed: number;
  framesIn: Record<string, number>;
  framesOut: Record<string, number>;
  /** By error code name; codes never seen are absent. */
  rstStreamIn: Record<string, number>;
  rstStreamOut: Record<string, number>;
  goawayIn: Record<string, number>;
  goawayOut: Record<string, number>;
  defenceTrips: Record<DefenceName, number>;
  /** HPACK: encoded field block octets against the name + value octets of the fields they carry. */
  hpack: { in: HpackCounts; out: HpackCounts };
}

export interface HpackCounts {
  blockBytes: number;
  fieldBytes: number;
  /** blockBytes / fieldBytes (0 before any block): below 1 is compression. */
  ratio: number;
}

/**
 * HTTP/2's own counters, fed by Http2Connection with plain increments (sans-I/O: no clock of its
 * own, no I/O; durations come in as numbers measured on the connection's Clock). Children are
 * resolved up front or once per error code, so a frame costs one array index and one add.
 */
export class Http2Metrics {
  private readonly framesIn: CounterChild[];
  private readonly framesOut: CounterChild[];
  private readonly rst: Counter;
  private readonly goaway: Counter;
  /** [direction 0 in / 1 out][error code index], made on first use. */
  private readonly rstChildren: Array<Array<CounterChild | null>> = [new Array(ERROR_CODES.length).fill(null), new Array(ERROR_CODES.length).fill(null)];
  private readonly goawayChildren: Array<Array<CounterChild | null>> = [new Array(ERROR_CODES.length).fill(null), new Array(ERROR_CODES.length).fill(null)];
  private readonly blockBytes: [CounterChild, CounterChild];
  private readonly fieldBytes: [CounterChild, CounterChild];
  private readonly streamsOpen: GaugeChild;
  private readonly streamDuration: HistogramChild;
  private readonly streamsPerConnection: HistogramChild;
  private readonly defences: Record<DefenceName, CounterChild>;

  constructor(registry: MetricsRegistry) {
    const frames = registry.counter('aeronet_h2_frames_total', 'HTTP/2 frames received (in) and queued to send (out), by type (RFC 9113 §6)', ['direction', 'type']);
    this.framesIn = FRAME_TYPES.map((t) => frames.labels('in', t));
    this.framesOut = FRAME_TYPES.map((t) => frames.labels('out', t));
    this.rst = registry.counter('aeronet_h2_rst_stream_total', 'RST_STREAM frames received (in) and sent (out), by error code (RFC 9113 §7)', ['direction', 'code']);
    this.goaway = registry.counter('aeronet_h2_goaway_total', 'GOAWAY frames received (in) and sent (out), by error code (RFC 9113 §7)', ['direction', 'code']);
    const block = registry.counter('aeronet_h2_hpack_block_bytes_total', 'Octets of HPACK-encoded field blocks, decoded (in) and encoded (out)', ['direction']);
    const field = registry.counter('aeronet_h2_hpack_field_bytes_total', 'Name and value octets of the fields those blocks carry (block/field is the compression ratio)', ['direction']);
    this.blockBytes = [block.labels('in'), block.labels('out')];
    this.fieldBytes = [field.labels('in'), field.labels('out')];
    this.streamsOpen = registry.gauge('aeronet_h2_streams_open', 'HTTP/2 streams open now').labels();
    this.streamDuration = registry.histogram('aeronet_h2_stream_duration_seconds', 'HTTP/2 stream lifetime, from its HEADERS to its close, on the server clock', [], STREAM_DURATION_BUCKETS).labels();
    this.streamsPerConnection = registry.histogram('aeronet_h2_streams_per_connection', 'Streams the peer opened on an HTTP/2 connection, observed when it closes', [], STREAMS_PER_CONNECTION_BUCKETS).labels();
    const trips = registry.counter('aeronet_h2_defence_trips_total', 'HTTP/2 connections ended by a defence budget (http2.defences), by the budget', ['defence']);
    this.defences = Object.fromEntries(DEFENCES.map((d) => [d, trips.labels(d)])) as Record<DefenceName, CounterChild>;
  }

  /** A frame was decoded, by the reader's type name ('DATA', ..., 'UNKNOWN'). */
  frameIn(type: string): void {
    this.framesIn[FRAME_TYPE_INDEX[type] ?? 10]!.value++;
  }

  /** A frame was queued to the transport (the encoded bytes: the type and any error code are read from them). */
  frameOut(frame: Buffer): void {
    const type = frame[3]!;
    this.framesOut[frameTypeIndex(type)]!.value++;
    if (type === RST_STREAM && frame.length >= RST_CODE_OFFSET + 4) this.count(this.rst, this.rstChildren, 1, frame.readUInt32BE(RST_CODE_OFFSET));
    else if (type === GOAWAY && frame.length >= GOAWAY_CODE_OFFSET + 4) this.count(this.goaway, this.goawayChildren, 1, frame.readUInt32BE(GOAWAY_CODE_OFFSET));
  }

  rstStreamIn(code: number): void {
    this.count(this.rst, this.rstChildren, 0, code);
  }

  goawayIn(code: number): void {
    this.count(this.goaway, this.goawayChildren, 0, code);
  }

  /** A field block was decoded (in) or encoded (out): its octets, and the fields it carries. */
  headerBlock(direction: 0 | 1, encodedBytes: number, fields: ReadonlyArray<readonly [string, string]>): void {
    let octets = 0;
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i]!;
      octets += f[0].length + f[1].length;
    }
    this.blockBytes[direction].value += encodedBytes;
    this.fieldBytes[direction].value += octets;
  }

  streamOpened(): void {
    this.streamsOpen.value++;
  }

  /** A stream closed after `durationMs` on the server's clock. */
  streamClosed(durationMs: number): void {
    this.streamsOpen.value--;
    this.streamDuration.observe(durationMs / 1000);
  }

  connectionEnded(streams: number): void {
    this.streamsPerConnection.observe(streams);
  }

  defenceTripped(defence: DefenceName): void {
    this.defences[defence].value++;
  }

  snapshot(): Http2Snapshot {
    const byType = (children: CounterChild[]) => Object.fromEntries(FRAME_TYPES.map((t, i) => [t, children[i]!.value]));
    const byCode = (children: Array<CounterChild | null>) => {
      const out: Record<string, number> = {};
      children.forEach((c, i) => { if (c !== null && c.value > 0) out[ERROR_CODES[i]!] = c.value; });
      return out;
    };
    const hpack = (d: 0 | 1): HpackCounts => {
      const blockBytes = this.blockBytes[d].value;
      const fieldBytes = this.fieldBytes[d].value;
      return { blockBytes, fieldBytes, ratio: fieldBytes === 0 ? 0 : blockBytes / fieldBytes };
    };
    return {
      streamsOpen: this.streamsOpen.value,
      streamsClosed: this.streamDuration.count,
      framesIn: byType(this.framesIn),
      framesOut: byType(this.framesOut),
      rstStreamIn: byCode(this.rstChildren[0]!),
      rstStreamOut: byCode(this.rstChildren[1]!),
      goawayIn: byCode(this.goawayChildren[0]!),
      goawayOut: byCode(this.goawayChildren[1]!),
      defenceTrips: Object.fromEntries(DEFENCES.map((d) => [d, this.defences[d].value])) as Record<DefenceName, number>,
      hpack: { in: hpack(0), out: hpack(1) },
    };
  }

  private count(family: Counter, children: Array<Array<CounterChild | null>>, direction: 0 | 1, code: number): void {
    const i = errorCodeIndex(code);
    const row = children[direction]!;
    (row[i] ??= family.labels(direction === 0 ? 'in' : 'out', ERROR_CODES[i]!)).value++;
  }
}

/**
 * The HPACK and frame-reader workloads of bench:h2-micro (bench/h2-micro.ts), and the shape every
 * workload of it has. Each workload checks once that the path it measures gives the right answer
 * (a benchmark of a broken path is worthless) and counts what every timed pass did, throwing if
 * a pass did less than it should.
 */
import { SettingId } from '../../server/http2/frames/constants.js';
import type { Frame } from '../../server/http2/frames/frame.js';
import { FrameReader } from '../../server/http2/frames/frame-reader.js';
import { encodeData, encodeHeaders, encodePing, encodeSettings, encodeWindowUpdate } from '../../server/http2/frames/frame-writer.js';
import { HpackDecoder, HpackEncoder, type HuffmanMode } from '../../server/http2/hpack/index.js';
import { BenchError } from './bench-support.js';

/** What one timed pass did: `items` of the workload's unit, and the octets they came to. */
export interface PassResult {
  items: number;
  bytes: number;
}

/** A workload set up for measuring: passes until the time is up, then close. */
export interface Runner {
  pass(): PassResult | Promise<PassResult>;
  close(): void;
}

export interface Workload {
  /** 'HPACK decode', 'frame reader'... */
  readonly group: string;
  readonly variant: string;
  /** What `items` counts: 'fields', 'frames', 'streams'. */
  readonly unit: string;
  /** What `bytes` counts, for the report. */
  readonly bytesWhat: string;
  /** Run the measured path once against an independent reference; throws BenchError if it is wrong. */
  check(): void | Promise<void>;
  open(): Runner | Promise<Runner>;
}

export type Fields = Array<[string, string]>;

/**
 * One browser navigation's request fields (Chrome-like, HTTPS). `:method` and `:scheme` are exact
 * entries of the static table; every other value is a literal the first time.
 */
export const BROWSER_REQUEST: ReadonlyArray<readonly [string, string]> = [
  [':method', 'GET'],
  [':scheme', 'https'],
  [':authority', 'www.example.com'],
  [':path', '/'],
  ['user-agent', 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36'],
  ['accept', 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8'],
  ['accept-encoding', 'gzip, deflate, br, zstd'],
  ['accept-language', 'en-US,en;q=0.9,fr;q=0.8'],
  ['cookie', '_ga=GA1.2.1234567890.1700000000; session=9f8e7d6c5b4a39281706f5e4d3c2b1a0; theme=dark'],
  ['sec-fetch-dest', 'document'],
  ['sec-fetch-mode', 'navigate'],
  ['sec-fetch-site', 'same-origin'],
  ['upgrade-insecure-requests', '1'],
];

/**
 * The header lists of `n` requests on one connection. With `hits`, the same set each time but
 * for `:path` (which the default indexing policy never indexes: it changes per request), so every
 * block after the first is indexed fields plus one short literal. Without, every value but
 * `:method` and `:scheme` is distinct, so no field is ever found in the dynamic table (names
 * still may be) and every literal is inserted and later evicted: a table that never pays off.
 */
export function requestLists(n: number, hits: boolean): Fields[] {
  return Array.from({ length: n }, (_, i) =>
    BROWSER_REQUEST.map(([name, value]): [string, string] => {
      if (name === ':path') return [name, `/assets/chunk-${i}.js`];
      if (hits || name === ':method' || name === ':scheme') return [name, value];
      return [name, `${value}-${i}`];
    }),
  );
}

/** The lists encoded in order by one encoder, as one connection's peer sends them. */
export function encodeBlocks(lists: readonly Fields[], huffman: HuffmanMode): Buffer[] {
  const encoder = new HpackEncoder({ huffman });
  return lists.map((fields) => encoder.encode(fields));
}

function sameFields(a: readonly (readonly [string, string])[], b: readonly (readonly [string, string])[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i]![0] !== b[i]![0] || a[i]![1] !== b[i]![1]) return false;
  return true;
}

/** Decode `blocks` in order with a fresh decoder and compare with `lists`; BenchError on any difference. */
export function verifyDecoded(what: string, lists: readonly Fields[], blocks: readonly Buffer[]): void {
  const decoder = new HpackDecoder();
  blocks.forEach((block, i) => {
    const got = decoder.decode(block);
    if (!sameFields(got, lists[i]!)) throw new BenchError(`${what}: block ${i} decodes to ${JSON.stringify(got)}, not ${JSON.stringify(lists[i])}`);
  });
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

/** The blocks look like their variant: table hits shrink the later blocks, Huffman the literals. */
function checkShape(what: string, blocks: readonly Buffer[], raw: readonly Buffer[], hits: boolean, huffman: boolean): void {
  const first = blocks[0]!.length;
  const laterMax = Math.max(...blocks.slice(1).map((b) => b.length));
  const laterMin = Math.min(...blocks.slice(1).map((b) => b.length));
  if (hits && laterMax * 4 > first) throw new BenchError(`${what}: later blocks (${laterMax} octets) are not mostly indexed (first block ${first} octets)`);
  if (!hits && laterMin * 10 < first * 6) throw new BenchError(`${what}: later blocks (${laterMin} octets) shrank: something hits the dynamic table (first block ${first} octets)`);
  if (huffman && sum(blocks.map((b) => b.length)) >= sum(raw.map((b) => b.length))) throw new BenchError(`${what}: Huffman coding saved nothing`);
}

export interface HpackSizes {
  /** Header blocks per pass: one connection's requests (default 200). */
  blocks?: number;
}

const VARIANTS: ReadonlyArray<{ huffman: HuffmanMode; hits: boolean; name: string }> = [
  { huffman: 'shorter', hits: true, name: 'Huffman, table hits' },
  { huffman: 'never', hits: true, name: 'raw, table hits' },
  { huffman: 'shorter', hits: false, name: 'Huffman, cold' },
  { huffman: 'never', hits: false, name: 'raw, cold' },
];

/**
 * HpackDecoder and HpackEncoder, four variants each. A pass is one connection's worth of request
 * blocks with a fresh decoder (or encoder), so the first block of each pass fills the table. The
 * decoder is fed blocks from our encoder ('shorter' Huffman: as clients do, Huffman wherever it
 * is shorter, which for these strings is always).
 */
export function hpackWorkloads(sizes: HpackSizes = {}): Workload[] {
  const n = sizes.blocks ?? 200;
  if (n < 2) throw new BenchError('HPACK workloads need at least 2 blocks per pass');
  const out: Workload[] = [];
  for (const v of VARIANTS) {
    const lists = requestLists(n, v.hits);
    const blocks = encodeBlocks(lists, v.huffman);
    const fields = sum(lists.map((l) => l.length));
    const bytes = sum(blocks.map((b) => b.length));
    const shape = () => checkShape(`HPACK ${v.name}`, blocks, v.huffman === 'never' ? blocks : encodeBlocks(lists, 'never'), v.hits, v.huffman !== 'never');
    out.push({
      group: 'HPACK decode',
      variant: v.name,
      unit: 'fields',
      bytesWhat: 'header block octets decoded',
      check() {
        shape();
        verifyDecoded(`HPACK decode ${v.name}`, lists, blocks);
      },
      open: () => ({
        pass() {
          const decoder = new HpackDecoder();
          let got = 0;
          for (let i = 0; i < blocks.length; i++) got += decoder.decode(blocks[i]!).length;
          if (got !== fields) throw new BenchError(`HPACK decode ${v.name}: ${got} fields decoded, expected ${fields}`);
          return { items: fields, bytes };
        },
        close() {},
      }),
    });
    out.push({
      group: 'HPACK encode',
      variant: v.name,
      unit: 'fields',
      bytesWhat: 'header block octets produced',
      check() {
        shape();
        // What the timed pass produces, decoded by an independent decoder.
        verifyDecoded(`HPACK encode ${v.name}`, lists, encodeBlocks(lists, v.huffman));
      },
      open: () => ({
        pass() {
          const encoder = new HpackEncoder({ huffman: v.huffman });
          let got = 0;
          for (let i = 0; i < lists.length; i++) got += encoder.encode(lists[i]!).length;
          if (got !== bytes) throw new BenchError(`HPACK encode ${v.name}: ${got} octets produced, expected ${bytes}`);
          return { items: fields, bytes };
        },
        close() {},
      }),
    });
  }
  return out;
}

// ---- The frame reader ----

/** A prepared client-to-server byte stream: frames back to back, and what reading it must give. */
export interface FrameMix {
  buffer: Buffer;
  /** Frame type names in order. */
  types: string[];
  dataBytes: number;
}

/**
 * `units` repetitions of a client's traffic: two GETs, a POST with a 21 KiB body (DATA of 1 KiB,
 * 16 KiB, the default largest frame, and 4 KiB), a PUT with a 64-octet body, connection and
 * stream WINDOW_UPDATEs, a PING and a SETTINGS. 12 frames, about 22 KiB, per unit.
 */
export function frameMix(units: number): FrameMix {
  const blocks = encodeBlocks(requestLists(4, true), 'shorter');
  const parts: Buffer[] = [];
  const types: string[] = [];
  let dataBytes = 0;
  const add = (type: string, frame: Buffer) => {
    parts.push(frame);
    types.push(type);
  };
  const data = (stream: number, size: number, end: boolean) => {
    add('DATA', encodeData(stream, Buffer.alloc(size, 0x61), end));
    dataBytes += size;
  };
  const headers = (stream: number, block: Buffer, end: boolean) => {
    for (const f of encodeHeaders(stream, block, end, 16_384)) add('HEADERS', f);
  };
  let id = 1;
  for (let u = 0; u < units; u++) {
    headers(id, blocks[u === 0 ? 0 : 1]!, true);
    headers(id + 2, blocks[2]!, true);
    headers(id + 4, blocks[3]!, false);
    data(id + 4, 1024, false);
    data(id + 4, 16_384, false);
    data(id + 4, 4096, true);
    headers(id + 6, blocks[1]!, false);
    data(id + 6, 64, true);
    add('WINDOW_UPDATE', encodeWindowUpdate(0, 32_768));
    add('WINDOW_UPDATE', encodeWindowUpdate(id, 65_535));
    add('PING', encodePing(Buffer.from('aeronet!'), false));
    add('SETTINGS', encodeSettings([[SettingId.INITIAL_WINDOW_SIZE, 1 << 20], [SettingId.HEADER_TABLE_SIZE, 4096]]));
    id += 8;
  }
  return { buffer: Buffer.concat(parts), types, dataBytes };
}

/** Views of `buffer` in `size`-octet pieces (the reader keeps them: they are never written to). */
function chunked(buffer: Buffer, size: number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let at = 0; at < buffer.length; at += size) chunks.push(buffer.subarray(at, Math.min(buffer.length, at + size)));
  return chunks;
}

export interface FrameSizes {
  /** Mix units in the buffer (default 48: about 1 MiB, 576 frames). */
  units?: number;
}

/**
 * FrameReader over the mix: pushed in 16 KiB reads (a socket's usual read size; frames cut
 * across reads are reassembled by copying), and in one read of the whole buffer (every payload a
 * view, nothing copied). A pass reads the buffer once, with one reader across passes, as one
 * connection reads its input.
 */
export function frameWorkloads(sizes: FrameSizes = {}): Workload[] {
  const mix = frameMix(sizes.units ?? 48);
  const expected = mix.types.length;
  return [
    { name: '16 KiB reads', size: 16 * 1024 },
    { name: 'one read of the whole buffer', size: mix.buffer.length },
  ].map(({ name, size }): Workload => {
    const chunks = chunked(mix.buffer, size);
    const what = `frame reader, ${name}`;
    return {
      group: 'frame reader',
      variant: `${name} (${chunks.length} per pass)`,
      unit: 'frames',
      bytesWhat: 'frame octets read',
      check() {
        const reader = new FrameReader({ maxFrameSize: 16_384 });
        const got: Frame[] = [];
        for (const chunk of chunks) {
          reader.push(chunk);
          for (let r = reader.next(); r !== null; r = reader.next()) {
            if (r.kind === 'error') throw new BenchError(`${what}: ${r.message}`);
            got.push(r);
          }
        }
        const types = got.map((f) => f.type);
        if (types.join() !== mix.types.join()) throw new BenchError(`${what}: read ${types.length} frames (${types.slice(0, 12).join(' ')}...), expected ${expected}`);
        const data = got.reduce((n, f) => n + (f.type === 'DATA' ? f.data.length : 0), 0);
        if (data !== mix.dataBytes) throw new BenchError(`${what}: ${data} DATA octets, expected ${mix.dataBytes}`);
        const ends = got.filter((f) => (f.type === 'DATA' || f.type === 'HEADERS') && f.endStream).length;
        if (ends !== 4 * (expected / 12)) throw new BenchError(`${what}: ${ends} END_STREAM flags, expected ${4 * (expected / 12)}`);
        if (!reader.idle) throw new BenchError(`${what}: the reader is not between frames at the end`);
      },
      open() {
        const reader = new FrameReader({ maxFrameSize: 16_384 });
        return {
          pass() {
            let frames = 0;
            let flagged = 0;
            for (let c = 0; c < chunks.length; c++) {
              reader.push(chunks[c]!);
              for (let r = reader.next(); r !== null; r = reader.next()) {
                if (r.kind === 'error') throw new BenchError(`${what}: ${r.message}`);
                frames++;
                // Touch each frame as a connection would (its type and a flag), so none is dead code.
                if (r.type === 'DATA' && r.endStream) flagged++;
              }
            }
            if (frames !== expected || flagged !== 2 * (expected / 12) || !reader.idle) throw new BenchError(`${what}: ${frames} frames read, expected ${expected}`);
            return { items: frames, bytes: mix.buffer.length };
          },
          close() {},
        };
      },
    };
  });
}

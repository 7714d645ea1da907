/**
 * The HPACK decoder (server/http2/hpack/hpack-decoder.ts) with its dynamic table carried from
 * block to block, as on one connection. The input is a sequence of header blocks, each prefixed
 * with its length in two octets (big-endian); a short tail is the last block.
 *
 * Properties:
 * - the only exception is HpackError; after a 'compression' error the connection would be gone,
 *   so decoding stops; after 'header-list-too-large' the table must still be in step, and
 *   decoding goes on;
 * - bounded memory: the dynamic table never holds more than its maximum (RFC 7541 §4.1, §4.4),
 *   and a block that decodes never yields a list over SETTINGS_MAX_HEADER_LIST_SIZE, whatever the
 *   block's size (the HPACK bomb: RFC 7541 §7.3, RFC 9113 §10.5.1);
 * - decode(encode(x)) = x: each decoded list, encoded by our HpackEncoder (Huffman always and
 *   never) and decoded by a decoder that follows that encoder, gives the same list.
 */
import { HpackDecoder } from '../../server/http2/hpack/hpack-decoder.js';
import { HpackEncoder } from '../../server/http2/hpack/hpack-encoder.js';
import { HpackError } from '../../server/http2/hpack/hpack-error.js';
import { FrameReader } from '../../server/http2/frames/frame-reader.js';
import { ENTRY_OVERHEAD } from '../../server/http2/hpack/dynamic-table.js';
import { check, sameData, show, WorkRatio, type FuzzTarget, type SeedInput } from '../fuzz-target.js';
import { wireSeeds } from '../seeds/wire-seeds.js';

const MAX_TABLE = 4096;
const MAX_LIST = 16 * 1024;
const ratio = new WorkRatio('decoded octets per input octet');

/** The input's blocks: [length: 2 octets][block]... */
export function splitBlocks(data: Buffer): Buffer[] {
  const blocks: Buffer[] = [];
  let at = 0;
  while (at < data.length) {
    if (at + 2 > data.length) {
      blocks.push(data.subarray(at));
      break;
    }
    const length = data.readUInt16BE(at);
    blocks.push(data.subarray(at + 2, at + 2 + length));
    at += 2 + length;
  }
  return blocks;
}

export function joinBlocks(blocks: readonly Buffer[]): Buffer {
  return Buffer.concat(blocks.flatMap((b) => [Buffer.from([b.length >> 8, b.length & 0xff]), b]));
}

function listSize(fields: ReadonlyArray<readonly [string, string]>): number {
  return fields.reduce((n, [name, value]) => n + name.length + value.length + ENTRY_OVERHEAD, 0);
}

export function checkHpackDecoder(data: Buffer): void {
  const decoder = new HpackDecoder({ maxTableSize: MAX_TABLE, maxHeaderListSize: MAX_LIST });
  const lists: Array<Array<[string, string]>> = [];
  let decodedOctets = 0;
  for (const block of splitBlocks(data)) {
    let fields: Array<[string, string]>;
    try {
      fields = decoder.decode(block);
    } catch (err) {
      if (!(err instanceof HpackError)) throw err;
      if (err.kind === 'compression') break;
      continue;
    } finally {
      check(decoder.table.size <= decoder.table.maxSize && decoder.table.maxSize <= MAX_TABLE, () => `dynamic table at ${decoder.table.size}/${decoder.table.maxSize}, limit ${MAX_TABLE}`);
    }
    const size = listSize(fields);
    check(size <= MAX_LIST, () => `a ${block.length}-octet block decoded to a ${size}-octet list, over the ${MAX_LIST} limit`);
    decodedOctets += size;
    lists.push(fields);
  }
  ratio.observe(decodedOctets, data.length, data);

  for (const huffman of ['always', 'never'] as const) {
    const encoder = new HpackEncoder({ huffman });
    const follower = new HpackDecoder({ maxTableSize: MAX_TABLE, maxHeaderListSize: Infinity });
    for (const fields of lists) {
      const block = encoder.encode(fields);
      const again = follower.decode(block);
      check(sameData(again, fields), () => `huffman ${huffman}: ${show(fields)} encoded decodes to ${show(again)}`);
    }
  }
}

/** Every header block (HEADERS fragment plus CONTINUATIONs) of one connection's frames. */
export function headerBlocks(frames: Buffer): Buffer[] {
  const reader = new FrameReader({ maxFrameSize: 16_777_215 });
  reader.push(frames);
  const blocks: Buffer[] = [];
  let open: Buffer[] | null = null;
  for (let r = reader.next(); r !== null; r = reader.next()) {
    const f = r.kind === 'frame' ? r : r.frame;
    if (f === null) continue;
    if (f.type === 'HEADERS' || f.type === 'PUSH_PROMISE') open = [f.fragment];
    else if (f.type === 'CONTINUATION' && open !== null) open.push(f.fragment);
    else continue;
    if (f.endHeaders && open !== null) {
      blocks.push(Buffer.concat(open));
      open = null;
    }
  }
  return blocks;
}

export const target: FuzzTarget = {
  name: 'hpack-decoder',
  description: 'HPACK decoder with its dynamic table: bounded table and list, decode(encode(x)) = x',
  run: checkHpackDecoder,
  async: false,
  dictionary: 'hpack.dict',
  instrument: ['server/http2/hpack/'],
  ratio: 'decoded octets per input octet',
  async seeds(): Promise<SeedInput[]> {
    const out: SeedInput[] = [];
    for (const seed of (await wireSeeds()).h2) {
      const blocks = headerBlocks(seed.data).filter((b) => b.length <= 0xffff);
      if (blocks.length > 0) out.push({ name: seed.name, data: joinBlocks(blocks) });
    }
    return out;
  },
};

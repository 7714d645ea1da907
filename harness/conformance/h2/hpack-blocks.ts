import { huffmanEncode, huffmanEncodedLength } from '../../../server/http2/hpack/huffman.js';
import { encodeInteger } from '../../../server/http2/hpack/integer.js';
import { STATIC_NAME_INDEX } from '../../../server/http2/hpack/static-table.js';

/*
 * Hand-made HPACK representations (RFC 7541 §6), for cases that test one representation or a
 * broken one. Blocks built here bypass the client's HpackEncoder: a case that sends one must not
 * encode another block with that encoder on the same connection if the first changed the
 * server's dynamic table.
 */

export type LiteralIndexing = 'incremental' | 'without' | 'never';

function int(value: number, prefixBits: number, flags: number): Buffer {
  const out = Buffer.alloc(8);
  return out.subarray(0, encodeInteger(value, prefixBits, flags, out, 0));
}

/** A string literal (§5.2), Huffman-coded or raw. */
export function stringLiteral(s: string, huffman = false): Buffer {
  if (!huffman) return Buffer.concat([int(s.length, 7, 0x00), Buffer.from(s, 'latin1')]);
  const coded = Buffer.alloc(huffmanEncodedLength(s));
  huffmanEncode(s, coded, 0);
  return Buffer.concat([int(coded.length, 7, 0x80), coded]);
}

/** Indexed header field (§6.1): 1xxxxxxx. */
export function indexed(index: number): Buffer {
  return int(index, 7, 0x80);
}

/** Dynamic table size update (§6.3): 001xxxxx. */
export function sizeUpdate(size: number): Buffer {
  return int(size, 5, 0x20);
}

const PREFIX: Record<LiteralIndexing, [bits: number, flags: number]> = {
  incremental: [6, 0x40], // §6.2.1 01xxxxxx
  without: [4, 0x00], // §6.2.2 0000xxxx
  never: [4, 0x10], // §6.2.3 0001xxxx
};

/**
 * A literal header field (§6.2): the name by index (a number, or a name found in the static
 * table when `byIndex`), or as a new name; the value as a literal.
 */
export function literal(indexing: LiteralIndexing, name: string | number, value: string | Buffer, options: { huffman?: boolean; newName?: boolean } = {}): Buffer {
  const [bits, flags] = PREFIX[indexing];
  const huffman = options.huffman === true;
  const valuePart = typeof value === 'string' ? stringLiteral(value, huffman) : value;
  if (typeof name === 'number') return Buffer.concat([int(name, bits, flags), valuePart]);
  const staticIndex = options.newName === true ? undefined : STATIC_NAME_INDEX.get(name);
  if (staticIndex !== undefined) return Buffer.concat([int(staticIndex, bits, flags), valuePart]);
  return Buffer.concat([int(0, bits, flags), stringLiteral(name, huffman), valuePart]);
}

/** Fields as literals without indexing (names from the static table where they are in it): touches no table. */
export function plainBlock(fields: ReadonlyArray<readonly [string, string]>): Buffer {
  return Buffer.concat(fields.map(([n, v]) => literal('without', n, v)));
}

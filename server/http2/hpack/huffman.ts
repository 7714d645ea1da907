import { compressionError } from './hpack-error.js';
import { EOS, HUFFMAN_CODES, HUFFMAN_LENGTHS } from './huffman-code.js';

/**
 * The Huffman string encoding of RFC 7541 §5.2. Strings are octets held one per char (latin1);
 * a char above 0xFF contributes its low byte, as Buffer's 'latin1' encoding does.
 */

/** Octets `huffmanEncode` writes for `str`: the codes' bits rounded up to whole octets. */
export function huffmanEncodedLength(str: string): number {
  let bits = 0;
  for (let i = 0; i < str.length; i++) bits += HUFFMAN_LENGTHS[str.charCodeAt(i) & 0xff]!;
  return (bits + 7) >>> 3;
}

/**
 * Write the Huffman encoding of `str` at `offset`; returns the offset after it. The last octet is
 * padded with the high bits of EOS, i.e. 1s (§5.2). The caller makes sure
 * `huffmanEncodedLength(str)` octets are free.
 */
export function huffmanEncode(str: string, out: Buffer, offset: number): number {
  let pos = offset;
  // Pending bits, right-aligned; fewer than 8 between symbols, so a code of up to 24 bits keeps
  // the accumulator within 31 bits (positive int32). Longer codes go in two pushes.
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < str.length; i++) {
    const sym = str.charCodeAt(i) & 0xff;
    let code = HUFFMAN_CODES[sym]!;
    let length = HUFFMAN_LENGTHS[sym]!;
    if (length > 24) {
      const high = length - 24;
      acc = (acc << high) | (code >>> 24);
      bits += high;
      if (bits >= 8) {
        bits -= 8;
        out[pos++] = acc >>> bits;
        acc &= (1 << bits) - 1;
      }
      code &= 0xffffff;
      length = 24;
    }
    acc = (acc << length) | code;
    bits += length;
    while (bits >= 8) {
      bits -= 8;
      out[pos++] = acc >>> bits;
    }
    acc &= (1 << bits) - 1;
  }
  if (bits > 0) out[pos++] = (acc << (8 - bits)) | (0xff >>> bits);
  return pos;
}

/*
 * Decoding walks the code tree a nibble at a time. The tree of a complete code over 257 symbols
 * has 256 internal nodes; each is a decoder state, and for each state and nibble a precomputed
 * transition gives the next state, the symbol completed on the way (at most one: the shortest
 * code has 5 bits) and two flags. Built once at module load from the code table.
 */
const FLAG_EMIT = 1 << 16;
/** The nibble completes EOS: an error wherever it appears (§5.2). */
const FLAG_FAIL = 1 << 17;
/**
 * The next state may end a string: it is the root (the bits ended on a symbol boundary), or the
 * bits since the last symbol are at most 7 and all 1s, i.e. a prefix of EOS (§5.2: longer padding,
 * or padding with a 0 bit, is a decoding error).
 */
const FLAG_ACCEPT = 1 << 18;

const TRANSITIONS: Uint32Array = (() => {
  // child[2n + bit]: an internal node's id (> 0), or ~symbol (< 0) for a leaf; 0 means unset.
  const child = new Int32Array(2 * 256);
  const depth = new Uint8Array(256);
  const onesOnly = new Uint8Array(256);
  onesOnly[0] = 1;
  let nodes = 1;
  for (let sym = 0; sym <= EOS; sym++) {
    const length = HUFFMAN_LENGTHS[sym]!;
    let node = 0;
    for (let b = length - 1; b > 0; b--) {
      const bit = (HUFFMAN_CODES[sym]! >>> b) & 1;
      let next = child[2 * node + bit]!;
      if (next === 0) {
        next = nodes++;
        child[2 * node + bit] = next;
        depth[next] = depth[node]! + 1;
        onesOnly[next] = onesOnly[node]! & bit;
      }
      node = next;
    }
    child[2 * node + (HUFFMAN_CODES[sym]! & 1)] = ~sym;
  }
  if (nodes !== 256) throw new Error(`Huffman table is not a complete code: ${nodes} internal nodes`);

  const table = new Uint32Array(256 * 16);
  for (let state = 0; state < 256; state++) {
    for (let nibble = 0; nibble < 16; nibble++) {
      let node = state;
      let entry = 0;
      for (let b = 3; b >= 0; b--) {
        const next = child[2 * node + ((nibble >>> b) & 1)]!;
        if (next >= 0) {
          node = next;
          continue;
        }
        if (~next === EOS) {
          entry = FLAG_FAIL;
          break;
        }
        entry = FLAG_EMIT | (~next << 8);
        node = 0;
      }
      if (entry !== FLAG_FAIL) {
        const accept = node === 0 || (onesOnly[node] === 1 && depth[node]! <= 7);
        entry |= node | (accept ? FLAG_ACCEPT : 0);
      }
      table[(state << 4) | nibble] = entry;
    }
  }
  return table;
})();

/** Reused output; decoding is synchronous, so one buffer serves every decoder. */
let scratch = Buffer.allocUnsafe(1024);

/**
 * Decode the Huffman-encoded octets `block[start, end)` to a latin1 string. Throws
 * HpackError('compression') on EOS inside the string or on invalid padding (§5.2).
 */
export function huffmanDecode(block: Buffer, start: number, end: number): string {
  // Every code has at least 5 bits, so n octets hold at most 8n/5 symbols.
  const most = Math.floor(((end - start) * 8) / 5);
  if (scratch.length < most) scratch = Buffer.allocUnsafe(Math.max(most, scratch.length * 2));
  const out = scratch;
  let n = 0;
  let state = 0;
  let entry = FLAG_ACCEPT;
  for (let i = start; i < end; i++) {
    const octet = block[i]!;
    entry = TRANSITIONS[(state << 4) | (octet >>> 4)]!;
    if ((entry & FLAG_FAIL) !== 0) compressionError('EOS symbol inside a Huffman-encoded string (RFC 7541 §5.2)');
    if ((entry & FLAG_EMIT) !== 0) out[n++] = (entry >>> 8) & 0xff;
    state = entry & 0xff;
    entry = TRANSITIONS[(state << 4) | (octet & 0x0f)]!;
    if ((entry & FLAG_FAIL) !== 0) compressionError('EOS symbol inside a Huffman-encoded string (RFC 7541 §5.2)');
    if ((entry & FLAG_EMIT) !== 0) out[n++] = (entry >>> 8) & 0xff;
    state = entry & 0xff;
  }
  if ((entry & FLAG_ACCEPT) === 0) {
    compressionError('Huffman padding is longer than 7 bits or not a prefix of EOS (RFC 7541 §5.2)');
  }
  return out.toString('latin1', 0, n);
}

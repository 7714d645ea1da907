import { EncoderTable } from './encoder-table.js';
import { huffmanEncode, huffmanEncodedLength } from './huffman.js';
import { defaultIndexingPolicy, type IndexingPolicy } from './indexing-policy.js';
import { encodeInteger } from './integer.js';
import { STATIC_EXACT, STATIC_NAME_INDEX, STATIC_TABLE_LENGTH } from './static-table.js';

/** When to Huffman-encode a string literal (§5.2): only if it saves octets (default), or always/never. */
export type HuffmanMode = 'shorter' | 'always' | 'never';

export interface HpackEncoderOptions {
  /** The most dynamic table we are willing to keep for the peer, whatever it allows (default 4096). */
  maxTableSize?: number;
  /**
   * The table size both ends start from: 4096 in HTTP/2 (RFC 9113 §6.5.2), the default. Other
   * values exist for RFC 7541 Appendix C's examples, which assume 256 without an update.
   */
  initialTableSize?: number;
  /** Which literals to index; see defaultIndexingPolicy. */
  indexing?: IndexingPolicy;
  /** Default 'shorter'. */
  huffman?: HuffmanMode;
}

/** Worst case octets of one prefix integer (1 + 5 continuation octets, see integer.ts). */
const INTEGER_MAX_OCTETS = 6;
/** Worst case octets per char when Huffman-encoded: codes are at most 30 bits. */
const HUFFMAN_MAX_OCTETS_PER_CHAR = 4;

/**
 * Encodes header lists into header blocks (RFC 7541 §3), one instance per connection, blocks
 * sent in the order encoded. Names must already be lowercase (RFC 9113 §8.2.1); names and values
 * are octet strings, one char per octet.
 */
export class HpackEncoder {
  /** The dynamic table, mirrored by the peer's decoder; read-only by convention (tests, diagnostics). */
  readonly table: EncoderTable;
  private readonly cap: number;
  private readonly indexing: IndexingPolicy;
  private readonly huffman: HuffmanMode;
  /** Table size updates owed at the start of the next block (§4.2): the smallest, then the final. */
  private pending = false;
  private pendingSmallest = Infinity;
  private pendingFinal = 0;
  private scratch = Buffer.allocUnsafe(4096);

  constructor(options: HpackEncoderOptions = {}) {
    this.cap = options.maxTableSize ?? 4096;
    this.indexing = options.indexing ?? defaultIndexingPolicy;
    this.huffman = options.huffman ?? 'shorter';
    const initial = options.initialTableSize ?? 4096;
    this.table = new EncoderTable(initial);
    // Using less than the peer's decoder allows is our choice, but the decoder evicts by the
    // size it knows, so the choice must be announced (§4.2).
    if (this.cap < initial) this.setPeerMaxTableSize(initial);
  }

  /**
   * The peer's SETTINGS_HEADER_TABLE_SIZE changed. Our table becomes min(n, maxTableSize), and the
   * next block starts with the update(s) that say so: if the size dipped below the current one
   * since the last block, first the smallest value, so the peer's decoder evicts what we did (§4.2).
   */
  setPeerMaxTableSize(n: number): void {
    const target = Math.min(n, this.cap);
    this.pending = true;
    this.pendingSmallest = Math.min(this.pendingSmallest, target);
    this.pendingFinal = target;
  }

  /**
   * Encode one header list into a new Buffer: `headroom` octets (zeroed, e.g. for the caller's
   * frame header) followed by the header block.
   */
  encode(fields: ReadonlyArray<readonly [string, string]>, headroom = 0): Buffer {
    let pos = this.writeSizeUpdates();
    for (let i = 0; i < fields.length; i++) {
      const field = fields[i]!;
      pos = this.writeField(field[0], field[1], pos);
    }
    const block = Buffer.allocUnsafe(headroom + pos);
    block.fill(0, 0, headroom);
    this.scratch.copy(block, headroom, 0, pos);
    return block;
  }

  private writeSizeUpdates(): number {
    if (!this.pending) return 0;
    this.pending = false;
    const out = this.ensure(0, 2 * INTEGER_MAX_OCTETS);
    let pos = 0;
    if (this.pendingSmallest < this.table.maxSize) {
      pos = encodeInteger(this.pendingSmallest, 5, 0x20, out, pos);
      this.table.setMaxSize(this.pendingSmallest);
    }
    if (this.pendingFinal !== this.table.maxSize) {
      pos = encodeInteger(this.pendingFinal, 5, 0x20, out, pos);
      this.table.setMaxSize(this.pendingFinal);
    }
    this.pendingSmallest = Infinity;
    return pos;
  }

  private writeField(name: string, value: string, pos: number): number {
    // Static exact match first (":status: 200" is the single octet 0x88), §6.1.
    const staticIndex = STATIC_EXACT.get(name)?.get(value);
    if (staticIndex !== undefined) return encodeInteger(staticIndex, 7, 0x80, this.ensure(pos, INTEGER_MAX_OCTETS), pos);

    const indexing = this.indexing(name, value, this.table.maxSize);
    if (indexing !== 'never') {
      const dynamicIndex = this.table.findExact(name, value);
      if (dynamicIndex !== 0) {
        return encodeInteger(STATIC_TABLE_LENGTH + dynamicIndex, 7, 0x80, this.ensure(pos, INTEGER_MAX_OCTETS), pos);
      }
    }

    let nameIndex = STATIC_NAME_INDEX.get(name) ?? 0;
    if (nameIndex === 0) {
      const dynamicIndex = this.table.findName(name);
      if (dynamicIndex !== 0) nameIndex = STATIC_TABLE_LENGTH + dynamicIndex;
    }
    const worst = 3 * INTEGER_MAX_OCTETS + HUFFMAN_MAX_OCTETS_PER_CHAR * (name.length + value.length);
    const out = this.ensure(pos, worst);
    // §6.2.1 01xxxxxx (6-bit name index), §6.2.2 0000xxxx, §6.2.3 0001xxxx (4-bit name index).
    if (indexing === 'incremental') pos = encodeInteger(nameIndex, 6, 0x40, out, pos);
    else pos = encodeInteger(nameIndex, 4, indexing === 'never' ? 0x10 : 0x00, out, pos);
    if (nameIndex === 0) pos = this.writeString(name, out, pos);
    pos = this.writeString(value, out, pos);
    if (indexing === 'incremental') this.table.add(name, value);
    return pos;
  }

  /** A string literal (§5.2): H flag and 7-bit length, then the octets, Huffman-coded if chosen. */
  private writeString(str: string, out: Buffer, pos: number): number {
    if (this.huffman !== 'never') {
      const encoded = huffmanEncodedLength(str);
      if (this.huffman === 'always' || encoded < str.length) {
        pos = encodeInteger(encoded, 7, 0x80, out, pos);
        return huffmanEncode(str, out, pos);
      }
    }
    pos = encodeInteger(str.length, 7, 0x00, out, pos);
    return pos + out.write(str, pos, 'latin1');
  }

  /** The scratch buffer, grown (keeping its first `pos` octets) so `more` octets fit after `pos`. */
  private ensure(pos: number, more: number): Buffer {
    if (pos + more <= this.scratch.length) return this.scratch;
    const grown = Buffer.allocUnsafe(Math.max(pos + more, this.scratch.length * 2));
    this.scratch.copy(grown, 0, 0, pos);
    this.scratch = grown;
    return grown;
  }
}

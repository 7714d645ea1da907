import { DynamicTable, ENTRY_OVERHEAD } from './dynamic-table.js';
import { compressionError, HpackError } from './hpack-error.js';
import { huffmanDecode } from './huffman.js';
import { type Cursor, decodeInteger } from './integer.js';
import { STATIC_NAMES, STATIC_TABLE_LENGTH, STATIC_VALUES } from './static-table.js';

export interface HpackDecoderOptions {
  /**
   * Our SETTINGS_HEADER_TABLE_SIZE (default 4096): the largest dynamic table the peer's encoder
   * may use, and the table's maximum size to begin with. Construct with the value the peer's
   * encoder starts from (4096, RFC 9113 §6.5.2) and call setMaxTableSize when a smaller advertised
   * value takes effect.
   */
  maxTableSize?: number;
  /**
   * Our SETTINGS_MAX_HEADER_LIST_SIZE (default 64 KiB), counted as name + value + 32 octets per
   * field (RFC 9113 §6.5.2).
   */
  maxHeaderListSize?: number;
}

/** Table size updates allowed at the start of one block: the smallest value, then the final one (§4.2). */
const MAX_SIZE_UPDATES = 2;

/**
 * Decodes header blocks (RFC 7541 §3) into [name, value] octet strings, keeping the dynamic table
 * in step with the peer's encoder. One instance per connection, fed every complete header block
 * (HEADERS/PUSH_PROMISE plus CONTINUATIONs) in the order received.
 *
 * Errors are HpackError: 'compression' as soon as a rule breaks (the connection dies, so the
 * table state no longer matters); 'header-list-too-large' only after the whole block has been
 * processed, so the table stays in sync and the connection can go on.
 */
export class HpackDecoder {
  private readonly dynamic: DynamicTable;
  private limit: number;
  private readonly maxHeaderListSize: number;
  /** Our advertised size dropped below the table's: the next block must start with an update (§4.2). */
  private updateRequired = false;
  private readonly cursor: Cursor = { pos: 0 };

  constructor(options: HpackDecoderOptions = {}) {
    this.limit = options.maxTableSize ?? 4096;
    this.maxHeaderListSize = options.maxHeaderListSize ?? 64 * 1024;
    this.dynamic = new DynamicTable(this.limit);
  }

  /** The dynamic table, read-only by convention: for tests and diagnostics. */
  get table(): DynamicTable {
    return this.dynamic;
  }

  /**
   * Our advertised SETTINGS_HEADER_TABLE_SIZE changed (call when the peer has acknowledged it).
   * Table size updates above `max` are errors from now on; if `max` is below the table's current
   * maximum, the peer's encoder must shrink its table, and say so at the start of its next block
   * (§4.2), so until then the table keeps its entries.
   */
  setMaxTableSize(max: number): void {
    this.limit = max;
    this.updateRequired = max < this.dynamic.maxSize;
  }

  decode(block: Buffer): Array<[string, string]> {
    const end = block.length;
    const cursor = this.cursor;
    cursor.pos = 0;
    const fields: Array<[string, string]> = [];
    let listSize = 0;
    let tooLarge = false;
    let sizeUpdates = 0;
    let fieldSeen = false;

    if (this.updateRequired && (end === 0 || (block[0]! & 0xe0) !== 0x20)) {
      compressionError('header block must start with a dynamic table size update after SETTINGS_HEADER_TABLE_SIZE shrank (RFC 7541 §4.2)');
    }

    while (cursor.pos < end) {
      const first = block[cursor.pos]!;
      let name: string;
      let value: string;
      if ((first & 0x80) !== 0) {
        // Indexed field (§6.1): 1xxxxxxx, 7-bit index.
        const index = decodeInteger(block, cursor, end, 7);
        this.checkIndex(index);
        name = this.nameAt(index);
        value = this.valueAt(index);
      } else if ((first & 0x40) !== 0) {
        // Literal with incremental indexing (§6.2.1): 01xxxxxx, 6-bit name index or 0.
        name = this.readName(block, end, 6);
        value = this.readString(block, end);
        this.dynamic.add(name, value);
      } else if ((first & 0x20) !== 0) {
        // Dynamic table size update (§6.3): 001xxxxx, only at the start of a block (§4.2).
        if (fieldSeen) compressionError('dynamic table size update after a field (RFC 7541 §4.2)');
        if (sizeUpdates === MAX_SIZE_UPDATES) compressionError('more than two dynamic table size updates in one block (RFC 7541 §4.2)');
        const max = decodeInteger(block, cursor, end, 5);
        if (max > this.limit) compressionError(`dynamic table size update to ${max} exceeds SETTINGS_HEADER_TABLE_SIZE ${this.limit} (RFC 7541 §6.3)`);
        this.dynamic.setMaxSize(max);
        this.updateRequired = false;
        sizeUpdates++;
        continue;
      } else {
        // Literal without indexing (§6.2.2, 0000xxxx) or never indexed (§6.2.3, 0001xxxx): the
        // table is untouched; the never-indexed flag matters only to intermediaries re-encoding.
        name = this.readName(block, end, 4);
        value = this.readString(block, end);
      }
      fieldSeen = true;
      if (tooLarge) continue;
      // Counted per field before it is kept, so a block that references one large entry many
      // times (an "HPACK bomb", RFC 7541 §7.3) stops growing the list the moment it passes.
      listSize += name.length + value.length + ENTRY_OVERHEAD;
      if (listSize > this.maxHeaderListSize) {
        tooLarge = true;
        fields.length = 0;
        continue;
      }
      fields.push([name, value]);
    }

    if (tooLarge) {
      throw new HpackError('header-list-too-large', `header list exceeds ${this.maxHeaderListSize} octets (RFC 9113 §6.5.2)`);
    }
    return fields;
  }

  private checkIndex(index: number): void {
    if (index === 0) compressionError('index 0 (RFC 7541 §6.1)');
    if (index > STATIC_TABLE_LENGTH + this.dynamic.length) {
      compressionError(`index ${index} is past the end of the tables (RFC 7541 §2.3.3)`);
    }
  }

  private nameAt(index: number): string {
    return index <= STATIC_TABLE_LENGTH ? STATIC_NAMES[index]! : this.dynamic.name(index - STATIC_TABLE_LENGTH);
  }

  private valueAt(index: number): string {
    return index <= STATIC_TABLE_LENGTH ? STATIC_VALUES[index]! : this.dynamic.value(index - STATIC_TABLE_LENGTH);
  }

  /** A literal's name: by index into the tables, or (index 0) a string literal that follows (§6.2). */
  private readName(block: Buffer, end: number, prefixBits: number): string {
    const index = decodeInteger(block, this.cursor, end, prefixBits);
    if (index === 0) return this.readString(block, end);
    this.checkIndex(index);
    return this.nameAt(index);
  }

  /**
   * A string literal (§5.2): H flag, 7-bit length, octets. The length is checked against the
   * bytes actually left in the block before anything is read or allocated.
   */
  private readString(block: Buffer, end: number): string {
    const cursor = this.cursor;
    if (cursor.pos >= end) compressionError('truncated string literal (RFC 7541 §5.2)');
    const huffman = (block[cursor.pos]! & 0x80) !== 0;
    const length = decodeInteger(block, cursor, end, 7);
    const start = cursor.pos;
    if (length > end - start) compressionError(`string length ${length} runs past the end of the header block (RFC 7541 §5.2)`);
    cursor.pos = start + length;
    if (length === 0) return '';
    return huffman ? huffmanDecode(block, start, start + length) : block.toString('latin1', start, start + length);
  }
}

import { compressionError } from './hpack-error.js';

/**
 * Prefix-coded integers (RFC 7541 §5.1): a value below 2^N - 1 fits in the N low bits of the
 * first octet; otherwise those bits are all 1s and the rest follows 7 bits at a time, least
 * significant group first, the high bit of each octet saying "more follows".
 */

/**
 * The largest integer we accept. Every integer in HPACK is an index, a length or a table size;
 * none can usefully exceed 2^31 - 1, and a bound is what keeps a hostile encoder from making us
 * loop or lose precision (§5.1 says decoders must guard against overflow).
 */
export const MAX_INTEGER = 0x7fffffff;

/**
 * Continuation octets needed for MAX_INTEGER: 31 bits / 7 = 5. More than that can only be
 * zero-padding, which we refuse rather than read forever.
 */
const MAX_CONTINUATION_OCTETS = 5;

/** Where reading stands in a block; one instance per decoder, so reads allocate nothing. */
export interface Cursor {
  pos: number;
}

/**
 * Read an integer with an N-bit prefix starting at `cursor.pos` (the first octet's high bits,
 * the representation's flags, are ignored) and advance the cursor past it. `end` is where the
 * block stops: running into it means the integer is truncated.
 */
export function decodeInteger(block: Buffer, cursor: Cursor, end: number, prefixBits: number): number {
  let pos = cursor.pos;
  if (pos >= end) compressionError('truncated integer (RFC 7541 §5.1)');
  const mask = (1 << prefixBits) - 1;
  let value = block[pos++]! & mask;
  if (value < mask) {
    cursor.pos = pos;
    return value;
  }
  // Multiply rather than shift: 127 << 28 does not fit an int32.
  let scale = 1;
  for (let n = 0; n < MAX_CONTINUATION_OCTETS; n++) {
    if (pos >= end) compressionError('truncated integer (RFC 7541 §5.1)');
    const octet = block[pos++]!;
    value += (octet & 0x7f) * scale;
    if (value > MAX_INTEGER) compressionError('integer exceeds 2^31-1 (RFC 7541 §5.1)');
    if ((octet & 0x80) === 0) {
      cursor.pos = pos;
      return value;
    }
    scale *= 128;
  }
  return compressionError('integer encoding is longer than any accepted value needs (RFC 7541 §5.1)');
}

/**
 * Write `value` with an N-bit prefix at `offset`, OR-ing `flags` (the representation's pattern)
 * into the first octet; returns the offset after it. The caller makes sure 6 octets are free
 * (1 + 5 continuation octets covers MAX_INTEGER).
 */
export function encodeInteger(value: number, prefixBits: number, flags: number, out: Buffer, offset: number): number {
  const mask = (1 << prefixBits) - 1;
  if (value < mask) {
    out[offset++] = flags | value;
    return offset;
  }
  out[offset++] = flags | mask;
  let rest = value - mask;
  while (rest >= 0x80) {
    out[offset++] = (rest & 0x7f) | 0x80;
    rest >>>= 7;
  }
  out[offset++] = rest;
  return offset;
}

/** Octets `encodeInteger` writes for `value` with an N-bit prefix. */
export function integerLength(value: number, prefixBits: number): number {
  const mask = (1 << prefixBits) - 1;
  if (value < mask) return 1;
  let n = 2;
  for (let rest = value - mask; rest >= 0x80; rest >>>= 7) n++;
  return n;
}

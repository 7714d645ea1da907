/**
 * The Internet checksum shared by the IPv4 header (RFC 791 §3.1, "Header Checksum") and TCP
 * (RFC 9293 §3.1, "Checksum"): the 16-bit one's complement of the one's complement sum of the data
 * taken as big-endian 16-bit words. Computed the RFC 1071 §4.1 way: add into a wide accumulator,
 * then fold the carries back in once at the end (deferred carries give the same result).
 */

/**
 * Add bytes[start, end) to `acc` as big-endian 16-bit words. An odd trailing byte is padded with a
 * zero byte on the right, as both RFCs specify; only the last chunk of a checksummed message may be
 * odd-length, or the word alignment of later chunks would be wrong.
 */
export function addWords(acc: number, bytes: Uint8Array, start = 0, end = bytes.length): number {
  let sum = acc;
  let i = start;
  for (; i + 1 < end; i += 2) sum += (bytes[i]! << 8) | bytes[i + 1]!;
  if (i < end) sum += bytes[i]! << 8;
  // A 65,535-byte packet adds at most ~2^31 here: far inside a double's exact-integer range, so
  // folding can wait until the end.
  return sum;
}

/** Fold the carries of an accumulated sum into 16 bits and take the one's complement. */
export function finishChecksum(acc: number): number {
  let sum = acc;
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return ~sum & 0xffff;
}

/** The Internet checksum of bytes[start, end). */
export function internetChecksum(bytes: Uint8Array, start = 0, end = bytes.length): number {
  return finishChecksum(addWords(0, bytes, start, end));
}

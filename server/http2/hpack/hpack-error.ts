/**
 * Why a header block could not be decoded.
 *
 * - 'compression': the block breaks RFC 7541 (bad index, bad Huffman padding, a misplaced or
 *   oversized table size update, a truncated representation...). The decoder's state can no
 *   longer be trusted, so HTTP/2 treats it as a connection error of type COMPRESSION_ERROR
 *   (RFC 9113 §4.3).
 * - 'header-list-too-large': the block was valid and fully processed, so the dynamic table is
 *   still in sync with the peer's encoder, but the decoded list exceeded our
 *   SETTINGS_MAX_HEADER_LIST_SIZE (RFC 9113 §6.5.2, §10.5.1): answer 431 or reset the stream,
 *   the connection can go on.
 */
export type HpackErrorKind = 'compression' | 'header-list-too-large';

export class HpackError extends Error {
  constructor(
    readonly kind: HpackErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'HpackError';
  }
}

/** Shorthand for the connection-fatal kind; returns never so callers can `throw` or not. */
export function compressionError(message: string): never {
  throw new HpackError('compression', message);
}

import { HttpParseError } from './parse-error.js';
import { FIELD_VALUE, HEX_VALUE, HTAB, SP, TCHAR } from './octets.js';

/** 2^53 - 1 has 14 hex digits; anything longer cannot be a size we would accept. */
const MAX_SIZE_DIGITS = 14;

/**
 * Parse a chunk-size line without its CRLF (RFC 9112 §7.1):
 *   chunk-size [ chunk-ext ], chunk-size = 1*HEXDIG,
 *   chunk-ext = *( BWS ";" BWS ext-name [ BWS "=" BWS ext-val ] ).
 * No leading whitespace, no "0x", no sign; extensions are validated and ignored (§7.1.1).
 * `lineOffset` is the offset of the line's first byte in the connection's input.
 */
export function parseChunkSize(line: Buffer, lineOffset: number): number {
  let i = 0;
  let size = 0;
  while (i < line.length && HEX_VALUE[line[i]!]! >= 0) {
    if (i === MAX_SIZE_DIGITS) {
      throw new HttpParseError(400, 'chunk-size-overflow', 'chunk size has too many digits (RFC 9112 §7.1)', lineOffset + i);
    }
    size = size * 16 + HEX_VALUE[line[i]!]!;
    i++;
  }
  if (i === 0) {
    throw new HttpParseError(400, 'invalid-chunk-size', 'chunk size must start with a hex digit (RFC 9112 §7.1)', lineOffset);
  }
  if (i < line.length) validateExtensions(line, i, lineOffset);
  return size;
}

function validateExtensions(line: Buffer, start: number, lineOffset: number): void {
  let i = start;
  const fail = (at: number): never => {
    throw new HttpParseError(400, 'invalid-chunk-extension', 'malformed chunk extension (RFC 9112 §7.1.1)', lineOffset + at);
  };
  const skipBws = () => {
    while (i < line.length && (line[i] === SP || line[i] === HTAB)) i++;
  };
  while (i < line.length) {
    skipBws();
    if (line[i] !== 0x3b /* ; */) fail(i);
    i++;
    skipBws();
    const nameStart = i;
    while (i < line.length && TCHAR[line[i]!] === 1) i++;
    if (i === nameStart) fail(i);
    skipBws();
    if (i < line.length && line[i] === 0x3d /* = */) {
      i++;
      skipBws();
      if (line[i] === 0x22 /* " */) {
        // quoted-string (RFC 9110 §5.6.4) with quoted-pair escapes
        i++;
        for (;;) {
          if (i >= line.length) fail(i);
          const c = line[i]!;
          if (c === 0x22) { i++; break; }
          if (c === 0x5c /* \ */) { i++; if (i >= line.length || FIELD_VALUE[line[i]!] !== 1) fail(i); i++; continue; }
          if (FIELD_VALUE[c] !== 1) fail(i);
          i++;
        }
      } else {
        const valueStart = i;
        while (i < line.length && TCHAR[line[i]!] === 1) i++;
        if (i === valueStart) fail(i);
      }
    }
    skipBws();
  }
}

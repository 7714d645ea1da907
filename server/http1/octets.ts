/**
 * Octet classes from RFC 9110 §5.6.2 (token), §5.5 (field values) and RFC 3986 (request-target),
 * as 256-entry lookup tables so validation is one array read per byte.
 */
function table(accept: (c: number) => boolean): Uint8Array {
  const t = new Uint8Array(256);
  for (let c = 0; c < 256; c++) t[c] = accept(c) ? 1 : 0;
  return t;
}

const TCHAR_PUNCT = "!#$%&'*+-.^_`|~";
const isAlnum = (c: number) => (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);

/** tchar (RFC 9110 §5.6.2): the characters of a method or a field name. */
export const TCHAR = table((c) => isAlnum(c) || TCHAR_PUNCT.includes(String.fromCharCode(c)));

/**
 * field-vchar / SP / HTAB / obs-text (RFC 9110 §5.5): what a field value may contain. NUL, CR,
 * LF and the other controls are excluded; a recipient MUST reject or replace them, we reject.
 */
export const FIELD_VALUE = table((c) => c === 0x09 || (c >= 0x20 && c !== 0x7f));

/**
 * Octets allowed in a request-target: the visible ASCII of RFC 3986 (unreserved, reserved,
 * pct-encoded). Anything else (space, controls, DEL, non-ASCII) is invalid (RFC 9112 §3.2).
 */
export const TARGET = table((c) => c > 0x20 && c < 0x7f && c !== 0x22 && c !== 0x3c && c !== 0x3e && c !== 0x5c && c !== 0x5e && c !== 0x60 && c !== 0x7b && c !== 0x7c && c !== 0x7d);


export const HEX_VALUE = (() => {
  const t = new Int8Array(256).fill(-1);
  for (let d = 0; d < 10; d++) t[0x30 + d] = d;
  for (let d = 0; d < 6; d++) {
    t[0x41 + d] = 10 + d;
    t[0x61 + d] = 10 + d;
  }
  return t;
})();

export const CR = 0x0d;
export const LF = 0x0a;
export const SP = 0x20;
export const HTAB = 0x09;
export const COLON = 0x3a;

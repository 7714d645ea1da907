/**
 * Interned strings for the methods and field names nearly every request carries. Comparing a
 * few bytes is much cheaper than creating a string and lower-casing it, and the parser sees
 * these on every request. Anything not listed falls back to toString + toLowerCase.
 */
const COMMON_FIELDS = [
  'host', 'user-agent', 'accept', 'accept-encoding', 'accept-language', 'connection', 'content-length',
  'content-type', 'transfer-encoding', 'cookie', 'referer', 'origin', 'cache-control', 'upgrade',
  'expect', 'authorization', 'if-none-match', 'if-modified-since', 'te', 'pragma', 'content-encoding',
  'x-forwarded-for', 'sec-fetch-mode', 'sec-fetch-site', 'sec-fetch-dest', 'priority', 'range',
];

/** By length, the candidate names as byte arrays (already lower-case). */
const BY_LENGTH: Array<Array<{ name: string; bytes: Uint8Array }>> = [];
for (const name of COMMON_FIELDS) {
  (BY_LENGTH[name.length] ??= []).push({ name, bytes: Buffer.from(name, 'latin1') });
}

/**
 * The lower-cased field name in buf[start, end). Only tchar bytes reach here (validated), so
 * OR-ing 0x20 lower-cases letters and leaves the '-' (0x2d) of the candidates unchanged; a
 * non-letter byte that maps onto a candidate's byte under |0x20 is rejected by the exact check.
 */
export function fieldName(buf: Uint8Array, start: number, end: number): string {
  const candidates = BY_LENGTH[end - start];
  if (candidates !== undefined) {
    outer: for (const c of candidates) {
      const bytes = c.bytes;
      for (let k = 0; k < bytes.length; k++) {
        const b = buf[start + k]!;
        const expected = bytes[k]!;
        if (b !== expected && !(b >= 0x41 && b <= 0x5a && (b | 0x20) === expected)) continue outer;
      }
      return c.name;
    }
  }
  return Buffer.prototype.toString.call(buf, 'latin1', start, end).toLowerCase();
}

const METHODS = ['GET', 'POST', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'CONNECT', 'TRACE'].map((name) => ({ name, bytes: Buffer.from(name, 'latin1') }));

/** The method token in buf[start, end), interned when it is a standard one (methods are case-sensitive). */
export function methodName(buf: Uint8Array, start: number, end: number): string {
  const length = end - start;
  outer: for (const m of METHODS) {
    if (m.bytes.length !== length) continue;
    for (let k = 0; k < length; k++) if (buf[start + k] !== m.bytes[k]) continue outer;
    return m.name;
  }
  return Buffer.prototype.toString.call(buf, 'latin1', start, end);
}

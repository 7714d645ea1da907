/**
 * JSON text the way Go's `json.Marshal` writes it (reference §2 "Success JSON responses", §3):
 * strings escaped with Go's rules (HTML-safe `<`, `>`, `&` as \u003c.., U+2028/9, control
 * characters; `\b`/`\f` short forms as Go >= 1.22 writes them), float32 numbers in Go's shortest
 * float32 form (`0.2`, not JSON.stringify's 0.20000000298023224), map keys in byte order.
 */

const HEX = '0123456789abcdef';

/** A Go-marshalled JSON string literal. */
export function goJsonString(s: string): string {
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let esc: string | null = null;
    if (c < 0x20 || c === 0x22 || c === 0x5c || c === 0x3c || c === 0x3e || c === 0x26) {
      switch (c) {
        case 0x22: esc = '\\"'; break;
        case 0x5c: esc = '\\\\'; break;
        case 0x08: esc = '\\b'; break;
        case 0x0c: esc = '\\f'; break;
        case 0x0a: esc = '\\n'; break;
        case 0x0d: esc = '\\r'; break;
        case 0x09: esc = '\\t'; break;
        default: esc = `\\u00${HEX[c >> 4]}${HEX[c & 0xf]}`;
      }
    } else if (c === 0x2028 || c === 0x2029) {
      esc = `\\u202${HEX[c & 0xf]}`;
    } else if (c >= 0xd800 && c < 0xe000) {
      // A lone surrogate cannot come from Go's decoder; Go would write invalid UTF-8 as \ufffd.
      const pair = c < 0xdc00 && i + 1 < s.length && s.charCodeAt(i + 1) >= 0xdc00 && s.charCodeAt(i + 1) < 0xe000;
      if (pair) {
        i++;
        continue;
      }
      esc = '\\ufffd';
    }
    if (esc !== null) {
      out += s.slice(start, i) + esc;
      start = i + 1;
    }
  }
  return out + s.slice(start) + '"';
}

/** Shortest decimal digits (and exponent) that read back as `value` at the given precision. */
function shortestDigits(value: number, bits: 32 | 64): { digits: string; exp: number } {
  // value is finite, non-zero, positive.
  let s: string;
  if (bits === 64) {
    s = value.toExponential();
  } else {
    s = value.toExponential(8);
    for (let p = 1; p <= 9; p++) {
      const candidate = value.toExponential(p - 1);
      if (Math.fround(Number(candidate)) === value) {
        s = candidate;
        break;
      }
    }
  }
  const [mant, e] = s.split('e') as [string, string];
  return { digits: mant.replace('.', ''), exp: Number(e) };
}

/** Go's strconv %f with precision -1 (shortest digits, no exponent). */
function formatF(digits: string, exp: number): string {
  const dp = exp + 1; // digits before the decimal point
  if (dp <= 0) return `0.${'0'.repeat(-dp)}${digits}`;
  if (dp >= digits.length) return digits + '0'.repeat(dp - digits.length);
  return `${digits.slice(0, dp)}.${digits.slice(dp)}`;
}

/** Go's strconv %e with precision -1: d[.ddd]e±XX (at least two exponent digits). */
function formatE(digits: string, exp: number): string {
  const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  const sign = exp < 0 ? '-' : '+';
  return `${mant}e${sign}${String(Math.abs(exp)).padStart(2, '0')}`;
}

/**
 * A float as Go's encoding/json writes it (floatEncoder): 'f' form, or 'e' form below 1e-6 and
 * from 1e21 (with `e-07` cleaned to `e-7`). `bits` 32 for float32 fields such as `toxicity`.
 */
export function goJsonFloat(value: number, bits: 32 | 64): string {
  const f = bits === 32 ? Math.fround(value) : value;
  if (!Number.isFinite(f)) throw new Error(`json: unsupported value: ${f}`);
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  const neg = f < 0;
  const abs = Math.abs(f);
  const { digits, exp } = shortestDigits(abs, bits);
  let out: string;
  if (abs < 1e-6 || abs >= 1e21) {
    out = formatE(digits, exp).replace(/e-0(\d)$/, 'e-$1');
  } else {
    out = formatF(digits, exp);
  }
  return neg ? `-${out}` : out;
}

/** Go's strconv.FormatFloat(f, 'g', -1, 64), as the Prometheus text format writes sample values. */
export function goFormatG(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  const neg = value < 0;
  const { digits, exp } = shortestDigits(Math.abs(value), 64);
  // %e when the exponent is < -4 or >= the precision (6 for the shortest form).
  const out = exp < -4 || exp >= 6 ? formatE(digits, exp) : formatF(digits, exp);
  return neg ? `-${out}` : out;
}

/** An int64/int field, decoded exactly as a bigint (go-json-decode.ts). */
export function goJsonInt(value: bigint): string {
  return value.toString();
}

/** Go sorts map keys by their UTF-8 bytes (JS's default sort compares UTF-16 units). */
export function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/**
 * The Range request header for the `bytes` unit (RFC 9110 §14.1, §14.2): parse, resolve against
 * a representation's length, coalesce, cap. Pure string and number work: no I/O, never throws,
 * and every value a peer can send has a defined outcome.
 */

/** An inclusive byte range of a representation, as Content-Range spells it (RFC 9110 §14.4). */
export interface ByteRange {
  readonly start: number;
  /** Inclusive. */
  readonly end: number;
}

/** One range-spec as received, before it is resolved against a length (RFC 9110 §14.1.1). */
export type RangeSpec =
  | { readonly kind: 'int'; readonly first: number; readonly last: number | undefined }
  | { readonly kind: 'suffix'; readonly length: number };

/**
 * What to do with a request's Range field.
 * - `none`: there was no Range field.
 * - `ignored`: answer 200 with the whole representation, as if there were none. RFC 9110 §14.2:
 *   an unknown range unit MUST be ignored, an invalid ranges-specifier MAY be; we also ignore a set
 *   that is still more than `maxRanges` ranges after coalescing (§14.2 lets a server ignore "many
 *   small ranges"): a 200 never sends more than the representation, so it cannot amplify.
 * - `unsatisfiable`: 416 with `Content-Range: bytes *\/length` (§14.1.1, §15.5.17).
 * - `ranges`: 206, one part or multipart/byteranges; the ranges are coalesced and in the order
 *   of their first range-spec in the request (§14.6).
 */
export type RangePlan =
  | { readonly kind: 'none' }
  | { readonly kind: 'ignored'; readonly reason: string }
  | { readonly kind: 'unsatisfiable' }
  | { readonly kind: 'ranges'; readonly ranges: readonly ByteRange[] };

export interface RangeOptions {
  /** Most ranges served after coalescing; past it the Range field is ignored (200). Default 16. */
  maxRanges?: number;
  /**
   * Ranges separated by fewer than this many octets are served as one: a multipart part costs
   * about this much in boundary and fields, so sending the gap is cheaper (RFC 9110 §14.2).
   * Default 80.
   */
  coalesceGap?: number;
}

export const DEFAULT_MAX_RANGES = 16;
export const DEFAULT_COALESCE_GAP = 80;

/** Digits past this many are above 2^53 and saturate (an offset that large is beyond any length). */
const MAX_SAFE_DIGITS = 15;

/** tchar (RFC 9110 §5.6.2): what a range unit is made of. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * Parse a Range field value as `range-unit "=" range-set` (RFC 9110 §14.1.2), for the bytes unit.
 * Returns the specs in request order, or a reason why the field is to be ignored: another unit
 * (§14.1: units are case-insensitive), a syntax error, or an int-range whose last-pos is below
 * its first-pos, which makes the whole ranges-specifier invalid (§14.1.1).
 */
export function parseRangeHeader(value: string): { specs: RangeSpec[] } | { ignored: string } {
  if (typeof value !== 'string') return { ignored: 'not a string' };
  const eq = value.indexOf('=');
  if (eq < 0) return { ignored: 'no "=" after the range unit' };
  // Leading and trailing OWS belong to the field, not the value (RFC 9110 §5.5).
  const unit = value.slice(0, eq).replace(/^[ \t]+/, '');
  if (!TOKEN.test(unit)) return { ignored: 'the range unit is not a token' };
  if (unit.toLowerCase() !== 'bytes') return { ignored: `unknown range unit "${unit}" (RFC 9110 §14.2: MUST ignore)` };

  const specs: RangeSpec[] = [];
  const set = value.slice(eq + 1);
  let pos = 0;
  const n = set.length;
  // range-set = 1#range-spec: a comma list, where empty elements are legal and skipped (§5.6.1).
  while (pos <= n) {
    let comma = set.indexOf(',', pos);
    if (comma < 0) comma = n;
    let start = pos;
    let end = comma;
    pos = comma + 1;
    while (start < end && isOws(set.charCodeAt(start))) start++;
    while (end > start && isOws(set.charCodeAt(end - 1))) end--;
    if (start === end) continue;
    const spec = parseSpec(set, start, end);
    if (typeof spec === 'string') return { ignored: spec };
    specs.push(spec);
  }
  if (specs.length === 0) return { ignored: 'an empty range-set' };
  return { specs };
}

/** One `int-range` or `suffix-range` in s[start, end); a string says why it is invalid. */
function parseSpec(s: string, start: number, end: number): RangeSpec | string {
  const dash = s.indexOf('-', start);
  if (dash < 0 || dash >= end) return 'a range-spec without "-"';
  if (dash === start) {
    const length = digits(s, start + 1, end);
    return length < 0 ? 'a suffix-range that is not "-" 1*DIGIT' : { kind: 'suffix', length };
  }
  const first = digits(s, start, dash);
  if (first < 0) return 'a first-pos that is not 1*DIGIT';
  if (dash + 1 === end) return { kind: 'int', first, last: undefined };
  const last = digits(s, dash + 1, end);
  if (last < 0) return 'a last-pos that is not 1*DIGIT';
  // RFC 9110 §14.1.1: "An int-range is invalid if the last-pos value is present and less than the first-pos."
  if (last < first) return 'an int-range whose last-pos is below its first-pos (RFC 9110 §14.1.1)';
  return { kind: 'int', first, last };
}

/** 1*DIGIT in s[start, end) as a number (saturating at MAX_SAFE_INTEGER), or -1. */
function digits(s: string, start: number, end: number): number {
  if (start >= end) return -1;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return -1;
  }
  // Leading zeros do not count towards the size of the number.
  let i = start;
  while (i < end - 1 && s.charCodeAt(i) === 0x30) i++;
  if (end - i > MAX_SAFE_DIGITS) return Number.MAX_SAFE_INTEGER;
  return Number(s.slice(i, end));
}

function isOws(code: number): boolean {
  return code === 0x20 || code === 0x09;
}

/**
 * The satisfiable ranges of `specs` for a representation of `size` octets, in request order
 * (RFC 9110 §14.1.1): an int-range is satisfiable when first-pos < size, and is cut at the last
 * octet; a suffix-range when its length is above 0, the whole representation if it is shorter.
 * A representation of 0 octets has no satisfiable range.
 */
export function resolveRanges(specs: readonly RangeSpec[], size: number): ByteRange[] {
  const out: ByteRange[] = [];
  if (size <= 0) return out;
  for (const spec of specs) {
    if (spec.kind === 'int') {
      if (spec.first >= size) continue;
      out.push({ start: spec.first, end: Math.min(spec.last ?? size - 1, size - 1) });
    } else {
      if (spec.length === 0) continue;
      out.push({ start: Math.max(0, size - spec.length), end: size - 1 });
    }
  }
  return out;
}

/**
 * Merge ranges that overlap, touch, or are separated by fewer than `gap` octets (RFC 9110 §14.2
 * allows it "regardless of the order in which the corresponding range-spec appeared"). The result
 * covers every requested octet, no octet twice, and is ordered by the first range-spec each merged
 * range came from, so non-overlapping ranges keep the request's order (§14.6). O(n log n).
 */
export function coalesceRanges(ranges: readonly ByteRange[], gap = DEFAULT_COALESCE_GAP): ByteRange[] {
  if (ranges.length <= 1) return ranges.map((r) => ({ start: r.start, end: r.end }));
  const order = ranges.map((r, index) => ({ start: r.start, end: r.end, index }));
  order.sort((a, b) => a.start - b.start || a.end - b.end);
  const merged: Array<{ start: number; end: number; index: number }> = [];
  // Overlapping (gap < 0) and touching (gap 0) ranges always merge, whatever `gap` says.
  const limit = Math.max(gap, 1);
  let cur = { ...order[0]! };
  for (let i = 1; i < order.length; i++) {
    const next = order[i]!;
    if (next.start - (cur.end + 1) < limit) {
      if (next.end > cur.end) cur.end = next.end;
      if (next.index < cur.index) cur.index = next.index;
    } else {
      merged.push(cur);
      cur = { ...next };
    }
  }
  merged.push(cur);
  merged.sort((a, b) => a.index - b.index);
  return merged.map(({ start, end }) => ({ start, end }));
}

/** The whole decision for a GET with a Range field, for a representation of `size` octets. */
export function planRanges(value: string | undefined, size: number, options: RangeOptions = {}): RangePlan {
  if (value === undefined) return { kind: 'none' };
  const maxRanges = options.maxRanges ?? DEFAULT_MAX_RANGES;
  const gap = options.coalesceGap ?? DEFAULT_COALESCE_GAP;
  const parsed = parseRangeHeader(value);
  if ('ignored' in parsed) return { kind: 'ignored', reason: parsed.ignored };
  const satisfiable = resolveRanges(parsed.specs, size);
  if (satisfiable.length === 0) return { kind: 'unsatisfiable' };
  const ranges = coalesceRanges(satisfiable, gap);
  if (ranges.length > maxRanges) {
    return { kind: 'ignored', reason: `${ranges.length} ranges after coalescing, more than maxRanges ${maxRanges} (RFC 9110 §14.2)` };
  }
  return { kind: 'ranges', ranges };
}

/** Check RangeOptions once, where they are given (serveStatic, sendRanged). */
export function checkRangeOptions(options: RangeOptions, where: string): void {
  const { maxRanges, coalesceGap } = options;
  if (maxRanges !== undefined && (!Number.isInteger(maxRanges) || maxRanges < 1 || maxRanges > 1000)) {
    throw new TypeError(`${where}: maxRanges must be an integer from 1 to 1000, got ${String(maxRanges)}`);
  }
  if (coalesceGap !== undefined && (!Number.isInteger(coalesceGap) || coalesceGap < 0 || coalesceGap > 1 << 20)) {
    throw new TypeError(`${where}: coalesceGap must be an integer from 0 to 1048576, got ${String(coalesceGap)}`);
  }
}

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { coalesceRanges, parseRangeHeader, planRanges, resolveRanges, type ByteRange, type RangeSpec } from './ranges.js';

describe('parseRangeHeader (RFC 9110 §14.1.2)', () => {
  it.each<[string, RangeSpec[]]>([
    ['bytes=0-499', [{ kind: 'int', first: 0, last: 499 }]],
    ['bytes=500-999', [{ kind: 'int', first: 500, last: 999 }]],
    ['bytes=-500', [{ kind: 'suffix', length: 500 }]],
    ['bytes=9500-', [{ kind: 'int', first: 9500, last: undefined }]],
    ['bytes=0-0,-1', [{ kind: 'int', first: 0, last: 0 }, { kind: 'suffix', length: 1 }]],
    ['bytes= 0-1 ,\t5-6', [{ kind: 'int', first: 0, last: 1 }, { kind: 'int', first: 5, last: 6 }]],
    // Empty list elements are legal (§5.6.1).
    ['bytes=,0-1,,', [{ kind: 'int', first: 0, last: 1 }]],
    // Range units are case-insensitive (§14.1).
    ['BYTES=1-2', [{ kind: 'int', first: 1, last: 2 }]],
    ['Bytes=0001-0002', [{ kind: 'int', first: 1, last: 2 }]],
    // Beyond 2^53: saturates, so it is simply past any length.
    ['bytes=99999999999999999999-', [{ kind: 'int', first: Number.MAX_SAFE_INTEGER, last: undefined }]],
    ['bytes=0-99999999999999999999', [{ kind: 'int', first: 0, last: Number.MAX_SAFE_INTEGER }]],
  ])('%j', (value, specs) => {
    expect(parseRangeHeader(value)).toEqual({ specs });
  });

  it.each([
    ['items=0-1', /unknown range unit/],
    ['bytes', /no "="/],
    ['bytes 0-1', /no "="/],
    ['bytes =0-1', /not a token/],
    ['=0-1', /not a token/],
    ['bytes=', /empty range-set/],
    ['bytes=,', /empty range-set/],
    ['bytes=1', /without "-"/],
    ['bytes=a-b', /first-pos/],
    ['bytes=1-b', /last-pos/],
    ['bytes=--1', /suffix-range/],
    ['bytes=-', /suffix-range/],
    ['bytes=5-4', /last-pos is below its first-pos/],
    ['bytes=0-1,5-4', /last-pos is below its first-pos/],
    ['bytes=0 - 1', /first-pos/],
    ['bytes=+1-2', /first-pos/],
    ['bytes=0x10-20', /first-pos/],
    ['bytes=1-2-3', /last-pos/],
  ])('%j is ignored (%s)', (value, why) => {
    const out = parseRangeHeader(value);
    expect(out).toHaveProperty('ignored');
    expect((out as { ignored: string }).ignored).toMatch(why);
  });
});

describe('planRanges: satisfiable, unsatisfiable, ignored (RFC 9110 §14.1.1, §14.2)', () => {
  const r = (start: number, end: number): ByteRange => ({ start, end });
  it.each<[string | undefined, number, ReturnType<typeof planRanges>]>([
    [undefined, 10_000, { kind: 'none' }],
    ['bytes=0-499', 10_000, { kind: 'ranges', ranges: [r(0, 499)] }],
    ['bytes=-500', 10_000, { kind: 'ranges', ranges: [r(9500, 9999)] }],
    ['bytes=9500-', 10_000, { kind: 'ranges', ranges: [r(9500, 9999)] }],
    // A last-pos past the end is cut at the last octet; a suffix longer than the whole is the whole.
    ['bytes=0-99999', 10_000, { kind: 'ranges', ranges: [r(0, 9999)] }],
    ['bytes=-20000', 10_000, { kind: 'ranges', ranges: [r(0, 9999)] }],
    ['bytes=9999-9999', 10_000, { kind: 'ranges', ranges: [r(9999, 9999)] }],
    // Unsatisfiable: first-pos at or past the length, a suffix of 0, anything on an empty representation.
    ['bytes=10000-', 10_000, { kind: 'unsatisfiable' }],
    ['bytes=10000-20000', 10_000, { kind: 'unsatisfiable' }],
    ['bytes=-0', 10_000, { kind: 'unsatisfiable' }],
    ['bytes=0-', 0, { kind: 'unsatisfiable' }],
    ['bytes=-5', 0, { kind: 'unsatisfiable' }],
    // One satisfiable range-spec makes the set satisfiable; the others are dropped.
    ['bytes=20000-30000,0-1', 10_000, { kind: 'ranges', ranges: [r(0, 1)] }],
    // Overlapping, adjacent and near ranges are coalesced; order is the request's.
    ['bytes=0-1,5-6', 10_000, { kind: 'ranges', ranges: [r(0, 6)] }],
    ['bytes=0-99,100-199', 10_000, { kind: 'ranges', ranges: [r(0, 199)] }],
    ['bytes=0-99,50-149,-100', 10_000, { kind: 'ranges', ranges: [r(0, 149), r(9900, 9999)] }],
    ['bytes=9000-9099,0-99', 10_000, { kind: 'ranges', ranges: [r(9000, 9099), r(0, 99)] }],
    ['bytes=0-9,90-99', 10_000, { kind: 'ranges', ranges: [r(0, 9), r(90, 99)] }],
    ['bytes=0-9,89-99', 10_000, { kind: 'ranges', ranges: [r(0, 99)] }],
  ])('%j of %d octets', (value, size, plan) => {
    expect(planRanges(value, size)).toEqual(plan);
  });

  it('ignores a syntactically invalid field and an unknown unit (200 in full)', () => {
    expect(planRanges('bytes=5-4', 100).kind).toBe('ignored');
    expect(planRanges('pages=1-2', 100).kind).toBe('ignored');
    expect(planRanges('', 100).kind).toBe('ignored');
  });

  it('ignores a set that is still more than maxRanges ranges after coalescing', () => {
    const spread = Array.from({ length: 17 }, (_, i) => `${i * 1000}-${i * 1000}`).join(',');
    expect(planRanges(`bytes=${spread}`, 100_000).kind).toBe('ignored');
    expect(planRanges(`bytes=${spread}`, 100_000, { maxRanges: 17 }).kind).toBe('ranges');
    // Thousands of overlapping ranges are one range once coalesced: well under the cap.
    const overlapping = Array.from({ length: 3000 }, (_, i) => `${i % 50}-${(i % 50) + 10}`).join(',');
    expect(planRanges(`bytes=${overlapping}`, 100_000)).toEqual({ kind: 'ranges', ranges: [r(0, 59)] });
  });

  it('coalesceGap 0 merges only overlapping and adjacent ranges', () => {
    expect(planRanges('bytes=0-1,2-3,5-6', 100, { coalesceGap: 0 })).toEqual({ kind: 'ranges', ranges: [r(0, 3), r(5, 6)] });
  });
});

/** Octet mask of a set of ranges over [0, size). */
function mask(ranges: readonly ByteRange[], size: number): Uint8Array {
  const m = new Uint8Array(size);
  for (const { start, end } of ranges) m.fill(1, start, end + 1);
  return m;
}

describe('coalesceRanges: properties (fast-check)', () => {
  const specArb = (size: number) =>
    fc.oneof(
      fc.record({ kind: fc.constant('int' as const), first: fc.nat(size + 5), len: fc.option(fc.nat(size), { nil: undefined }) }).map(
        ({ first, len }): RangeSpec => ({ kind: 'int', first, last: len === undefined ? undefined : first + len }),
      ),
      fc.nat(size + 5).map((length): RangeSpec => ({ kind: 'suffix', length })),
    );
  const caseArb = fc
    .integer({ min: 1, max: 4000 })
    .chain((size) => fc.record({ size: fc.constant(size), specs: fc.array(specArb(size), { minLength: 1, maxLength: 40 }), gap: fc.integer({ min: 0, max: 200 }) }));

  it('with no gap allowance, the coalesced set covers exactly the union of the requested octets', () => {
    fc.assert(
      fc.property(caseArb, ({ size, specs }) => {
        const requested = resolveRanges(specs, size);
        const merged = coalesceRanges(requested, 0);
        if (Buffer.compare(mask(merged, size), mask(requested, size)) !== 0) return false;
        // Disjoint and not even adjacent: otherwise they would have been merged.
        const sorted = [...merged].sort((a, b) => a.start - b.start);
        return sorted.every((m, i) => i === 0 || m.start > sorted[i - 1]!.end + 1);
      }),
      { numRuns: 500 },
    );
  });

  it('with a gap allowance, every requested octet is covered, each range starts and ends on a requested octet, and only holes shorter than the gap are filled', () => {
    fc.assert(
      fc.property(caseArb, ({ size, specs, gap }) => {
        const requested = resolveRanges(specs, size);
        const merged = coalesceRanges(requested, gap);
        const want = mask(requested, size);
        const got = mask(merged, size);
        const limit = Math.max(gap, 1);
        let total = 0;
        for (const { start, end } of merged) {
          if (want[start] !== 1 || want[end] !== 1) return false;
          total += end - start + 1;
          // Inside a merged range, every run of unrequested octets is shorter than the gap.
          let hole = 0;
          for (let i = start; i <= end; i++) {
            hole = want[i] === 1 ? 0 : hole + 1;
            if (hole >= limit) return false;
          }
        }
        for (let i = 0; i < size; i++) if (want[i] === 1 && got[i] !== 1) return false;
        // No octet twice: the ranges never overlap, so the body is at most the representation.
        if (total > size) return false;
        const sorted = [...merged].sort((a, b) => a.start - b.start);
        return sorted.every((m, i) => i === 0 || m.start - sorted[i - 1]!.end - 1 >= limit);
      }),
      { numRuns: 500 },
    );
  });

  it('keeps the request order of the first range-spec each merged range came from (RFC 9110 §14.6)', () => {
    fc.assert(
      fc.property(caseArb, ({ size, specs, gap }) => {
        const requested = resolveRanges(specs, size);
        const merged = coalesceRanges(requested, gap);
        const firstIndex = merged.map((m) => requested.findIndex((q) => q.start >= m.start && q.end <= m.end));
        return firstIndex.every((x, i) => x >= 0 && (i === 0 || x > firstIndex[i - 1]!));
      }),
      { numRuns: 300 },
    );
  });
});

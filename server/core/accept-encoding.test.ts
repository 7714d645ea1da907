import { describe, expect, it } from 'vitest';
import {
  CODINGS,
  MAX_ACCEPT_ENCODING_MEMBERS,
  negotiateEncoding,
  parseQvalue,
  type Coding,
} from './accept-encoding.js';

type Expected = Coding | 'identity' | null;

// [Accept-Encoding value, server preference, expected choice, why]
const ALL = CODINGS;
const TABLE: ReadonlyArray<readonly [string | undefined, readonly Coding[], Expected, string]> = [
  [undefined, ALL, 'identity', 'absent header: only compress when asked'],
  ['', ALL, 'identity', 'empty value: no coding wanted (§12.5.3)'],
  ['  \t ', ALL, 'identity', 'whitespace-only value is empty'],
  [', ,', ALL, 'identity', 'only empty list elements'],
  ['gzip', ALL, 'gzip', 'single coding'],
  ['gzip, deflate, br', ALL, 'br', 'equal weights: server preference decides'],
  ['gzip, deflate, br', ['gzip', 'br'], 'gzip', 'server preference order is the tie-breaker'],
  ['br;q=1, gzip;q=1', ['gzip', 'br'], 'gzip', 'tie with explicit q=1'],
  ['gzip;q=0.1, br;q=0.100', ALL, 'br', '0.1 and 0.100 are the same weight'],
  ['GZIP', ALL, 'gzip', 'coding names are case-insensitive'],
  ['Br', ['gzip', 'br'], 'br', 'mixed-case br'],
  ['x-gzip', ALL, 'gzip', 'x-gzip is an alias of gzip (§8.4.1.3)'],
  ['X-GZIP;q=0.5, deflate;q=0.4', ALL, 'gzip', 'alias keeps its weight'],
  ['gzip;q=0.5, br;q=0.8', ALL, 'br', 'highest q wins'],
  ['br;q=0.5, gzip;q=0.8', ALL, 'gzip', 'highest q wins over server preference'],
  ['deflate;q=0.001', ALL, 'deflate', 'any positive weight beats implicit identity'],
  ['*', ALL, 'br', '* accepts every coding'],
  ['*', ['deflate'], 'deflate', '* with a restricted server list'],
  ['*;q=0.5, gzip;q=0.4', ALL, 'br', 'br gets the * weight, above the explicit gzip'],
  ['gzip;q=0.4, *;q=0.5', ['gzip'], 'identity', 'identity takes the * weight when not listed'],
  ['identity;q=0', ALL, null, 'identity refused and nothing else offered'],
  ['gzip, identity;q=0', ['br'], null, 'identity refused, gzip not supported'],
  ['gzip, identity;q=0', ALL, 'gzip', 'identity refused, gzip available'],
  ['*;q=0', ALL, null, '*;q=0 refuses identity too'],
  ['*;q=0, identity', ALL, 'identity', 'explicit identity overrides *;q=0'],
  ['*;q=0, gzip', ALL, 'gzip', 'explicit coding overrides *;q=0'],
  ['*;q=0, identity;q=0.5, gzip;q=0.6', ALL, 'gzip', 'weights compared across identity and codings'],
  ['identity;q=0.5, gzip;q=0.4', ALL, 'identity', 'client prefers identity'],
  ['identity, gzip', ALL, 'gzip', 'identity loses ties to real codings'],
  ['identity', ['gzip'], 'identity', 'only identity accepted'],
  ['gzip;q=0', ALL, 'identity', 'refused coding falls back to identity'],
  ['br;q=0, gzip;q=0, deflate;q=0', ALL, 'identity', 'all codings refused, identity still fine'],
  ['zstd;q=1, *;q=0', ALL, null, 'unknown coding only, everything else refused'],
  ['compress, zstd', ALL, 'identity', 'unknown codings only'],
  ['gzip, br', [], 'identity', 'server supports no coding'],
  ['gzip;q=1.0', ALL, 'gzip', 'q=1.0 valid'],
  ['gzip;q=1.', ALL, 'gzip', 'q=1. valid (0*3DIGIT may be empty)'],
  ['gzip;q=0., br;q=0.', ALL, 'identity', 'q=0. is a valid zero'],
  ['gzip;q=1.000, br;q=0.999', ALL, 'gzip', 'three decimals allowed'],
  ['gzip;q=1.001', ALL, 'identity', 'above 1: member ignored'],
  ['gzip;q=0.1234, deflate', ALL, 'deflate', 'four decimals: gzip member ignored'],
  ['gzip;q=2', ALL, 'identity', 'q=2 invalid'],
  ['gzip;q=', ALL, 'identity', 'empty q invalid'],
  ['gzip;q=.5', ALL, 'identity', 'leading dot invalid'],
  ['gzip;q=-0', ALL, 'identity', 'sign invalid'],
  ['gzip;q=0.5x', ALL, 'identity', 'trailing junk invalid'],
  ['br;q=0.5;q=1, gzip;q=0.1', ALL, 'gzip', 'two weights: member ignored'],
  ['gzip;Q=0.5', ALL, 'gzip', '"q=" is case-insensitive (ABNF literal)'],
  ['gzip ; q=0.5, deflate;q=0.4', ALL, 'gzip', 'OWS around the semicolon'],
  ['gzip;q = 0.5', ALL, 'identity', 'no whitespace allowed around "="'],
  ['\tgzip\t,\tbr;q=0.5 ', ALL, 'gzip', 'tabs and spaces around members'],
  [',,gzip,,', ALL, 'gzip', 'empty list elements skipped (§5.6.1)'],
  ['gzip;level=9', ALL, 'identity', 'unknown parameter: member ignored'],
  ['gzip;', ALL, 'identity', 'dangling semicolon: member ignored'],
  ['gzip deflate', ALL, 'identity', 'missing comma: member ignored'],
  ['gzip;q=0, x-gzip', ALL, 'identity', 'duplicate: the refusal wins'],
  ['x-gzip;q=0, gzip', ALL, 'identity', 'duplicate via alias: the refusal wins'],
  ['gzip, gzip;q=0.2, deflate;q=0.5', ALL, 'deflate', 'duplicate: lowest weight counts'],
  ['*;q=0.3, *;q=0, gzip;q=0.1', ALL, 'gzip', 'duplicate *: lowest weight counts'],
];

describe('negotiateEncoding', () => {
  it.each(TABLE)('%j with server list %j gives %j (%s)', (header, supported, expected) => {
    expect(negotiateEncoding(header, supported)).toBe(expected);
  });

  it('has a table of at least 25 cases', () => {
    expect(TABLE.length).toBeGreaterThanOrEqual(25);
  });

  it('ignores members beyond the cap', () => {
    const junk = Array.from({ length: MAX_ACCEPT_ENCODING_MEMBERS - 1 }, (_, i) => `x-junk-${i}`);
    // Member number 64 is still looked at ...
    expect(negotiateEncoding([...junk, 'gzip'].join(', '), ALL)).toBe('gzip');
    // ... number 65 is not, so a late refusal of identity or a late coding has no effect.
    expect(negotiateEncoding([...junk, 'x-one-more', 'gzip'].join(', '), ALL)).toBe('identity');
    expect(negotiateEncoding([...junk, 'x-one-more', 'identity;q=0'].join(', '), ALL)).toBe('identity');
  });

  it('counts invalid members, but not empty elements, against the cap', () => {
    // Empty elements are not members; invalid ones are.
    const empties = ','.repeat(10_000);
    expect(negotiateEncoding(`${empties}gzip`, ALL)).toBe('gzip');
    const invalid = Array.from({ length: MAX_ACCEPT_ENCODING_MEMBERS }, () => 'gzip;q=9').join(',');
    expect(negotiateEncoding(`${invalid},br`, ALL)).toBe('identity');
  });

  it('handles a very large header without trouble', () => {
    const huge = `${'a'.repeat(1_000_000)}, br`;
    expect(negotiateEncoding(huge, ALL)).toBe('br');
    const many = `${'gzip;q=0.5,'.repeat(100_000)}br`;
    expect(negotiateEncoding(many, ALL)).toBe('gzip');
  });

  it('never throws, whatever it is given', () => {
    // Deterministic pseudo-random strings from an LCG over a hostile alphabet.
    const alphabet = ['gzip', 'br', 'deflate', 'identity', '*', 'x-gzip', ';', ',', '=', 'q', 'Q', '0', '1', '.', ' ', '\t', '"', '\u00e9', '\u0000', '9'];
    let state = 12345;
    const next = (): number => {
      state = (state * 1103515245 + 12345) % 2147483648;
      return state;
    };
    const allowed = new Set<Expected>(['br', 'gzip', 'deflate', 'identity', null]);
    for (let i = 0; i < 2000; i++) {
      let s = '';
      const len = next() % 24;
      for (let j = 0; j < len; j++) s += alphabet[next() % alphabet.length];
      const result = negotiateEncoding(s, ALL);
      expect(allowed.has(result)).toBe(true);
    }
    // Untyped callers.
    expect(negotiateEncoding(null as unknown as string, ALL)).toBe('identity');
    expect(negotiateEncoding(42 as unknown as string, ALL)).toBe('identity');
    expect(negotiateEncoding('gzip', null as unknown as Coding[])).toBe('identity');
    expect(negotiateEncoding('*', ['zstd', 'identity', 'gzip'] as unknown as Coding[])).toBe('gzip');
  });
});

describe('parseQvalue', () => {
  it.each([
    ['0', 0],
    ['1', 1000],
    ['0.', 0],
    ['0.5', 500],
    ['0.05', 50],
    ['0.005', 5],
    ['0.999', 999],
    ['1.0', 1000],
    ['1.00', 1000],
    ['1.000', 1000],
  ])('%j is %d thousandths', (s, value) => {
    expect(parseQvalue(s)).toBe(value);
  });

  it.each(['', '2', '01', '0.0000', '1.001', '1.1', '.5', '0,5', '0.a', ' 0.5', '-1', '1.0000'])(
    '%j is invalid',
    (s) => {
      expect(parseQvalue(s)).toBe(-1);
    },
  );
});

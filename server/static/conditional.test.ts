import { describe, expect, it } from 'vitest';
import { evaluatePreconditions, type Precondition, type Validators } from './conditional.js';
import { parseEntityTag, parseEntityTagList, strongMatch, weakMatch } from './entity-tag.js';
import { formatHttpDate, parseHttpDate } from './parse-http-date.js';

const T = Date.UTC(2024, 0, 15, 12, 0, 0); // Last-Modified
const NOW = T + 3_600_000;
const at = (ms: number) => formatHttpDate(ms);
const BEFORE = at(T - 60_000);
const EXACT = at(T);
const AFTER = at(T + 60_000);
const CURRENT: Validators = { etag: '"v2"', lastModified: T };

const proceed = (useRange = false): Precondition => ({ kind: 'proceed', useRange });
const failed = (field: string): Precondition => ({ kind: 'precondition-failed', field });
const notModified = (field: string): Precondition => ({ kind: 'not-modified', field });

function evaluate(method: string, headers: Record<string, string>, current: Validators = CURRENT, now = NOW): Precondition {
  return evaluatePreconditions(method, (name) => headers[name], current, now);
}

/**
 * RFC 9110 §13.2.2, step by step. Each row: what is being shown, the method, the request's
 * conditional fields, and the outcome.
 */
const TABLE: Array<[string, string, Record<string, string>, Precondition]> = [
  // Step 1: If-Match, strong comparison (§13.1.1).
  ['1. If-Match with the current tag holds', 'GET', { 'if-match': '"v2"' }, proceed()],
  ['1. If-Match with another tag fails: 412', 'GET', { 'if-match': '"v1"' }, failed('if-match')],
  ['1. If-Match * holds when there is a representation', 'GET', { 'if-match': '*' }, proceed()],
  ['1. If-Match with the weak form of the tag fails (strong comparison)', 'GET', { 'if-match': 'W/"v2"' }, failed('if-match')],
  ['1. If-Match with a list holds when one member matches', 'GET', { 'if-match': '"v1", "v2"' }, proceed()],
  ['1. If-Match that is not an entity-tag list fails', 'GET', { 'if-match': 'v2' }, failed('if-match')],
  ['1. If-Match holds: If-Unmodified-Since is not looked at (step 3 next)', 'GET', { 'if-match': '"v2"', 'if-unmodified-since': BEFORE }, proceed()],
  ['1. If-Match fails before If-None-Match is looked at', 'GET', { 'if-match': '"v1"', 'if-none-match': '"v2"' }, failed('if-match')],
  // Step 2: If-Unmodified-Since, only without If-Match (§13.1.4).
  ['2. If-Unmodified-Since after Last-Modified holds', 'GET', { 'if-unmodified-since': AFTER }, proceed()],
  ['2. If-Unmodified-Since equal to Last-Modified holds', 'GET', { 'if-unmodified-since': EXACT }, proceed()],
  ['2. If-Unmodified-Since before Last-Modified fails: 412', 'GET', { 'if-unmodified-since': BEFORE }, failed('if-unmodified-since')],
  ['2. If-Unmodified-Since that is not a date is ignored', 'GET', { 'if-unmodified-since': 'yesterday' }, proceed()],
  ['2. If-Unmodified-Since with two dates is ignored', 'GET', { 'if-unmodified-since': `${BEFORE}, ${BEFORE}` }, proceed()],
  ['2. If-Unmodified-Since fails before If-None-Match is looked at', 'GET', { 'if-unmodified-since': BEFORE, 'if-none-match': '"v2"' }, failed('if-unmodified-since')],
  // Step 3: If-None-Match, weak comparison (§13.1.2).
  ['3. If-None-Match with the current tag: 304 for GET', 'GET', { 'if-none-match': '"v2"' }, notModified('if-none-match')],
  ['3. If-None-Match with the current tag: 304 for HEAD', 'HEAD', { 'if-none-match': '"v2"' }, notModified('if-none-match')],
  ['3. If-None-Match with the weak form matches too (weak comparison)', 'GET', { 'if-none-match': 'W/"v2"' }, notModified('if-none-match')],
  ['3. If-None-Match in a list', 'GET', { 'if-none-match': '"v0", W/"v2", "v3"' }, notModified('if-none-match')],
  ['3. If-None-Match * fails when there is a representation', 'GET', { 'if-none-match': '*' }, notModified('if-none-match')],
  ['3. If-None-Match with another tag holds', 'GET', { 'if-none-match': '"v1"' }, proceed()],
  ['3. If-None-Match that is not a list matches nothing', 'GET', { 'if-none-match': 'v2' }, proceed()],
  ['3. If-None-Match fails for another method: 412', 'POST', { 'if-none-match': '"v2"' }, failed('if-none-match')],
  ['3. If-None-Match * fails for PUT: 412', 'PUT', { 'if-none-match': '*' }, failed('if-none-match')],
  ['3. If-None-Match holds: If-Modified-Since is not looked at', 'GET', { 'if-none-match': '"v1"', 'if-modified-since': AFTER }, proceed()],
  ['3. If-Match holds, If-None-Match fails: 304', 'GET', { 'if-match': '"v2"', 'if-none-match': '"v2"' }, notModified('if-none-match')],
  // Step 4: If-Modified-Since, only GET and HEAD, only without If-None-Match (§13.1.3).
  ['4. If-Modified-Since equal to Last-Modified: 304', 'GET', { 'if-modified-since': EXACT }, notModified('if-modified-since')],
  ['4. If-Modified-Since after Last-Modified: 304', 'GET', { 'if-modified-since': AFTER }, notModified('if-modified-since')],
  ['4. If-Modified-Since before Last-Modified holds', 'GET', { 'if-modified-since': BEFORE }, proceed()],
  ['4. If-Modified-Since for HEAD: 304', 'HEAD', { 'if-modified-since': EXACT }, notModified('if-modified-since')],
  ['4. If-Modified-Since is ignored for POST', 'POST', { 'if-modified-since': EXACT }, proceed()],
  ['4. If-Modified-Since that is not a date is ignored', 'GET', { 'if-modified-since': 'Mon, 32 Jan 2024 00:00:00 GMT' }, proceed()],
  ['4. If-Modified-Since as rfc850-date', 'GET', { 'if-modified-since': 'Monday, 15-Jan-24 12:00:00 GMT' }, notModified('if-modified-since')],
  ['4. If-Modified-Since as asctime-date', 'GET', { 'if-modified-since': 'Mon Jan 15 12:00:00 2024' }, notModified('if-modified-since')],
  // Step 5: If-Range, only for GET with Range (§13.1.5, §14.2).
  ['5. Range alone is honoured', 'GET', { range: 'bytes=0-1' }, proceed(true)],
  ['5. If-Range with the current tag: Range honoured', 'GET', { range: 'bytes=0-1', 'if-range': '"v2"' }, proceed(true)],
  ['5. If-Range with another tag: Range ignored', 'GET', { range: 'bytes=0-1', 'if-range': '"v1"' }, proceed(false)],
  ['5. If-Range with a weak tag never matches', 'GET', { range: 'bytes=0-1', 'if-range': 'W/"v2"' }, proceed(false)],
  ['5. If-Range with exactly Last-Modified: Range honoured', 'GET', { range: 'bytes=0-1', 'if-range': EXACT }, proceed(true)],
  ['5. If-Range with a later date is not an exact match', 'GET', { range: 'bytes=0-1', 'if-range': AFTER }, proceed(false)],
  ['5. If-Range with an earlier date', 'GET', { range: 'bytes=0-1', 'if-range': BEFORE }, proceed(false)],
  ['5. If-Range that is neither a tag nor a date', 'GET', { range: 'bytes=0-1', 'if-range': 'v2' }, proceed(false)],
  ['5. If-Range without Range does nothing', 'GET', { 'if-range': '"v1"' }, proceed(false)],
  ['5. Range on HEAD is not range handling', 'HEAD', { range: 'bytes=0-1' }, proceed(false)],
  ['5. Range on POST is not range handling', 'POST', { range: 'bytes=0-1' }, proceed(false)],
  ['5. a 304 comes before If-Range', 'GET', { range: 'bytes=0-1', 'if-range': '"v1"', 'if-none-match': '"v2"' }, notModified('if-none-match')],
  ['5. a 412 comes before Range', 'GET', { range: 'bytes=0-1', 'if-match': '"v1"' }, failed('if-match')],
  ['6. no conditional field: perform the method', 'GET', {}, proceed()],
];

describe('evaluatePreconditions follows RFC 9110 §13.2.2 in order', () => {
  it.each(TABLE)('%s', (_what, method, headers, outcome) => {
    expect(evaluate(method, headers)).toEqual(outcome);
  });

  it('a Last-Modified date in If-Range is a strong validator only once its second is over (§8.8.2.2)', () => {
    const headers = { range: 'bytes=0-1', 'if-range': EXACT };
    expect(evaluate('GET', headers, CURRENT, T + 500)).toEqual(proceed(false));
    expect(evaluate('GET', headers, CURRENT, T + 1500)).toEqual(proceed(false));
    expect(evaluate('GET', headers, CURRENT, T + 2000)).toEqual(proceed(true));
  });

  it('without an ETag: a tag list never matches, * still does', () => {
    const none: Validators = { lastModified: T };
    expect(evaluate('GET', { 'if-match': '"v2"' }, none)).toEqual(failed('if-match'));
    expect(evaluate('GET', { 'if-match': '*' }, none)).toEqual(proceed());
    expect(evaluate('GET', { 'if-none-match': '"v2"' }, none)).toEqual(proceed());
    expect(evaluate('GET', { range: 'bytes=0-1', 'if-range': '"v2"' }, none)).toEqual(proceed(false));
  });

  it('without Last-Modified: the date conditions are ignored, If-Range with a date fails', () => {
    const none: Validators = { etag: '"v2"' };
    expect(evaluate('GET', { 'if-unmodified-since': BEFORE }, none)).toEqual(proceed());
    expect(evaluate('GET', { 'if-modified-since': AFTER }, none)).toEqual(proceed());
    expect(evaluate('GET', { range: 'bytes=0-1', 'if-range': EXACT }, none)).toEqual(proceed(false));
  });

  it('a weak current ETag: If-None-Match still matches it, If-Match and If-Range never do', () => {
    const weak: Validators = { etag: 'W/"v2"', lastModified: T };
    expect(evaluate('GET', { 'if-none-match': '"v2"' }, weak)).toEqual(notModified('if-none-match'));
    expect(evaluate('GET', { 'if-match': '"v2"' }, weak)).toEqual(failed('if-match'));
    expect(evaluate('GET', { range: 'bytes=0-1', 'if-range': '"v2"' }, weak)).toEqual(proceed(false));
  });
});

describe('entity-tags (RFC 9110 §8.8.3)', () => {
  it('parses tags and lists, commas inside a tag included', () => {
    expect(parseEntityTag('"abc"')).toEqual({ weak: false, opaque: '"abc"' });
    expect(parseEntityTag('W/"abc"')).toEqual({ weak: true, opaque: '"abc"' });
    expect(parseEntityTag('""')).toEqual({ weak: false, opaque: '""' });
    expect(parseEntityTagList('"a,b", W/"c"')).toEqual([{ weak: false, opaque: '"a,b"' }, { weak: true, opaque: '"c"' }]);
    expect(parseEntityTagList(' * ')).toBe('*');
    expect(parseEntityTagList('"a",,"b",')).toHaveLength(2);
  });

  it.each(['abc', '"abc', 'abc"', 'w/"abc"', '"a"b"', '"a" "b"', '*, "a"', '', ' , ', '"a\u0001"'])('rejects %j', (value) => {
    expect(parseEntityTagList(value)).toBeUndefined();
  });

  it('compares strongly and weakly as the RFC 9110 §8.8.3.2 table', () => {
    const t = (v: string) => parseEntityTag(v)!;
    expect([strongMatch(t('W/"1"'), t('W/"1"')), weakMatch(t('W/"1"'), t('W/"1"'))]).toEqual([false, true]);
    expect([strongMatch(t('W/"1"'), t('W/"2"')), weakMatch(t('W/"1"'), t('W/"2"'))]).toEqual([false, false]);
    expect([strongMatch(t('W/"1"'), t('"1"')), weakMatch(t('W/"1"'), t('"1"'))]).toEqual([false, true]);
    expect([strongMatch(t('"1"'), t('"1"')), weakMatch(t('"1"'), t('"1"'))]).toEqual([true, true]);
  });
});

describe('HTTP-date (RFC 9110 §5.6.7)', () => {
  const SUN = Date.UTC(1994, 10, 6, 8, 49, 37);
  it('reads the three formats', () => {
    expect(parseHttpDate('Sun, 06 Nov 1994 08:49:37 GMT', NOW)).toBe(SUN);
    expect(parseHttpDate('Sunday, 06-Nov-94 08:49:37 GMT', NOW)).toBe(SUN);
    expect(parseHttpDate('Sun Nov  6 08:49:37 1994', NOW)).toBe(SUN);
  });

  it('reads a two-digit year more than 50 years ahead as the past century', () => {
    const in2024 = Date.UTC(2024, 0, 1);
    expect(new Date(parseHttpDate('Thursday, 01-Jan-70 00:00:00 GMT', in2024)!).getUTCFullYear()).toBe(2070);
    expect(new Date(parseHttpDate('Saturday, 01-Jan-80 00:00:00 GMT', in2024)!).getUTCFullYear()).toBe(1980);
  });

  it.each([
    'Sun, 06 Nov 1994 08:49:37 UTC',
    'Sun, 6 Nov 1994 08:49:37 GMT',
    'Sun, 31 Feb 1994 08:49:37 GMT',
    'Sun, 06 Nov 1994 24:00:00 GMT',
    'Sun, 06 Nov 1994 08:60:00 GMT',
    '1994-11-06T08:49:37Z',
    '784111777',
    '',
    'Sun, 06 Nov 1994 08:49:37 GMT, Sun, 06 Nov 1994 08:49:37 GMT',
  ])('rejects %j', (value) => {
    expect(parseHttpDate(value, NOW)).toBeUndefined();
  });

  it('formats IMF-fixdate, truncating to the second', () => {
    expect(formatHttpDate(SUN + 999)).toBe('Sun, 06 Nov 1994 08:49:37 GMT');
  });
});

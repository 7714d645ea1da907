import { parseEntityTag, parseEntityTagList, strongMatch, weakMatch, type EntityTag } from './entity-tag.js';
import { parseHttpDate } from './parse-http-date.js';

/** The selected representation's validators, as this response would send them. */
export interface Validators {
  /** The ETag field value, e.g. `"abc"` or `W/"abc"`. */
  readonly etag?: string | undefined;
  /** Last-Modified, in ms since the epoch. */
  readonly lastModified?: number | undefined;
}

/**
 * The outcome of the preconditions, in RFC 9110 §13.2.2's order:
 * - `precondition-failed`: 412;
 * - `not-modified`: 304 (only for GET and HEAD);
 * - `proceed`, with `useRange` saying whether a Range field is to be honoured (there is one, the
 *   method is GET, and If-Range, if present, holds).
 */
export type Precondition =
  | { readonly kind: 'precondition-failed'; readonly field: string }
  | { readonly kind: 'not-modified'; readonly field: string }
  | { readonly kind: 'proceed'; readonly useRange: boolean };

/**
 * Evaluate the conditional fields of a request against the current representation, exactly in
 * the order of RFC 9110 §13.2.2:
 *
 * 1. If-Match present: false → 412; true → step 3.
 * 2. If-Match absent, If-Unmodified-Since present: false → 412.
 * 3. If-None-Match present: false → 304 for GET/HEAD, else 412; true → step 5.
 * 4. If-None-Match absent, GET or HEAD, If-Modified-Since present: false → 304.
 * 5. GET with Range and If-Range: If-Range true → honour Range; false → ignore Range.
 * 6. Otherwise perform the method.
 *
 * Header values are those the request carries (repeated lines joined with ', ', RFC 9110 §5.3).
 * `now` is the server's clock, for two-digit years and for whether a date is a strong validator.
 */
export function evaluatePreconditions(
  method: string,
  header: (name: string) => string | undefined,
  current: Validators,
  now: number,
): Precondition {
  const currentTag = current.etag === undefined ? undefined : parseEntityTag(current.etag);
  const ifMatch = header('if-match');
  if (ifMatch !== undefined) {
    if (!ifMatchHolds(ifMatch, currentTag)) return { kind: 'precondition-failed', field: 'if-match' };
  } else {
    const ius = header('if-unmodified-since');
    if (ius !== undefined && ifUnmodifiedSinceFails(ius, current.lastModified, now)) {
      return { kind: 'precondition-failed', field: 'if-unmodified-since' };
    }
  }
  const getOrHead = method === 'GET' || method === 'HEAD';
  const ifNoneMatch = header('if-none-match');
  if (ifNoneMatch !== undefined) {
    if (!ifNoneMatchHolds(ifNoneMatch, currentTag)) {
      return getOrHead ? { kind: 'not-modified', field: 'if-none-match' } : { kind: 'precondition-failed', field: 'if-none-match' };
    }
  } else if (getOrHead) {
    const ims = header('if-modified-since');
    if (ims !== undefined && ifModifiedSinceFails(ims, current.lastModified, now)) return { kind: 'not-modified', field: 'if-modified-since' };
  }
  // RFC 9110 §14.2: GET is the only method for which range handling is defined.
  const range = header('range');
  if (method !== 'GET' || range === undefined) return { kind: 'proceed', useRange: false };
  const ifRange = header('if-range');
  return { kind: 'proceed', useRange: ifRange === undefined || ifRangeHolds(ifRange, currentTag, current.lastModified, now) };
}

/**
 * §13.1.1: `*` holds when there is a current representation (there always is here); a list holds
 * when one of its tags matches the current ETag by the strong comparison.
 */
function ifMatchHolds(value: string, current: EntityTag | undefined): boolean {
  const list = parseEntityTagList(value);
  if (list === '*') return true;
  if (list === undefined || current === undefined) return false;
  return list.some((tag) => strongMatch(tag, current));
}

/**
 * §13.1.2: `*` fails when there is a current representation; a list fails when one of its tags
 * matches the current ETag by the weak comparison. An unreadable value matches nothing.
 */
function ifNoneMatchHolds(value: string, current: EntityTag | undefined): boolean {
  const list = parseEntityTagList(value);
  if (list === '*') return false;
  if (list === undefined || current === undefined) return true;
  return !list.some((tag) => weakMatch(tag, current));
}

/**
 * §13.1.4: fails when the representation was modified after the date. A value that is not one
 * valid HTTP-date is ignored (an IMF-fixdate has a comma of its own; a list of dates fails to parse).
 */
function ifUnmodifiedSinceFails(value: string, lastModified: number | undefined, now: number): boolean {
  const date = parseHttpDate(value, now);
  if (date === undefined || lastModified === undefined) return false;
  return seconds(lastModified) > seconds(date);
}

/** §13.1.3: fails (not modified) when the representation was not modified after the date. */
function ifModifiedSinceFails(value: string, lastModified: number | undefined, now: number): boolean {
  const date = parseHttpDate(value, now);
  if (date === undefined || lastModified === undefined) return false;
  return seconds(lastModified) <= seconds(date);
}

/**
 * §13.1.5: an entity-tag holds when it matches the current ETag by the strong comparison (a weak
 * tag never does); an HTTP-date holds only when it is exactly the Last-Modified date and that date
 * is a strong validator. A Last-Modified date is strong only when the representation cannot have
 * changed twice in that second (§8.8.2.2): we require the second to be over by at least one full
 * second on the server's clock. Anything else (a bad value too) is false, and the Range field is
 * ignored: the client gets the whole, current representation.
 */
function ifRangeHolds(value: string, current: EntityTag | undefined, lastModified: number | undefined, now: number): boolean {
  const v = value.trim();
  if (v.startsWith('"') || v.startsWith('W/')) {
    const tag = parseEntityTag(v);
    return tag !== undefined && current !== undefined && strongMatch(tag, current);
  }
  const date = parseHttpDate(v, now);
  if (date === undefined || lastModified === undefined) return false;
  return seconds(date) === seconds(lastModified) && seconds(lastModified) + 1 < seconds(now);
}

function seconds(ms: number): number {
  return Math.floor(ms / 1000);
}

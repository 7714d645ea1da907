import { entrySize } from './dynamic-table.js';

/**
 * How a literal field is represented (RFC 7541 §6.2): added to the dynamic table
 * ('incremental', §6.2.1), sent without touching it ('without', §6.2.2), or marked so that no
 * intermediary may ever index it ('never', §6.2.3).
 */
export type FieldIndexing = 'incremental' | 'without' | 'never';

/** Chooses a literal's representation; `maxTableSize` is the encoder's current table maximum. */
export type IndexingPolicy = (name: string, value: string, maxTableSize: number) => FieldIndexing;

/**
 * Credentials: a compressed, indexed secret can be recovered by an attacker who can add guesses
 * to the same compression context and watch the output length (CRIME-style, RFC 7541 §7.1), so
 * they are never indexed, and the never-indexed form tells intermediaries to keep it that way
 * (§7.1.3). set-cookie carries session secrets too, and its values are rarely repeated.
 */
const SENSITIVE: ReadonlySet<string> = new Set(['authorization', 'proxy-authorization', 'set-cookie']);

/**
 * Cookies shorter than this are cheap to guess octet by octet (the threshold §7.1.3 mentions as
 * an implementation choice); longer ones are indexed, since repeating them is HPACK's main win.
 */
const SHORT_COOKIE = 20;

/**
 * Fields whose values change with nearly every message: caching them only evicts entries that
 * would have been reused.
 */
const VOLATILE: ReadonlySet<string> = new Set([
  ':path', 'content-length', 'content-range', 'etag', 'last-modified', 'location', 'age',
]);

/**
 * The default policy: never index secrets (above), do not index volatile fields, nor a field
 * that would take more than half the table (it would flush most of what is cached for one entry
 * unlikely to repeat soon); index everything else (statuses, content-type, cache-control,
 * server, date, vary...).
 */
export const defaultIndexingPolicy: IndexingPolicy = (name, value, maxTableSize) => {
  if (SENSITIVE.has(name)) return 'never';
  if (name === 'cookie' && value.length < SHORT_COOKIE) return 'never';
  if (VOLATILE.has(name)) return 'without';
  if (entrySize(name, value) * 2 > maxTableSize) return 'without';
  return 'incremental';
};

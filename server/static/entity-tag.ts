/**
 * Entity tags (RFC 9110 §8.8.3): syntax, lists and the two comparison functions.
 *
 *   entity-tag = [ "W/" ] DQUOTE *etagc DQUOTE
 *   etagc      = %x21 / %x23-7E / obs-text
 *
 * etagc includes ",", so a list of tags cannot be split on commas: it is scanned tag by tag.
 */

export interface EntityTag {
  readonly weak: boolean;
  /** The opaque-tag with its quotes, e.g. `"abc"`. */
  readonly opaque: string;
}

function isEtagc(code: number): boolean {
  return code === 0x21 || (code >= 0x23 && code <= 0x7e) || (code >= 0x80 && code <= 0xff);
}

/** Parse one entity-tag (the whole of `value`), or undefined when it does not match the grammar. */
export function parseEntityTag(value: string): EntityTag | undefined {
  let i = 0;
  let weak = false;
  if (value.startsWith('W/')) {
    weak = true;
    i = 2;
  }
  const end = scanOpaque(value, i);
  if (end !== value.length) return undefined;
  return { weak, opaque: value.slice(i) };
}

/** End (exclusive) of an opaque-tag that starts at s[i], or -1. */
function scanOpaque(s: string, i: number): number {
  if (s.charCodeAt(i) !== 0x22) return -1;
  let j = i + 1;
  while (j < s.length && isEtagc(s.charCodeAt(j))) j++;
  if (s.charCodeAt(j) !== 0x22) return -1;
  return j + 1;
}

/**
 * An If-Match / If-None-Match value: `"*"` or `#entity-tag` (RFC 9110 §13.1.1, §13.1.2).
 * Returns `'*'`, the tags, or undefined when the value does not match the grammar. A bad value
 * is then judged as matching nothing: If-Match fails (412, the safe answer for a precondition
 * we cannot read), If-None-Match holds (the request proceeds).
 */
export function parseEntityTagList(value: string): '*' | EntityTag[] | undefined {
  const s = value;
  let i = skipOws(s, 0);
  if (s.charCodeAt(i) === 0x2a /* * */ && skipOws(s, i + 1) === s.length) return '*';
  const tags: EntityTag[] = [];
  // 1#element: empty elements between commas are allowed and skipped (RFC 9110 §5.6.1).
  for (;;) {
    i = skipOws(s, i);
    if (i === s.length) break;
    if (s.charCodeAt(i) === 0x2c) {
      i++;
      continue;
    }
    let weak = false;
    if (s.startsWith('W/', i)) {
      weak = true;
      i += 2;
    }
    const end = scanOpaque(s, i);
    if (end < 0) return undefined;
    tags.push({ weak, opaque: s.slice(i, end) });
    i = skipOws(s, end);
    if (i === s.length) break;
    if (s.charCodeAt(i) !== 0x2c) return undefined;
    i++;
  }
  return tags.length === 0 ? undefined : tags;
}

function skipOws(s: string, i: number): number {
  while (i < s.length && (s.charCodeAt(i) === 0x20 || s.charCodeAt(i) === 0x09)) i++;
  return i;
}

/** Strong comparison (RFC 9110 §8.8.3.2): both strong, same opaque-tag. */
export function strongMatch(a: EntityTag, b: EntityTag): boolean {
  return !a.weak && !b.weak && a.opaque === b.opaque;
}

/** Weak comparison (RFC 9110 §8.8.3.2): same opaque-tag, either or both may be weak. */
export function weakMatch(a: EntityTag, b: EntityTag): boolean {
  return a.opaque === b.opaque;
}

/** The weak form of a tag (`W/"x"`), for a representation the server may still transform. */
export function weaken(tag: string): string {
  return tag.startsWith('W/') ? tag : `W/${tag}`;
}

/**
 * A strong validator for a file: its inode, size and modification time in nanoseconds, in hex,
 * plus a suffix naming the content coding of a precompressed sibling. A write that changes the
 * file changes its mtime (to the nanosecond on ext4, xfs, btrfs, tmpfs), a replaced file has a
 * new inode, and a file of another length another size, so two different contents sharing a tag
 * needs two writes of the same length in the same clock tick (RFC 9110 §8.8.3: strong means any
 * change to the representation data changes the tag). The inode makes tags differ between
 * copies of a tree on several machines; `etag: false` in serveStatic turns ETags off.
 */
export function fileEntityTag(stat: { ino: bigint; size: bigint; mtimeNs: bigint }, coding: string | null): string {
  const base = `${stat.ino.toString(16)}-${stat.size.toString(16)}-${stat.mtimeNs.toString(16)}`;
  return coding === null ? `"${base}"` : `"${base}-${coding}"`;
}

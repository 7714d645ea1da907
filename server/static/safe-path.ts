/**
 * From the percent-encoded rest of a request path to file-name segments under a root, or a
 * refusal. Pure: the file system is asked nothing here (symlinks are resolve-file.ts's job).
 *
 * The path is split on "/" first and each segment decoded once (RFC 3986 §2.4: decoding twice
 * turns `%252e` into `.`, which is how double-encoding attacks get through). Then, with a 404
 * (the answer for "no such resource", so a probe learns nothing about the tree):
 * - an encoded "/" or "\" (%2F, %5C): it would move a segment boundary after the split;
 * - NUL, raw or %00 (file APIs truncate at it), and any other control character;
 * - "\" in a segment: a separator on Windows, and never a name a URL should reach;
 * - "." and ".." segments, raw or encoded (%2e%2e): no walking out of the root, and no second
 *   spelling of a path (RFC 3986 §5.2.4 removes dot-segments; a client that sent them meant
 *   something odd);
 * - empty segments (`a//b`) and a leading "/" (an absolute path once the prefix is gone);
 * - dotfiles (`.env`, `.git/`), when they are ignored (the default);
 * - a segment longer than 255 octets (NAME_MAX).
 * A malformed escape (`%zz`, `%e2%82` cut short, invalid UTF-8) is a 400: the request-target
 * itself is broken (RFC 3986 §2.1), as the Router answers for its own segments.
 */
export type StaticPath =
  | { readonly ok: true; readonly segments: readonly string[]; readonly trailingSlash: boolean }
  | { readonly ok: false; readonly status: 400 | 404; readonly reason: string };

const NAME_MAX = 255;
const BAD_ESCAPE = /%(?![0-9A-Fa-f]{2})/;
const FORBIDDEN_ESCAPE = /%(?:2f|5c|00)/i;
// C0 controls and DEL: NUL and newlines in a file name are trouble for every consumer of logs.
const CONTROL = /[\u0000-\u001f\u007f]/;

export function decodeStaticPath(raw: string, options: { dotfiles: 'ignore' | 'allow' }): StaticPath {
  const refuse = (reason: string): StaticPath => ({ ok: false, status: 404, reason });
  if (raw === '') return { ok: true, segments: [], trailingSlash: true };
  if (raw.charCodeAt(0) === 0x2f) return refuse('an absolute path (empty first segment)');
  const parts = raw.split('/');
  const trailingSlash = parts[parts.length - 1] === '';
  if (trailingSlash) parts.pop();
  const segments: string[] = [];
  for (const part of parts) {
    if (part === '') return refuse('an empty path segment');
    if (BAD_ESCAPE.test(part)) return { ok: false, status: 400, reason: `malformed percent-encoding in ${JSON.stringify(part)} (RFC 3986 §2.1)` };
    if (FORBIDDEN_ESCAPE.test(part)) return refuse('an encoded "/", "\\" or NUL');
    let name: string;
    try {
      name = part.includes('%') ? decodeURIComponent(part) : part;
    } catch {
      return { ok: false, status: 400, reason: `percent-encoding in ${JSON.stringify(part)} is not UTF-8` };
    }
    if (CONTROL.test(name)) return refuse('a control character in a segment');
    if (name.includes('\\')) return refuse('a "\\" in a segment');
    if (name === '.' || name === '..') return refuse('a dot-segment');
    if (options.dotfiles === 'ignore' && name.charCodeAt(0) === 0x2e) return refuse('a dotfile');
    if (Buffer.byteLength(name, 'utf8') > NAME_MAX) return refuse('a segment longer than NAME_MAX');
    segments.push(name);
  }
  return { ok: true, segments, trailingSlash };
}

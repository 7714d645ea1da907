/**
 * Accept-Encoding negotiation (RFC 9110 §12.5.3). Pure string work: no I/O, never throws, and the
 * work is bounded so a hostile header cannot make negotiation expensive.
 */

/** The content codings this server can produce and decode (RFC 9110 §8.4.1, RFC 7932 for br). */
export type Coding = 'br' | 'gzip' | 'deflate';

/** Every supported coding, in the server's default preference order (best ratio first). */
export const CODINGS: readonly Coding[] = ['br', 'gzip', 'deflate'];

/**
 * Members of the list looked at before the rest is ignored. Real browsers send 3 to 6; the cap
 * keeps the per-request cost constant whatever the client sends.
 */
export const MAX_ACCEPT_ENCODING_MEMBERS = 64;

/** tchar (RFC 9110 §5.6.2) as a lookup table over ASCII. */
const TCHAR = new Uint8Array(128);
for (const c of "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") {
  TCHAR[c.charCodeAt(0)] = 1;
}

function isTchar(code: number): boolean {
  return code < 128 && TCHAR[code] === 1;
}

/** OWS is SP / HTAB (RFC 9110 §5.6.3). */
function isOws(code: number): boolean {
  return code === 0x20 || code === 0x09;
}

function isCoding(name: string): name is Coding {
  return name === 'br' || name === 'gzip' || name === 'deflate';
}

/**
 * Parse a qvalue (RFC 9110 §12.4.2) occupying s[start, end) into thousandths (0..1000), or -1 when
 * it does not match `( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )`. Integer thousandths
 * avoid float comparisons: "0.1" and "0.100" must tie exactly.
 */
export function parseQvalue(s: string, start = 0, end = s.length): number {
  const len = end - start;
  if (len < 1 || len > 5) return -1;
  const lead = s.charCodeAt(start);
  if (lead !== 0x30 && lead !== 0x31) return -1; // '0' or '1'
  let value = lead === 0x31 ? 1000 : 0;
  if (len === 1) return value;
  if (s.charCodeAt(start + 1) !== 0x2e) return -1; // '.'
  let scale = 100;
  for (let i = start + 2; i < end; i++) {
    const d = s.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) return -1;
    // "1" may only be followed by zeros: 1.000 is the maximum weight.
    if (lead === 0x31 && d !== 0) return -1;
    value += d * scale;
    scale /= 10;
  }
  return value;
}

/**
 * Parse one list member s[start, end) (already trimmed of OWS) as
 * `codings [ OWS ";" OWS "q=" qvalue ]`. Returns the lower-cased name and weight, or null when the
 * member does not match the grammar; such members are ignored (RFC 9110 §12.5.3 defines no other
 * parameters, so "gzip;level=9" is as malformed as "gzip;q=2").
 */
function parseMember(s: string, start: number, end: number): { name: string; q: number } | null {
  let i = start;
  while (i < end && isTchar(s.charCodeAt(i))) i++;
  if (i === start) return null;
  const name = s.slice(start, i).toLowerCase();
  while (i < end && isOws(s.charCodeAt(i))) i++;
  if (i === end) return { name, q: 1000 };
  if (s.charCodeAt(i) !== 0x3b) return null; // ';'
  i++;
  while (i < end && isOws(s.charCodeAt(i))) i++;
  // "q=" is an ABNF literal, hence case-insensitive (RFC 5234 §2.3): "Q=0.5" is valid.
  const q = s.charCodeAt(i);
  if (i + 2 > end || (q !== 0x71 && q !== 0x51) || s.charCodeAt(i + 1) !== 0x3d) return null;
  const weight = parseQvalue(s, i + 2, end);
  return weight < 0 ? null : { name, q: weight };
}

/**
 * Choose the content coding for a response (RFC 9110 §12.5.3).
 *
 * - `acceptEncoding` undefined (no header): returns 'identity'. The RFC says any coding is then
 *   acceptable, but clients that omit the header (curl without --compressed, many scripts and
 *   health checkers) usually cannot decode anything, so we only compress when asked to.
 * - Empty value (or one with no valid member): 'identity' only; the client wants no coding.
 * - A listed coding is acceptable unless its weight is 0; `*` gives its weight to every coding not
 *   listed explicitly, including identity; `x-gzip` is gzip (§8.4.1.3). Names are
 *   case-insensitive (§8.4.1). A member with an invalid weight is ignored. If a coding is listed
 *   more than once, its lowest weight counts, so a refusal (q=0) is never overridden.
 * - identity is acceptable unless excluded by `identity;q=0`, or by `*;q=0` with no explicit
 *   identity member. When the client gives identity no weight at all, it ranks below every coding
 *   the client listed (it is the fallback, not a preference).
 * - The highest weight wins; ties go to the earlier entry of `supported` (the server's preference
 *   order), and identity loses ties to real codings (compressing is why we negotiate).
 *
 * Returns null when nothing is acceptable. Recommended caller behaviour: send the response
 * without content coding anyway (RFC 9110 §12.1 allows disregarding the header instead of
 * answering 406, and a 406 for a header-level mismatch only turns a readable response into an
 * error); answer 406 only if the application explicitly asks for strict negotiation.
 *
 * Only the first MAX_ACCEPT_ENCODING_MEMBERS non-empty members are considered.
 */
export function negotiateEncoding(
  acceptEncoding: string | undefined,
  supported: readonly Coding[],
): Coding | 'identity' | null {
  // Defensive against untyped callers: anything but a string counts as an absent header.
  if (typeof acceptEncoding !== 'string') return 'identity';

  // Weights (thousandths) of the names we can act on; other codings are irrelevant.
  let star = -1;
  let identity = -1;
  const explicit = new Map<Coding, number>();

  const s = acceptEncoding;
  const n = s.length;
  let members = 0;
  let pos = 0;
  // The grammar has no quoted-strings, so splitting on ',' is exact. Empty list elements are
  // legal and skipped (RFC 9110 §5.6.1) and do not count against the member cap.
  while (pos <= n && members < MAX_ACCEPT_ENCODING_MEMBERS) {
    let comma = s.indexOf(',', pos);
    if (comma < 0) comma = n;
    let start = pos;
    let end = comma;
    pos = comma + 1;
    while (start < end && isOws(s.charCodeAt(start))) start++;
    while (end > start && isOws(s.charCodeAt(end - 1))) end--;
    if (start === end) continue;
    members++;
    const member = parseMember(s, start, end);
    if (member === null) continue;
    const name = member.name === 'x-gzip' ? 'gzip' : member.name;
    if (name === '*') star = star < 0 ? member.q : Math.min(star, member.q);
    else if (name === 'identity') identity = identity < 0 ? member.q : Math.min(identity, member.q);
    else if (isCoding(name)) {
      const prev = explicit.get(name);
      explicit.set(name, prev === undefined ? member.q : Math.min(prev, member.q));
    }
  }

  let best: Coding | null = null;
  let bestQ = 0;
  if (Array.isArray(supported)) {
    for (const coding of supported) {
      // Runtime guard: only real codings can be chosen, whatever an untyped caller passes.
      if (!isCoding(coding)) continue;
      const q = explicit.get(coding) ?? (star >= 0 ? star : 0);
      // Strictly greater: on a tie the earlier (more preferred) coding stays.
      if (q > bestQ) {
        best = coding;
        bestQ = q;
      }
    }
  }

  const identityQ = identity >= 0 ? identity : star;
  // identity not mentioned and no '*': implicitly acceptable, as the fallback (§12.5.3 rule 2).
  if (identityQ < 0) return best ?? 'identity';
  if (identityQ > bestQ) return 'identity';
  return best; // null when every coding and identity were refused
}

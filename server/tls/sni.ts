import { isIP } from 'node:net';

/**
 * Server-name matching for SNI (RFC 6066 §3). The client sends a DNS host name (never an IP
 * literal, never a trailing dot); DNS names are case-insensitive, so keys and lookups are both
 * lower-cased. Two kinds of key: an exact name, and a wildcard `*.suffix` whose `*` stands for
 * exactly one whole left-most label — the same rule clients apply to wildcard certificates
 * (RFC 6125 §6.4.3), so the name that selects a certificate is one that certificate can match.
 */

export type SniKey = { kind: 'exact'; name: string } | { kind: 'wildcard'; suffix: string };

// One LDH label (RFC 1123 §2.1): letters, digits, hyphens, not starting or ending with '-'.
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** Parses one `sni` key of the config; throws an Error saying what is wrong with it. */
export function parseSniKey(raw: string): SniKey {
  const name = stripTrailingDot(raw.toLowerCase());
  const bad = (why: string): Error => new Error(`TLS config: sni key ${JSON.stringify(raw)} ${why}`);
  if (name.startsWith('*.')) {
    const suffix = name.slice(2);
    if (suffix.includes('*')) throw bad("has more than one '*'; only a single leading '*.' label is supported");
    checkHostName(suffix, bad);
    // `*.test` would cover a whole top-level domain; clients refuse such certificates anyway.
    if (!suffix.includes('.')) throw bad("is a wildcard over a single label; use '*.' followed by at least two labels");
    return { kind: 'wildcard', suffix };
  }
  if (name.includes('*')) {
    throw bad("uses an unsupported wildcard form; only '*.' followed by a host name (e.g. '*.example.test') is supported");
  }
  checkHostName(name, bad);
  return { kind: 'exact', name };
}

function checkHostName(name: string, bad: (why: string) => Error): void {
  if (isIP(name) !== 0) throw bad('is an IP address; RFC 6066 §3 forbids IP literals in SNI, so it could never match');
  if (name.length === 0 || name.length > 253) throw bad('is not a valid host name (empty or longer than 253 characters)');
  for (const label of name.split('.')) {
    if (!LABEL.test(label)) {
      throw bad('is not a valid host name (labels are letters, digits and hyphens; use the A-label form for IDNs)');
    }
  }
}

function stripTrailingDot(name: string): string {
  return name.endsWith('.') ? name.slice(0, -1) : name;
}

/**
 * Exact names first, then the single-label wildcard for the name's parent: `a.example.test`
 * matches `*.example.test`; `a.b.example.test` and `example.test` do not.
 */
export class SniTable<T> {
  private readonly exact = new Map<string, T>();
  private readonly wildcard = new Map<string, T>();

  /** Throws when two keys name the same thing (after lower-casing), which would be ambiguous. */
  add(raw: string, value: T): void {
    const key = parseSniKey(raw);
    const map = key.kind === 'exact' ? this.exact : this.wildcard;
    const id = key.kind === 'exact' ? key.name : key.suffix;
    if (map.has(id)) throw new Error(`TLS config: sni key ${JSON.stringify(raw)} duplicates another key (keys are case-insensitive)`);
    map.set(id, value);
  }

  lookup(servername: string): T | undefined {
    const name = stripTrailingDot(servername.toLowerCase());
    const hit = this.exact.get(name);
    if (hit !== undefined) return hit;
    const dot = name.indexOf('.');
    // dot > 0: the wildcard must stand for a non-empty label.
    return dot > 0 ? this.wildcard.get(name.slice(dot + 1)) : undefined;
  }
}

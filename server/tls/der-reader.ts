/**
 * A small, strict reader of DER (ITU-T X.690 §10, the distinguished subset of BER §8): enough to
 * read OCSP responses (RFC 6960) and the two fields of a certificate an OCSP CertID hashes. Every
 * length is checked against the bytes that are really there, so truncated or garbage input fails
 * with a DerError saying where, never with an out-of-range read or an exception of another kind.
 */

export class DerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DerError';
  }
}

/** X.690 §8.1.2: the identifier octet's class bits. */
export const enum TagClass {
  Universal = 0,
  Application = 1,
  Context = 2,
  Private = 3,
}

/** Universal tag numbers used here (X.680 §8.4). */
export const Tag = {
  Boolean: 0x01,
  Integer: 0x02,
  BitString: 0x03,
  OctetString: 0x04,
  Null: 0x05,
  Oid: 0x06,
  Enumerated: 0x0a,
  UtcTime: 0x17,
  GeneralizedTime: 0x18,
  Sequence: 0x30,
} as const;

export interface DerNode {
  /** The whole identifier octet (e.g. 0x30 for SEQUENCE, 0xa0 for [0] constructed). */
  readonly tag: number;
  readonly tagClass: TagClass;
  readonly constructed: boolean;
  /** The tag number (0..30; the high-tag-number form is not used by anything read here). */
  readonly number: number;
  /** The buffer the node lives in, and where its identifier, contents and end are. */
  readonly buf: Buffer;
  readonly start: number;
  readonly contentStart: number;
  readonly end: number;
  /** What it is, for error messages ('ResponseData.producedAt'). */
  readonly what: string;
}

/** Reads the one TLV at `offset`, which must end by `limit`. */
export function readNode(buf: Buffer, offset: number, limit: number, what: string): DerNode {
  if (offset >= limit) throw new DerError(`${what}: missing (the data ends at byte ${offset})`);
  const tag = buf[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new DerError(`${what}: high-tag-number form at byte ${offset} is not supported`);
  if (offset + 1 >= limit) throw new DerError(`${what}: truncated after its tag at byte ${offset}`);
  const first = buf[offset + 1]!;
  let length: number;
  let contentStart: number;
  if (first < 0x80) {
    length = first;
    contentStart = offset + 2;
  } else {
    const count = first & 0x7f;
    // X.690 §10.1: DER has definite lengths only; 0x80 is BER's indefinite form.
    if (count === 0) throw new DerError(`${what}: indefinite length at byte ${offset} (not DER)`);
    if (count > 4) throw new DerError(`${what}: a ${count}-byte length at byte ${offset} is beyond any OCSP response`);
    if (offset + 2 + count > limit) throw new DerError(`${what}: truncated inside its length at byte ${offset}`);
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + buf[offset + 2 + i]!;
    // X.690 §10.1: the length in the fewest octets; long form only from 128 up.
    if (length < 0x80 || buf[offset + 2] === 0) throw new DerError(`${what}: non-minimal length encoding at byte ${offset} (not DER)`);
    contentStart = offset + 2 + count;
  }
  const end = contentStart + length;
  if (end > limit) throw new DerError(`${what}: says ${length} content bytes at byte ${offset} but only ${limit - contentStart} are there`);
  return { tag, tagClass: (tag >> 6) as TagClass, constructed: (tag & 0x20) !== 0, number: tag & 0x1f, buf, start: offset, contentStart, end, what };
}

/** Parse a whole buffer as exactly one TLV (trailing bytes are an error). */
export function readTop(buf: Buffer, what: string): DerNode {
  const node = readNode(buf, 0, buf.length, what);
  if (node.end !== buf.length) throw new DerError(`${what}: ${buf.length - node.end} stray byte(s) after the end at byte ${node.end}`);
  return node;
}

export function contents(node: DerNode): Buffer {
  return node.buf.subarray(node.contentStart, node.end);
}

/** The whole encoding, identifier and length included. */
export function encoding(node: DerNode): Buffer {
  return node.buf.subarray(node.start, node.end);
}

/** The children of a constructed node, named `${node.what}[i]` unless `names` says better. */
export function children(node: DerNode, names: readonly string[] = []): DerNode[] {
  if (!node.constructed) throw new DerError(`${node.what}: expected a constructed value, got primitive tag 0x${hex2(node.tag)}`);
  const out: DerNode[] = [];
  let offset = node.contentStart;
  while (offset < node.end) {
    const child = readNode(node.buf, offset, node.end, `${node.what}.${names[out.length] ?? `[${out.length}]`}`);
    out.push(child);
    offset = child.end;
  }
  return out;
}

export function expectTag(node: DerNode | undefined, tag: number, what: string): DerNode {
  if (node === undefined) throw new DerError(`${what}: missing`);
  if (node.tag !== tag) throw new DerError(`${node.what}: expected tag 0x${hex2(tag)}, got 0x${hex2(node.tag)}`);
  return node;
}

/** An OBJECT IDENTIFIER as dotted decimal (X.690 §8.19). */
export function readOid(node: DerNode): string {
  expectTag(node, Tag.Oid, node.what);
  const bytes = contents(node);
  if (bytes.length === 0) throw new DerError(`${node.what}: empty OBJECT IDENTIFIER`);
  const arcs: number[] = [];
  let value = 0;
  let inArc = false;
  for (const b of bytes) {
    // §8.19.2: no leading 0x80 octet inside an arc.
    if (!inArc && b === 0x80) throw new DerError(`${node.what}: non-minimal OBJECT IDENTIFIER arc`);
    if (value > 0x1fffffffffff) throw new DerError(`${node.what}: OBJECT IDENTIFIER arc too large`);
    value = value * 128 + (b & 0x7f);
    inArc = (b & 0x80) !== 0;
    if (!inArc) {
      arcs.push(value);
      value = 0;
    }
  }
  if (inArc) throw new DerError(`${node.what}: OBJECT IDENTIFIER ends inside an arc`);
  // §8.19.4: the first octets encode 40 * first + second.
  const head = arcs.shift()!;
  const first = head < 40 ? 0 : head < 80 ? 1 : 2;
  return [first, head - first * 40, ...arcs].join('.');
}

/** A small non-negative INTEGER or ENUMERATED (a status code), as a number. */
export function readSmallUnsigned(node: DerNode, tag: number): number {
  expectTag(node, tag, node.what);
  const bytes = contents(node);
  if (bytes.length === 0 || bytes.length > 4) throw new DerError(`${node.what}: expected a small integer, got ${bytes.length} byte(s)`);
  if ((bytes[0]! & 0x80) !== 0) throw new DerError(`${node.what}: negative value`);
  return bytes.reduce((n, b) => n * 256 + b, 0);
}

/** An INTEGER's magnitude as upper-case hex without leading zeros ('0' for zero): a serial number. */
export function readIntegerHex(node: DerNode): string {
  expectTag(node, Tag.Integer, node.what);
  const bytes = contents(node);
  if (bytes.length === 0) throw new DerError(`${node.what}: empty INTEGER`);
  return normalizeSerial(bytes.toString('hex'));
}

/** Serial numbers compared as hex magnitudes: case and leading zeros do not matter. */
export function normalizeSerial(hex: string): string {
  const trimmed = hex.toUpperCase().replace(/^0+/, '');
  return trimmed === '' ? '0' : trimmed;
}

/**
 * GeneralizedTime as used by RFC 5280 §4.1.2.5.2 and RFC 6960: YYYYMMDDHHMMSS, optionally with
 * fractional seconds, and always Z (UTC). Local times and offsets are refused: they are not
 * allowed in these profiles, and guessing a time zone would move an expiry.
 */
export function readGeneralizedTime(node: DerNode): Date {
  expectTag(node, Tag.GeneralizedTime, node.what);
  const text = contents(node).toString('latin1');
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.(\d{1,9}))?Z$/.exec(text);
  if (m === null) throw new DerError(`${node.what}: ${JSON.stringify(text)} is not a GeneralizedTime of the form YYYYMMDDHHMMSSZ`);
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const ms = m[7] !== undefined ? Math.floor(Number(`0.${m[7]}`) * 1000) : 0;
  // setUTCFullYear, not Date.UTC: Date.UTC reads years 0..99 as 1900..1999.
  const back = new Date(0);
  back.setUTCFullYear(year, month - 1, day);
  back.setUTCHours(hour, minute, second, ms);
  // A date that does not exist (31 February) rolls over into the next month; refuse it.
  if (back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) {
    throw new DerError(`${node.what}: ${JSON.stringify(text)} is not a valid date and time`);
  }
  return back;
}

function hex2(n: number): string {
  return n.toString(16).padStart(2, '0');
}

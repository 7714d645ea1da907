/**
 * Decoding a scanned JSON value onto a Go-shaped target, with encoding/json's rules and error
 * texts (reference §2 "Request bodies", §3 "Toxic"):
 *  - object keys match struct fields exactly, else case-insensitively (Go's foldName: ASCII case,
 *    plus U+017F 'ſ' ~ 's' and U+212A 'K' ~ 'k'); unknown keys are skipped whatever they hold;
 *  - `null` leaves a field as it is (pointers and interfaces become nil);
 *  - a value of the wrong JSON type is an UnmarshalTypeError; decoding goes on and the FIRST such
 *    error is the one returned (Go's saveError), with the innermost struct's name and the dotted
 *    path of field names: `json: cannot unmarshal number 1.5 into Go struct field
 *    LatencyToxic.attributes.latency of type int64`; at the top level (no struct yet):
 *    `json: cannot unmarshal object into Go value of type []struct {...}`.
 * Values are decoded onto a copy of the caller's defaults, as Go decodes onto a prefilled struct.
 */
import type { JsonValue } from './go-json-scan.js';

export type GoType =
  | { kind: 'string' }
  | { kind: 'bool' }
  /** int64 or int (64-bit); `name` is how Go prints the type. Decoded as a bigint: every int64 is exact. */
  | { kind: 'int'; name: 'int64' | 'int' }
  | { kind: 'float32' }
  /** A pointer (`*bool`): null makes it nil (undefined here); errors name the element type. */
  | { kind: 'pointer'; elem: GoType }
  | { kind: 'struct'; type: StructType }
  | { kind: 'slice'; elem: GoType; name: string }
  /**
   * An interface field holding a pointer to a struct (Toxiproxy's `attributes`): a non-null value
   * is decoded THROUGH the pointer into the held struct (an `IfaceBox`, shared with the caller,
   * so what was written stays written); `null` makes the interface nil, after which an empty
   * interface (`interface {}`) swallows any value into a fresh map (the struct is no longer
   * reached) and a non-empty one (`toxics.Toxic`) rejects it naming the interface type.
   */
  | { kind: 'iface'; name: string; empty: boolean; elem: GoType };

/** The struct an interface field points to; decoding writes `value` in place. */
export class IfaceBox {
  constructor(public value: unknown) {}
}
/** The interface is nil (after `null`). */
export const IFACE_NIL = Symbol('nil interface');
/** The interface holds a value decoded from JSON (a map or the like), not the struct. */
export const IFACE_DETACHED = Symbol('detached interface');

export interface StructType {
  /** reflect.Type.String(): `toxiproxy.Proxy`, `struct { Attributes interface {} "json:\"attributes\"" }`. */
  readonly name: string;
  /** reflect.Type.Name(): `Proxy`; '' for an anonymous struct (Go then prints `struct field .x`). */
  readonly structName: string;
  /** JSON name -> type, in declaration order. A struct without fields still accepts any object. */
  readonly fields: ReadonlyArray<readonly [jsonName: string, type: GoType]>;
}

export const GO_STRING: GoType = { kind: 'string' };
export const GO_BOOL: GoType = { kind: 'bool' };
export const GO_INT64: GoType = { kind: 'int', name: 'int64' };
export const GO_INT: GoType = { kind: 'int', name: 'int' };
export const GO_FLOAT32: GoType = { kind: 'float32' };

export function typeString(t: GoType): string {
  switch (t.kind) {
    case 'string': return 'string';
    case 'bool': return 'bool';
    case 'int': return t.name;
    case 'float32': return 'float32';
    case 'pointer': return `*${typeString(t.elem)}`;
    case 'struct': return t.type.name;
    case 'slice': return t.name;
    case 'iface': return t.name;
  }
}

/** The type an error names: Go dereferences pointers (allocating) before storing. */
function errorTypeString(t: GoType): string {
  return t.kind === 'pointer' ? errorTypeString(t.elem) : typeString(t);
}

/** Go's foldName for matching object keys to field names case-insensitively. */
export function foldName(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c < 0x80) out += c >= 0x61 && c <= 0x7a ? String.fromCharCode(c - 0x20) : ch;
    else if (c === 0x17f) out += 'S';
    else if (c === 0x212a) out += 'K';
    else out += ch;
  }
  return out;
}

interface ErrorContext {
  structName: string | null;
  fields: string[];
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

export type Decoded = Record<string, unknown>;

class Decoder {
  firstError: string | null = null;

  private fail(value: string, t: GoType, ctx: ErrorContext): void {
    if (this.firstError !== null) return;
    const type = errorTypeString(t);
    this.firstError =
      ctx.structName !== null || ctx.fields.length > 0
        ? `json: cannot unmarshal ${value} into Go struct field ${ctx.structName ?? ''}.${ctx.fields.join('.')} of type ${type}`
        : `json: cannot unmarshal ${value} into Go value of type ${type}`;
  }

  /** Decode `v` onto `current` (the field's present value); returns the new value. */
  decode(v: JsonValue, t: GoType, current: unknown, ctx: ErrorContext): unknown {
    if (t.kind === 'iface') return this.decodeIface(v, t, current, ctx);
    if (v.kind === 'null') return t.kind === 'pointer' || t.kind === 'slice' ? undefined : current;
    switch (t.kind) {
      case 'pointer':
        return this.decode(v, t.elem, current === undefined ? zeroOf(t.elem) : current, ctx);
      case 'string':
        if (v.kind === 'string') return v.value;
        this.fail(valueName(v), t, ctx);
        return current;
      case 'bool':
        if (v.kind === 'bool') return v.value;
        this.fail(valueName(v), t, ctx);
        return current;
      case 'int': {
        if (v.kind !== 'number') {
          this.fail(valueName(v), t, ctx);
          return current;
        }
        // strconv.ParseInt(text, 10, 64): no fraction, no exponent, within int64.
        if (/^-?[0-9]+$/.test(v.text)) {
          const n = BigInt(v.text);
          if (n >= INT64_MIN && n <= INT64_MAX) return n;
        }
        this.fail(`number ${v.text}`, t, ctx);
        return current;
      }
      case 'float32': {
        if (v.kind !== 'number') {
          this.fail(valueName(v), t, ctx);
          return current;
        }
        // strconv.ParseFloat(text, 32): out of float32 range is an error.
        const f = Math.fround(Number(v.text));
        if (Number.isFinite(f)) return f;
        this.fail(`number ${v.text}`, t, ctx);
        return current;
      }
      case 'struct': {
        if (v.kind !== 'object') {
          this.fail(valueName(v), t, ctx);
          return current;
        }
        const out: Decoded = { ...((current as Decoded | undefined) ?? {}) };
        for (const [key, value] of v.entries) {
          const field = findField(t.type, key);
          if (field === undefined) continue;
          const [name, ft] = field;
          out[name] = this.decode(value, ft, out[name], { structName: t.type.structName, fields: [...ctx.fields, name] });
        }
        return out;
      }
      case 'slice': {
        if (v.kind !== 'array') {
          this.fail(valueName(v), t, ctx);
          return current;
        }
        return v.items.map((item) => this.decode(item, t.elem, zeroOf(t.elem), ctx));
      }
    }
  }

  private decodeIface(v: JsonValue, t: GoType & { kind: 'iface' }, current: unknown, ctx: ErrorContext): unknown {
    if (v.kind === 'null') return IFACE_NIL;
    if (current instanceof IfaceBox) {
      current.value = this.decode(v, t.elem, current.value, ctx);
      return current;
    }
    if (t.empty) return IFACE_DETACHED;
    this.fail(valueName(v), t, ctx);
    return current;
  }
}

function findField(t: StructType, key: string): readonly [string, GoType] | undefined {
  const exact = t.fields.find(([n]) => n === key);
  if (exact !== undefined) return exact;
  const folded = foldName(key);
  return t.fields.find(([n]) => foldName(n) === folded);
}

/** How Go's UnmarshalTypeError names a JSON value of the wrong type (numbers as plain `number`). */
function valueName(v: JsonValue): string {
  switch (v.kind) {
    case 'object': return 'object';
    case 'array': return 'array';
    case 'string': return 'string';
    case 'number': return 'number';
    case 'bool': return 'bool';
    case 'null': return 'null';
  }
}

/** Go's zero value for a type (structs: each field's zero; pointers: nil). */
export function zeroOf(t: GoType): unknown {
  switch (t.kind) {
    case 'string': return '';
    case 'bool': return false;
    case 'int': return 0n;
    case 'float32': return 0;
    case 'pointer': return undefined;
    case 'slice': return undefined;
    case 'struct': return Object.fromEntries(t.type.fields.map(([n, ft]) => [n, zeroOf(ft)]));
    case 'iface': return IFACE_NIL;
  }
}

export type DecodeResult<T> = { value: T; error: string | null };

/**
 * Decode a scanned top-level value onto `initial` (a prefilled value of type `t`). Every
 * decodable field is applied even when another one fails (Go goes on after a type error), and
 * `error` is the first type error's text, or null.
 */
export function decodeOnto<T>(v: JsonValue, t: GoType, initial: T): DecodeResult<T> {
  const d = new Decoder();
  const value = d.decode(v, t, initial, { structName: null, fields: [] }) as T;
  return { value, error: d.firstError };
}

/**
 * The request bodies of the control API, decoded onto the Go structs Toxiproxy 2.12 decodes them
 * onto, so that defaults, `null`, unknown keys, case-insensitive names and error texts all come
 * out the same (reference §2 "Request bodies", §3, §4). Every decode error is reported as
 * `bad request body: <Go's text>` with status 400.
 *
 * The Go types behind each body (their printed names appear in the error texts):
 *  - POST /proxies, PATCH /proxies/{proxy}: `toxiproxy.Proxy` {name, listen, upstream, enabled,
 *    Logger *zerolog.Logger} (the untagged `Logger` field accepts any object or null);
 *  - POST /populate: `[]struct { toxiproxy.Proxy; Enabled *bool "json:\"enabled\"" }` (the
 *    reference abbreviates it as `[]struct {...}`; this is the full reflect spelling);
 *  - POST /proxies/{proxy}/toxics: first `toxics.ToxicWrapper` {attributes (a NoopToxic until the
 *    type is known), name, type, stream, toxicity}, then, once the type is checked, the same
 *    body again into `struct { Attributes interface {} "json:\"attributes\"" }` holding the
 *    type's struct (`toxics.LatencyToxic`...), which is where `LatencyToxic.attributes.latency`
 *    comes from;
 *  - PATCH /proxies/{proxy}/toxics/{toxic}: `struct { Attributes interface {} ...; Toxicity
 *    float32 ... }` prefilled with the toxic's current attributes and toxicity (partial update).
 *    Toxiproxy decodes straight into the live toxic, so a type error after a good attribute leaves
 *    that attribute changed behind the 400; here the decode works on a copy and a 400 changes
 *    nothing (a deliberate divergence: an error should not half-apply).
 */
import { TOXIC_ATTRIBUTES, type ToxicType } from '../model.js';
import { ApiError } from './api-error.js';
import { decodeOnto, GO_BOOL, GO_FLOAT32, GO_INT, GO_INT64, GO_STRING, IfaceBox, type GoType, type StructType } from './go-json-decode.js';
import { scanFirstValue, type JsonValue } from './go-json-scan.js';

const ZEROLOG_LOGGER: GoType = { kind: 'pointer', elem: { kind: 'struct', type: { name: 'zerolog.Logger', structName: 'Logger', fields: [] } } };

const PROXY_STRUCT: StructType = {
  name: 'toxiproxy.Proxy',
  structName: 'Proxy',
  fields: [
    ['name', GO_STRING],
    ['listen', GO_STRING],
    ['upstream', GO_STRING],
    ['enabled', GO_BOOL],
    ['Logger', ZEROLOG_LOGGER],
  ],
};

const POPULATE_ENTRY_STRUCT: StructType = {
  name: 'struct { toxiproxy.Proxy; Enabled *bool "json:\\"enabled\\"" }',
  structName: '',
  fields: [
    // The outer `Enabled *bool` hides Proxy.Enabled; the rest is promoted from Proxy.
    ['enabled', { kind: 'pointer', elem: GO_BOOL }],
    ['name', GO_STRING],
    ['listen', GO_STRING],
    ['upstream', GO_STRING],
    ['Logger', ZEROLOG_LOGGER],
  ],
};

const POPULATE_TYPE: GoType = { kind: 'slice', elem: { kind: 'struct', type: POPULATE_ENTRY_STRUCT }, name: `[]${POPULATE_ENTRY_STRUCT.name}` };

const NOOP_STRUCT: StructType = { name: 'toxics.NoopToxic', structName: 'NoopToxic', fields: [] };

const TOXIC_WRAPPER_STRUCT: StructType = {
  name: 'toxics.ToxicWrapper',
  structName: 'ToxicWrapper',
  fields: [
    // `Toxic` is an embedded interface with the tag "attributes", holding a *NoopToxic.
    ['attributes', { kind: 'iface', name: 'toxics.Toxic', empty: false, elem: { kind: 'pointer', elem: { kind: 'struct', type: NOOP_STRUCT } } }],
    ['name', GO_STRING],
    ['type', GO_STRING],
    ['stream', GO_STRING],
    ['toxicity', GO_FLOAT32],
  ],
};

/** Each toxic type's Go struct: its name and the Go type of its attributes (slicer's are `int`). */
const TOXIC_STRUCT_NAMES: Record<ToxicType, string> = {
  latency: 'LatencyToxic',
  bandwidth: 'BandwidthToxic',
  slow_close: 'SlowCloseToxic',
  timeout: 'TimeoutToxic',
  reset_peer: 'ResetToxic',
  slicer: 'SlicerToxic',
  limit_data: 'LimitDataToxic',
  noop: 'NoopToxic',
};

/** `Attributes interface{}` holding a pointer to the type's struct. */
function attributesIface(type: ToxicType): GoType {
  return { kind: 'iface', name: 'interface {}', empty: true, elem: { kind: 'pointer', elem: { kind: 'struct', type: toxicStruct(type) } } };
}

function toxicStruct(type: ToxicType): StructType {
  const int = type === 'slicer' ? GO_INT : GO_INT64;
  return {
    name: `toxics.${TOXIC_STRUCT_NAMES[type]}`,
    structName: TOXIC_STRUCT_NAMES[type],
    fields: TOXIC_ATTRIBUTES[type].map((a) => [a, int] as const),
  };
}

const ATTRIBUTES_ONLY = 'struct { Attributes interface {} "json:\\"attributes\\"" }';
const ATTRIBUTES_AND_TOXICITY = 'struct { Attributes interface {} "json:\\"attributes\\""; Toxicity float32 "json:\\"toxicity\\"" }';

function badBody(message: string): ApiError {
  return new ApiError(`bad request body: ${message}`, 400);
}

/** The first JSON value of a body, or the 400 Go gives for an unreadable one (`EOF`...). */
export function scanBody(body: Uint8Array): JsonValue {
  const scanned = scanFirstValue(body);
  if (!scanned.ok) throw badBody(scanned.error);
  return scanned.value;
}

function decodeOrThrow<T>(value: JsonValue, type: GoType, initial: T): T {
  const r = decodeOnto(value, type, initial);
  if (r.error !== null) throw badBody(r.error);
  return r.value;
}

export interface ProxyFields {
  name: string;
  listen: string;
  upstream: string;
  enabled: boolean;
}

/**
 * POST /proxies (defaults: empty strings, `enabled: true`) and PATCH /proxies/{proxy}
 * (defaults: the proxy's current listen/upstream/enabled). `name` is decoded but PATCH ignores it.
 */
export function decodeProxyBody(body: Uint8Array, defaults: ProxyFields): ProxyFields {
  const struct = { kind: 'struct', type: PROXY_STRUCT } as const;
  const v = decodeOrThrow(scanBody(body), struct, { ...defaults, Logger: undefined } as Record<string, unknown>);
  return { name: v['name'] as string, listen: v['listen'] as string, upstream: v['upstream'] as string, enabled: v['enabled'] as boolean };
}

export interface PopulateEntry {
  name: string;
  listen: string;
  upstream: string;
  /** undefined when omitted or null (Toxiproxy then defaults it to true). */
  enabled: boolean | undefined;
}

/** POST /populate (and `aeronet proxy --config`): a JSON array of proxies; `null` is no proxies. */
export function decodePopulateBody(body: Uint8Array): PopulateEntry[] {
  const v = decodeOrThrow(scanBody(body), POPULATE_TYPE, [] as unknown) as Array<Record<string, unknown>> | undefined;
  return (v ?? []).map((e) => ({
    name: e['name'] as string,
    listen: e['listen'] as string,
    upstream: e['upstream'] as string,
    enabled: e['enabled'] as boolean | undefined,
  }));
}

export interface ToxicCreateFields {
  name: string;
  type: string;
  stream: string;
  toxicity: number;
  /** The scanned body, decoded a second time for the attributes once the type is known. */
  body: JsonValue;
}

/** POST /proxies/{proxy}/toxics, first pass (defaults: `stream: "downstream"`, `toxicity: 1`). */
export function decodeToxicCreateBody(body: Uint8Array): ToxicCreateFields {
  const scanned = scanBody(body);
  const initial = { attributes: new IfaceBox({}), name: '', type: '', stream: 'downstream', toxicity: 1 };
  const v = decodeOrThrow(scanned, { kind: 'struct', type: TOXIC_WRAPPER_STRUCT }, initial as Record<string, unknown>);
  return { name: v['name'] as string, type: v['type'] as string, stream: v['stream'] as string, toxicity: v['toxicity'] as number, body: scanned };
}

/** A toxic's attributes as the API holds them: every attribute of its type, an exact int64. */
export type ToxicAttributes = Record<string, bigint>;

/** The zero attributes of a toxic type: every attribute present, 0 (reference §3). */
export function defaultAttributes(type: ToxicType): ToxicAttributes {
  return Object.fromEntries(TOXIC_ATTRIBUTES[type].map((a) => [a, 0n]));
}

/** POST /proxies/{proxy}/toxics, second pass: the attributes into the type's struct. */
export function decodeToxicAttributes(body: JsonValue, type: ToxicType): ToxicAttributes {
  const struct: StructType = { name: ATTRIBUTES_ONLY, structName: '', fields: [['attributes', attributesIface(type)]] };
  const held = new IfaceBox(defaultAttributes(type));
  decodeOrThrow(body, { kind: 'struct', type: struct }, { attributes: held } as Record<string, unknown>);
  return pickAttributes(type, held.value);
}

/**
 * PATCH (or POST) /proxies/{proxy}/toxics/{toxic}: attributes decoded onto the current ones,
 * toxicity onto the current toxicity; name, type and stream are not fields here, so ignored.
 */
export function decodeToxicUpdateBody(body: Uint8Array, type: ToxicType, current: { attributes: ToxicAttributes; toxicity: number }): { attributes: ToxicAttributes; toxicity: number } {
  const struct: StructType = {
    name: ATTRIBUTES_AND_TOXICITY,
    structName: '',
    fields: [
      ['attributes', attributesIface(type)],
      ['toxicity', GO_FLOAT32],
    ],
  };
  const held = new IfaceBox({ ...current.attributes });
  const v = decodeOrThrow(scanBody(body), { kind: 'struct', type: struct }, { attributes: held, toxicity: current.toxicity } as Record<string, unknown>);
  return { attributes: pickAttributes(type, held.value), toxicity: v['toxicity'] as number };
}

function pickAttributes(type: ToxicType, decoded: unknown): ToxicAttributes {
  const d = (decoded ?? {}) as Record<string, unknown>;
  return Object.fromEntries(TOXIC_ATTRIBUTES[type].map((a) => [a, typeof d[a] === 'bigint' ? d[a] : 0n]));
}

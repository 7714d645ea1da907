/**
 * The JSON Toxiproxy writes for proxies and toxics, byte for byte (reference §3): Go's field
 * order, Go's string escaping, float32 toxicity in Go's shortest form, compact, no newline.
 */
import { TOXIC_ATTRIBUTES } from '../model.js';
import type { ProxyView, ToxicView } from '../registry/views.js';
import { goJsonFloat, goJsonInt, goJsonString } from './go-json-encode.js';

/** `{"attributes":{...},"name","type","stream","toxicity"}`; attributes in the type's field order. */
export function toxicJson(t: ToxicView): string {
  const attributes = TOXIC_ATTRIBUTES[t.type].map((a: string) => `${goJsonString(a)}:${goJsonInt(t.attributes[a] ?? 0n)}`).join(',');
  return `{"attributes":{${attributes}},"name":${goJsonString(t.name)},"type":${goJsonString(t.type)},"stream":${goJsonString(t.stream)},"toxicity":${goJsonFloat(t.toxicity, 32)}}`;
}

export function toxicListJson(toxics: readonly ToxicView[]): string {
  return `[${toxics.map(toxicJson).join(',')}]`;
}

/**
 * `{"name","listen","upstream","enabled","Logger":{},"toxics":[...]}`. `"Logger":{}` is
 * Toxiproxy's exported zerolog field without a json tag (since v2.5.0); kept for fidelity.
 */
export function proxyJson(p: ProxyView): string {
  return `{"name":${goJsonString(p.name)},"listen":${goJsonString(p.listen)},"upstream":${goJsonString(p.upstream)},"enabled":${p.enabled},"Logger":{},"toxics":${toxicListJson(p.toxics)}}`;
}

/** GET /proxies: an object keyed by name (the list comes sorted the way Go sorts map keys). */
export function proxyMapJson(proxies: readonly ProxyView[]): string {
  return `{${proxies.map((p) => `${goJsonString(p.name)}:${proxyJson(p)}`).join(',')}}`;
}

/** /populate's `proxies`: `null` when none were applied (Go's nil slice, reference §4). */
export function proxyListOrNullJson(proxies: readonly ProxyView[]): string {
  return proxies.length === 0 ? 'null' : `[${proxies.map(proxyJson).join(',')}]`;
}

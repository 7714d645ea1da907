/**
 * The Toxiproxy control API's JSON handling (harness/proxy/api/): the Go-compatible scanner and
 * the decoders of every request body (POST /proxies, POST /populate, POST and PATCH of toxics of
 * each type), each fed the same arbitrary bytes.
 *
 * Properties:
 * - the only exception is ApiError with status 400 ("bad request body: ..."), never a crash that
 *   the API would answer with a 500;
 * - the scanner agrees with JSON.parse on every input that is exactly one JSON value in valid
 *   UTF-8 (encoding/json and ECMA-404 accept the same grammar; lone surrogate escapes are left out
 *   of the comparison, Go replaces them with U+FFFD);
 * - decode(encode(x)) = x: a proxy body, a toxic's attributes and its toxicity, written back as
 *   Go's encoder writes them, decode to the same values.
 */
import { ApiError } from '../../harness/proxy/api/api-error.js';
import { goJsonFloat, goJsonString } from '../../harness/proxy/api/go-json-encode.js';
import { scanFirstValue, type JsonValue } from '../../harness/proxy/api/go-json-scan.js';
import { decodePopulateBody, decodeProxyBody, decodeToxicAttributes, decodeToxicCreateBody, decodeToxicUpdateBody, defaultAttributes, type ProxyFields } from '../../harness/proxy/api/request-bodies.js';
import { TOXIC_ATTRIBUTES, type ToxicType } from '../../harness/proxy/model.js';
import { check, show, WorkRatio, type FuzzTarget, type SeedInput } from '../fuzz-target.js';

const TYPES = Object.keys(TOXIC_ATTRIBUTES) as ToxicType[];
const PROXY_DEFAULTS: ProxyFields = { name: '', listen: '', upstream: '', enabled: true };
const ratio = new WorkRatio('scanned values per input octet');

/** Runs `decode`; an ApiError must be a 400, anything else thrown is a finding. */
function attempt<T>(what: string, decode: () => T): T | null {
  try {
    return decode();
  } catch (err) {
    if (err instanceof ApiError) {
      check(err.status === 400 && err.message.startsWith('bad request body: '), () => `${what}: ApiError ${err.status} "${err.message}"`);
      return null;
    }
    throw err;
  }
}

/** A scanned value as JSON.parse would give it; null when it holds a string JS and Go differ on. */
function plain(v: JsonValue): unknown {
  switch (v.kind) {
    case 'object': {
      const out: Record<string, unknown> = Object.create(null);
      for (const [key, value] of v.entries) Object.defineProperty(out, key, { value: plain(value), enumerable: true, configurable: true, writable: true });
      return out;
    }
    case 'array':
      return v.items.map(plain);
    case 'string':
      return v.value;
    case 'number':
      return Number(v.text);
    case 'bool':
      return v.value;
    case 'null':
      return null;
  }
}

function sameJson(a: unknown, b: unknown): boolean {
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return Object.is(a, b) || (a === 0 && b === 0);
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function wellFormedStrings(v: unknown): boolean {
  if (typeof v === 'string') return !LONE_SURROGATE.test(v);
  if (typeof v !== 'object' || v === null) return true;
  return Object.entries(v).every(([k, x]) => !LONE_SURROGATE.test(k) && wellFormedStrings(x));
}

function countValues(v: JsonValue): number {
  if (v.kind === 'object') return 1 + v.entries.reduce((n, [, x]) => n + countValues(x), 0);
  if (v.kind === 'array') return 1 + v.items.reduce((n, x) => n + countValues(x), 0);
  return 1;
}

function checkScannerAgainstJsonParse(data: Buffer): void {
  const scanned = scanFirstValue(data);
  if (scanned.ok) ratio.observe(countValues(scanned.value), data.length, data);
  let text: string;
  let parsed: unknown;
  try {
    // ignoreBOM keeps a leading U+FEFF in the text: by default TextDecoder drops it, and JSON.parse
    // would then accept what Go's encoding/json (and so Toxiproxy) rejects as "invalid character
    // 'ï' looking for beginning of value" (found by this target: the oracle, not the scanner, was wrong).
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(data);
    parsed = JSON.parse(text);
  } catch {
    return;
  }
  if (!wellFormedStrings(parsed) || text.charCodeAt(0) === 0xfeff) return;
  check(scanned.ok, () => `JSON.parse accepts ${show(text)} but the scanner says ${scanned.ok ? '' : scanned.error}`);
  if (scanned.ok) check(sameJson(plain(scanned.value), parsed), () => `scanner read ${show(plain(scanned.value))}, JSON.parse ${show(parsed)}`);
}

function attributesJson(attributes: Record<string, bigint>): string {
  return `{${Object.entries(attributes).map(([k, v]) => `${goJsonString(k)}:${v.toString()}`).join(',')}}`;
}

export function checkToxiproxyJson(data: Buffer): void {
  checkScannerAgainstJsonParse(data);

  const proxy = attempt('POST /proxies', () => decodeProxyBody(data, PROXY_DEFAULTS));
  if (proxy !== null) {
    const again = decodeProxyBody(Buffer.from(`{"name":${goJsonString(proxy.name)},"listen":${goJsonString(proxy.listen)},"upstream":${goJsonString(proxy.upstream)},"enabled":${proxy.enabled}}`), PROXY_DEFAULTS);
    check(again.name === proxy.name && again.listen === proxy.listen && again.upstream === proxy.upstream && again.enabled === proxy.enabled, () => `proxy ${show(proxy)} re-encoded decodes to ${show(again)}`);
  }
  attempt('POST /populate', () => decodePopulateBody(data));

  const created = attempt('POST /proxies/{proxy}/toxics', () => decodeToxicCreateBody(data));
  if (created !== null && (TYPES as string[]).includes(created.type)) {
    const type = created.type as ToxicType;
    const attributes = attempt(`${type} attributes`, () => decodeToxicAttributes(created.body, type));
    if (attributes !== null) {
      const again = decodeToxicAttributes(scanOrThrow(`{"attributes":${attributesJson(attributes)}}`), type);
      check(attributesJson(again) === attributesJson(attributes), () => `${type} attributes ${attributesJson(attributes)} re-encoded decode to ${attributesJson(again)}`);
    }
  }
  for (const type of TYPES) {
    const updated = attempt(`PATCH ${type} toxic`, () => decodeToxicUpdateBody(data, type, { attributes: defaultAttributes(type), toxicity: 1 }));
    if (updated === null || !Number.isFinite(updated.toxicity)) continue;
    const body = `{"attributes":${attributesJson(updated.attributes)},"toxicity":${goJsonFloat(updated.toxicity, 32)}}`;
    const again = decodeToxicUpdateBody(Buffer.from(body), type, { attributes: defaultAttributes(type), toxicity: 0 });
    check(attributesJson(again.attributes) === attributesJson(updated.attributes) && Object.is(again.toxicity, updated.toxicity), () => `${type} update ${body} decodes to ${show({ ...again, attributes: attributesJson(again.attributes) })}`);
  }
}

function scanOrThrow(text: string): JsonValue {
  const scanned = scanFirstValue(Buffer.from(text));
  if (!scanned.ok) throw new Error(`re-encoded JSON does not scan: ${scanned.error}`);
  return scanned.value;
}

export const target: FuzzTarget = {
  name: 'toxiproxy-json',
  description: "Toxiproxy API request bodies: Go's JSON grammar vs JSON.parse, only 400s, decode(encode(x)) = x",
  run: checkToxiproxyJson,
  async: false,
  dictionary: 'json.dict',
  instrument: ['harness/proxy/api/'],
  ratio: 'scanned values per input octet',
  async seeds(): Promise<SeedInput[]> {
    const bodies = [
      '{"name":"api","listen":"127.0.0.1:26379","upstream":"127.0.0.1:6379","enabled":true}',
      '{"name":"x","listen":"localhost:0","upstream":"[::1]:80"}',
      '[{"name":"a","listen":"127.0.0.1:0","upstream":"127.0.0.1:1","enabled":false},{"name":"b","listen":":0","upstream":"h:2"}]',
      'null',
      '{"NAME":"case","Listen":"folded","enabled":null,"extra":[1,2,{"k":"v"}]}',
      '{"name":"\\u00e9\\ud83d\\ude00","listen":"\\"q\\"","upstream":"\\/"}',
      '{"toxicity":0.5,"attributes":{"latency":-1}}',
      '{"toxicity":1e-7}',
      ...TYPES.map((type) => `{"name":"t-${type}","type":"${type}","stream":"upstream","toxicity":0.25,"attributes":${attributesJson(Object.fromEntries(TOXIC_ATTRIBUTES[type].map((a, i) => [a, BigInt(i * 1000 + 7)])))}}`),
    ];
    return bodies.map((body, i) => ({ name: `body-${i}`, data: Buffer.from(body) }));
  },
};

import { describe, expect, it } from 'vitest';
import { scanFirstValue } from './go-json-scan.js';
import { foldName, GO_INT64, GO_STRING, decodeOnto } from './go-json-decode.js';
import { compareUtf8, goFormatG, goJsonFloat, goJsonString } from './go-json-encode.js';
import { decodePopulateBody, decodeProxyBody, decodeToxicCreateBody, decodeToxicAttributes } from './request-bodies.js';

const scan = (s: string) => scanFirstValue(Buffer.from(s, 'utf8'));
const err = (s: string) => {
  const r = scan(s);
  return r.ok ? null : r.error;
};

describe('scanning the first JSON value like Go\'s json.Decoder (reference §2)', () => {
  it('reads only the first value; empty is EOF, cut short is unexpected EOF', () => {
    expect(scan(' {"a":1} {"b":').ok).toBe(true);
    expect(scan('12x').ok).toBe(true);
    expect(scan('[1,2]]]').ok).toBe(true);
    expect(err('')).toBe('EOF');
    expect(err(' \n\t')).toBe('EOF');
    expect(err('{"a":')).toBe('unexpected EOF');
    expect(err('-')).toBe('unexpected EOF');
    expect(err('tru')).toBe('unexpected EOF');
  });

  it('words syntax errors as Go\'s scanner does', () => {
    expect(err('x')).toBe("invalid character 'x' looking for beginning of value");
    expect(err('{a}')).toBe("invalid character 'a' looking for beginning of object key string");
    expect(err('{"a" 1}')).toBe("invalid character '1' after object key");
    expect(err('{"a":1 "b"}')).toBe('invalid character \'"\' after object key:value pair');
    expect(err('[1 2]')).toBe("invalid character '2' after array element");
    expect(err('1.x')).toBe("invalid character 'x' after decimal point in numeric literal");
    expect(err('"\\q"')).toBe("invalid character 'q' in string escape code");
    expect(err('"a\nb"')).toBe("invalid character '\\n' in string literal");
    expect(err("'a'")).toBe("invalid character '\\'' looking for beginning of value");
    expect(err('[' .repeat(10001))).toBe("invalid character '[' exceeded max depth");
  });

  it('unquotes strings with Go\'s rules (surrogates, bad UTF-8 -> U+FFFD)', () => {
    const v = scan('"\\ud83d\\ude00 \\ud800x \\u00e9"');
    expect(v.ok && v.value.kind === 'string' && v.value.value).toBe('\u{1F600} \ufffdx é');
    const bad = scanFirstValue(Buffer.from([0x22, 0xff, 0x61, 0x22]));
    expect(bad.ok && bad.value.kind === 'string' && bad.value.value).toBe('\ufffda');
  });
});

describe('decoding onto Go structs (reference §2, §3)', () => {
  const struct = { kind: 'struct', type: { name: 'x.T', structName: 'T', fields: [['name', GO_STRING], ['count', GO_INT64]] } } as const;
  const decode = (s: string) => {
    const r = scan(s);
    if (!r.ok) throw new Error(r.error);
    return decodeOnto(r.value, struct, { name: 'dflt', count: 7n });
  };

  it('matches names exactly, then case-insensitively with Go\'s folding (ſ ~ s, K ~ k)', () => {
    expect(foldName('naMe')).toBe('NAME');
    expect(foldName('ſ\u212a')).toBe('SK');
    expect(decode('{"NAME":"a","CoUnT":2}').value).toEqual({ name: 'a', count: 2n });
    expect(decode('{"nams":"a"}').value).toEqual({ name: 'dflt', count: 7n });
    expect(decode('{"\u017fome":1,"name":"ok"}').value.name).toBe('ok');
  });

  it('null keeps the default; the first type error wins and the rest still decodes', () => {
    expect(decode('{"name":null,"count":null}')).toEqual({ value: { name: 'dflt', count: 7n }, error: null });
    const r = decode('{"name":5,"count":"x","name":"later"}');
    expect(r.error).toBe('json: cannot unmarshal number into Go struct field T.name of type string');
    expect(r.value.name).toBe('later');
  });

  it('int64 is exact over its whole range and nothing beyond', () => {
    expect(decode('{"count":-9223372036854775808}').value.count).toBe(-(2n ** 63n));
    expect(decode('{"count":9223372036854775807}').value.count).toBe(2n ** 63n - 1n);
    expect(decode('{"count":9223372036854775808}').error).toBe('json: cannot unmarshal number 9223372036854775808 into Go struct field T.count of type int64');
    expect(decode('{"count":1e2}').error).toBe('json: cannot unmarshal number 1e2 into Go struct field T.count of type int64');
    expect(decode('{"count":[1]}').error).toBe('json: cannot unmarshal array into Go struct field T.count of type int64');
  });
});

describe('the control API\'s bodies (request-bodies.ts)', () => {
  it('proxy bodies: defaults kept, the untagged Logger field accepts an object', () => {
    const d = { name: '', listen: 'l:1', upstream: 'u:1', enabled: true };
    expect(decodeProxyBody(Buffer.from('{"Logger":{"x":1},"upstream":"v:2"}'), d)).toEqual({ ...d, upstream: 'v:2' });
    expect(() => decodeProxyBody(Buffer.from('{"Logger":1}'), d)).toThrow('bad request body: json: cannot unmarshal number into Go struct field Proxy.Logger of type zerolog.Logger');
    expect(() => decodeProxyBody(Buffer.from('[]'), d)).toThrow('bad request body: json: cannot unmarshal array into Go value of type toxiproxy.Proxy');
  });

  it('populate bodies: null is no proxies; a missing or null enabled is left for the default', () => {
    expect(decodePopulateBody(Buffer.from('null'))).toEqual([]);
    expect(decodePopulateBody(Buffer.from('[{"name":"a","enabled":null},{"name":"b","Enabled":false}]'))).toEqual([
      { name: 'a', listen: '', upstream: '', enabled: undefined },
      { name: 'b', listen: '', upstream: '', enabled: false },
    ]);
  });

  it('toxic attributes: a null attributes is the defaults; a later object after null is a detached map', () => {
    const f = decodeToxicCreateBody(Buffer.from('{"type":"latency","attributes":null}'));
    expect(decodeToxicAttributes(f.body, 'latency')).toEqual({ latency: 0n, jitter: 0n });
    const given = decodeToxicCreateBody(Buffer.from('{"type":"latency","attributes":{"latency":5}}'));
    expect(decodeToxicAttributes(given.body, 'latency')).toEqual({ latency: 5n, jitter: 0n });
    const g = scan('{"attributes":{"latency":5},"attributes":null,"attributes":{"latency":7}}');
    expect(g.ok && decodeToxicAttributes(g.value, 'latency')).toEqual({ latency: 5n, jitter: 0n });
  });
});

describe('encoding like Go\'s json.Marshal', () => {
  it('escapes strings HTML-safely', () => {
    expect(goJsonString('a"b\\c<d>&\n\u2028\u0001')).toBe('"a\\"b\\\\c\\u003cd\\u003e\\u0026\\n\\u2028\\u0001"');
  });

  it('prints float32 in the shortest form that reads back, f or e form like Go', () => {
    expect(goJsonFloat(0.2, 32)).toBe('0.2');
    expect(goJsonFloat(Math.fround(1 / 3), 32)).toBe('0.33333334');
    expect(goJsonFloat(1, 32)).toBe('1');
    expect(goJsonFloat(1e-7, 32)).toBe('1e-7');
    expect(goJsonFloat(1e21, 32)).toBe('1e+21');
    expect(goJsonFloat(123456789, 32)).toBe('123456790');
    expect(goJsonFloat(-0.5, 32)).toBe('-0.5');
  });

  it('Prometheus values in %g; map keys in UTF-8 byte order', () => {
    expect(goFormatG(5)).toBe('5');
    expect(goFormatG(123456)).toBe('123456');
    expect(goFormatG(1234567)).toBe('1.234567e+06');
    expect(['b', '\u{1F600}', '\uffff', 'B'].sort(compareUtf8)).toEqual(['B', 'b', '\uffff', '\u{1F600}']);
  });
});

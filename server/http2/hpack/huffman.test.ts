import { describe, expect, it } from 'vitest';
import { HpackError } from './hpack-error.js';
import { huffmanDecode, huffmanEncode, huffmanEncodedLength } from './huffman.js';
import { EOS, HUFFMAN_CODES, HUFFMAN_LENGTHS } from './huffman-code.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

function encode(str: string): Buffer {
  const out = Buffer.alloc(huffmanEncodedLength(str));
  expect(huffmanEncode(str, out, 0)).toBe(out.length);
  return out;
}

const decode = (bytes: Buffer) => huffmanDecode(bytes, 0, bytes.length);

function compressionError(run: () => unknown): void {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(HpackError);
    expect((e as HpackError).kind).toBe('compression');
    return;
  }
  expect.fail('expected HpackError(compression)');
}

/** Strings and their Huffman encodings from RFC 7541 Appendix C.4 and C.6. */
const RFC_STRINGS: ReadonlyArray<[string, string]> = [
  ['www.example.com', 'f1e3 c2e5 f23a 6ba0 ab90 f4ff'],
  ['no-cache', 'a8eb 1064 9cbf'],
  ['custom-key', '25a8 49e9 5ba9 7d7f'],
  ['custom-value', '25a8 49e9 5bb8 e8b4 bf'],
  ['302', '6402'],
  ['private', 'aec3 771a 4b'],
  ['Mon, 21 Oct 2013 20:13:21 GMT', 'd07a be94 1054 d444 a820 0595 040b 8166 e082 a62d 1bff'],
  ['https://www.example.com', '9d29 ad17 1863 c78f 0b97 c8e9 ae82 ae43 d3'],
  ['307', '640e ff'],
  ['Mon, 21 Oct 2013 20:13:22 GMT', 'd07a be94 1054 d444 a820 0595 040b 8166 e084 a62d 1bff'],
  ['gzip', '9bd9 ab'],
  [
    'foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1',
    '94e7 821d d7f2 e6c7 b335 dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f 9587 3160 65c0 03ed 4ee5 b106 3d50 07',
  ],
];

describe('the Huffman code table (RFC 7541 Appendix B)', () => {
  it('is canonical: codes of each length are consecutive, in symbol order', () => {
    const symbols = Array.from({ length: 257 }, (_, s) => s).sort((a, b) => HUFFMAN_LENGTHS[a]! - HUFFMAN_LENGTHS[b]! || a - b);
    let code = 0;
    let length = HUFFMAN_LENGTHS[symbols[0]!]!;
    for (const s of symbols) {
      code *= 2 ** (HUFFMAN_LENGTHS[s]! - length);
      length = HUFFMAN_LENGTHS[s]!;
      expect(HUFFMAN_CODES[s], `symbol ${s}`).toBe(code);
      code++;
    }
    // Complete: the last code is all ones, so the next one would overflow its length.
    expect(code).toBe(2 ** length);
  });

  it('spot-checks entries against the RFC listing', () => {
    expect([HUFFMAN_CODES[0x30], HUFFMAN_LENGTHS[0x30]]).toEqual([0x0, 5]); // '0'
    expect([HUFFMAN_CODES[0x20], HUFFMAN_LENGTHS[0x20]]).toEqual([0x14, 6]); // ' '
    expect([HUFFMAN_CODES[0x0a], HUFFMAN_LENGTHS[0x0a]]).toEqual([0x3ffffffc, 30]); // LF
    expect([HUFFMAN_CODES[0xff], HUFFMAN_LENGTHS[0xff]]).toEqual([0x3ffffee, 26]);
    expect([HUFFMAN_CODES[EOS], HUFFMAN_LENGTHS[EOS]]).toEqual([0x3fffffff, 30]);
  });
});

describe('Huffman strings (RFC 7541 §5.2)', () => {
  for (const [text, encoded] of RFC_STRINGS) {
    it(`encodes and decodes ${JSON.stringify(text)} as in Appendix C`, () => {
      expect(encode(text).toString('hex')).toBe(hex(encoded).toString('hex'));
      expect(huffmanEncodedLength(text)).toBe(hex(encoded).length);
      expect(decode(hex(encoded))).toBe(text);
    });
  }

  it('round-trips every octet value, alone and all together', () => {
    let all = '';
    for (let b = 0; b < 256; b++) {
      const s = String.fromCharCode(b);
      expect(decode(encode(s))).toBe(s);
      expect(decode(encode(s + s + s))).toBe(s + s + s);
      all += s;
    }
    expect(decode(encode(all))).toBe(all);
    const reversed = [...all].reverse().join('');
    expect(decode(encode(reversed))).toBe(reversed);
  });

  it('decodes a slice of a larger buffer and writes at an offset', () => {
    const out = Buffer.alloc(4 + huffmanEncodedLength('no-cache') + 4, 0xee);
    expect(huffmanEncode('no-cache', out, 4)).toBe(out.length - 4);
    expect(out.subarray(0, 4)).toEqual(Buffer.alloc(4, 0xee));
    expect(huffmanDecode(out, 4, out.length - 4)).toBe('no-cache');
  });

  it('decodes the empty string', () => {
    expect(decode(Buffer.alloc(0))).toBe('');
    expect(huffmanEncodedLength('')).toBe(0);
  });

  it('rejects padding longer than 7 bits', () => {
    // 'a' is 00011 (5 bits): 00011111 is valid, one more all-ones octet makes 11 bits of padding.
    expect(decode(hex('1f'))).toBe('a');
    compressionError(() => decode(hex('1f ff')));
    compressionError(() => decode(hex('ff')));
    // '0' 'a' = 00000 00011 + 111111 padding: 6 bits, valid; add a padding octet: invalid.
    expect(decode(hex('00 ff'))).toBe('0a');
    compressionError(() => decode(hex('00 ff ff')));
  });

  it('rejects padding that is not a prefix of EOS', () => {
    // 00011 + 110: a 0 in the padding.
    compressionError(() => decode(hex('1e')));
    compressionError(() => decode(hex('18')));
    // "no-cache" with its last padding bit cleared.
    compressionError(() => decode(hex('a8eb 1064 9cbe')));
  });

  it('rejects EOS inside the string', () => {
    // 30 one-bits (EOS) then 2 bits of padding.
    compressionError(() => decode(hex('ff ff ff ff')));
    // 'a' (00011), EOS (30 ones), then '1' bits to the octet boundary: 40 bits.
    compressionError(() => decode(hex('1f ff ff ff ff')));
    // EOS followed by 'a' and padding.
    compressionError(() => decode(hex('ff ff ff fc 7f')));
  });
});

import { describe, expect, it } from 'vitest';
import { HpackError } from './hpack-error.js';
import { type Cursor, decodeInteger, encodeInteger, integerLength, MAX_INTEGER } from './integer.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

function encode(value: number, prefixBits: number, flags = 0): Buffer {
  const out = Buffer.alloc(8);
  const end = encodeInteger(value, prefixBits, flags, out, 0);
  return out.subarray(0, end);
}

function decode(bytes: Buffer, prefixBits: number): { value: number; pos: number } {
  const cursor: Cursor = { pos: 0 };
  const value = decodeInteger(bytes, cursor, bytes.length, prefixBits);
  return { value, pos: cursor.pos };
}

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

describe('prefix integers (RFC 7541 §5.1, Appendix C.1)', () => {
  it('C.1.1: 10 with a 5-bit prefix', () => {
    expect(encode(10, 5)).toEqual(hex('0a'));
    expect(decode(hex('0a'), 5)).toEqual({ value: 10, pos: 1 });
  });

  it('C.1.2: 1337 with a 5-bit prefix', () => {
    expect(encode(1337, 5)).toEqual(hex('1f 9a 0a'));
    expect(decode(hex('1f 9a 0a'), 5)).toEqual({ value: 1337, pos: 3 });
  });

  it('C.1.3: 42 at an octet boundary (8-bit prefix)', () => {
    expect(encode(42, 8)).toEqual(hex('2a'));
    expect(decode(hex('2a'), 8)).toEqual({ value: 42, pos: 1 });
  });

  it('keeps the flag bits of the first octet and ignores them when reading', () => {
    expect(encode(1337, 5, 0xe0)).toEqual(hex('ff 9a 0a'));
    expect(decode(hex('ff 9a 0a'), 5).value).toBe(1337);
    expect(encode(3, 4, 0x10)).toEqual(hex('13'));
  });

  it('round-trips boundary values for every prefix width', () => {
    for (let prefix = 1; prefix <= 8; prefix++) {
      const mask = (1 << prefix) - 1;
      const values = [0, 1, mask - 1, mask, mask + 1, mask + 127, mask + 128, 16383, 2 ** 21, 2 ** 28 + 5, MAX_INTEGER - 1, MAX_INTEGER];
      for (const v of values) {
        if (v < 0) continue;
        const bytes = encode(v, prefix);
        expect(bytes.length).toBe(integerLength(v, prefix));
        expect(decode(bytes, prefix)).toEqual({ value: v, pos: bytes.length });
      }
    }
  });

  it('accepts 2^31-1 and rejects 2^31', () => {
    expect(decode(encode(MAX_INTEGER, 5), 5).value).toBe(MAX_INTEGER);
    // 31 + (2^31 - 31) = 2^31, written by hand since the encoder is not meant to produce it.
    let rest = 2 ** 31 - 31;
    const bytes = [0x1f];
    while (rest >= 128) {
      bytes.push((rest % 128) | 0x80);
      rest = Math.floor(rest / 128);
    }
    bytes.push(rest);
    compressionError(() => decode(Buffer.from(bytes), 5));
  });

  it('rejects a huge value and endless continuation octets', () => {
    compressionError(() => decode(hex('1f ff ff ff ff ff ff ff 7f'), 5));
    // Zero-padding keeps the value small but the encoding never ends within 5 octets.
    compressionError(() => decode(hex('1f 80 80 80 80 80 00'), 5));
    // Five continuation octets with padding is still accepted.
    expect(decode(hex('1f 81 80 80 80 00'), 5).value).toBe(32);
  });

  it('rejects a truncated integer', () => {
    compressionError(() => decode(hex(''), 5));
    compressionError(() => decode(hex('1f'), 5));
    compressionError(() => decode(hex('1f 9a'), 5));
  });

  it('stops at `end`, not at the end of the buffer', () => {
    const cursor: Cursor = { pos: 0 };
    compressionError(() => decodeInteger(hex('1f 9a 0a'), cursor, 2, 5));
  });
});

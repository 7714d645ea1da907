import { describe, expect, it } from 'vitest';
import { HpackDecoder } from './hpack-decoder.js';
import { HpackError, type HpackErrorKind } from './hpack-error.js';
import { encodeInteger } from './integer.js';
import { APPENDIX_C, hex } from './test-support/appendix-c.js';

function throwsKind(kind: HpackErrorKind, run: () => unknown): void {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(HpackError);
    expect((e as HpackError).kind).toBe(kind);
    return;
  }
  expect.fail(`expected HpackError(${kind})`);
}

const compression = (decoder: HpackDecoder, block: Buffer) => throwsKind('compression', () => decoder.decode(block));

/** A prefix integer as bytes, for building blocks by hand. */
function int(value: number, prefixBits: number, flags: number): Buffer {
  const out = Buffer.alloc(8);
  return out.subarray(0, encodeInteger(value, prefixBits, flags, out, 0));
}

/** A raw (non-Huffman) string literal. */
const str = (s: string) => Buffer.concat([int(s.length, 7, 0), Buffer.from(s, 'latin1')]);

describe('HpackDecoder on RFC 7541 Appendix C.2 (single representations)', () => {
  it('C.2.1 literal with indexing', () => {
    const d = new HpackDecoder();
    expect(d.decode(hex('400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572'))).toEqual([['custom-key', 'custom-header']]);
    expect(d.table.entries()).toEqual([['custom-key', 'custom-header']]);
    expect(d.table.size).toBe(55);
  });

  it('C.2.2 literal without indexing', () => {
    const d = new HpackDecoder();
    expect(d.decode(hex('040c 2f73 616d 706c 652f 7061 7468'))).toEqual([[':path', '/sample/path']]);
    expect(d.table.length).toBe(0);
  });

  it('C.2.3 literal never indexed', () => {
    const d = new HpackDecoder();
    expect(d.decode(hex('1008 7061 7373 776f 7264 0673 6563 7265 74'))).toEqual([['password', 'secret']]);
    expect(d.table.length).toBe(0);
  });

  it('C.2.4 indexed field', () => {
    const d = new HpackDecoder();
    expect(d.decode(hex('82'))).toEqual([[':method', 'GET']]);
    expect(d.table.length).toBe(0);
  });
});

describe('HpackDecoder on RFC 7541 Appendix C.3-C.6 (sequences on one connection)', () => {
  for (const seq of APPENDIX_C) {
    it(seq.name, () => {
      const d = new HpackDecoder({ maxTableSize: seq.tableSize });
      seq.blocks.forEach((b) => {
        expect(d.decode(hex(b.hex))).toEqual(b.fields);
        expect(d.table.entries()).toEqual(b.table);
        expect(d.table.size).toBe(b.size);
      });
    });
  }
});

describe('HpackDecoder rejects malformed blocks with a compression error', () => {
  it('index 0 in an indexed field (§6.1); in a literal, 0 means a literal name follows', () => {
    compression(new HpackDecoder(), hex('80'));
    // 0x40 0x00 0x00: literal name of length 0, empty value: valid (HTTP/2 rejects the empty name later).
    expect(new HpackDecoder().decode(hex('40 00 00'))).toEqual([['', '']]);
  });

  it('an index past the end of the static and dynamic tables (§2.3.3)', () => {
    compression(new HpackDecoder(), hex('be')); // 62, dynamic table empty
    compression(new HpackDecoder(), hex('ff 00')); // 127
    compression(new HpackDecoder(), hex('7e 01 61')); // literal, name index 62
    compression(new HpackDecoder(), hex('0f 2f 01 61')); // without indexing, name index 62
    const d = new HpackDecoder();
    d.decode(hex('400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572'));
    expect(d.decode(hex('be'))).toEqual([['custom-key', 'custom-header']]);
    compression(d, hex('bf'));
  });

  it('a table size update above SETTINGS_HEADER_TABLE_SIZE (§6.3)', () => {
    compression(new HpackDecoder({ maxTableSize: 256 }), int(257, 5, 0x20));
    expect(new HpackDecoder({ maxTableSize: 256 }).decode(int(256, 5, 0x20))).toEqual([]);
  });

  it('a table size update after a field (§4.2)', () => {
    compression(new HpackDecoder(), hex('82 20'));
    compression(new HpackDecoder(), hex('20 82 20'));
  });

  it('more than two table size updates in a row (§4.2)', () => {
    const d = new HpackDecoder();
    expect(d.decode(hex('20 3f e1 1f 82'))).toEqual([[':method', 'GET']]);
    expect(d.table.maxSize).toBe(4096);
    compression(new HpackDecoder(), hex('20 20 20'));
  });

  it('a truncated integer', () => {
    compression(new HpackDecoder(), hex('ff')); // indexed, continuation missing
    compression(new HpackDecoder(), hex('7f 80')); // literal name index, unterminated
    compression(new HpackDecoder(), hex('3f')); // size update, continuation missing
    compression(new HpackDecoder(), hex('04 7f')); // value length, continuation missing
  });

  it('a truncated representation (string missing)', () => {
    compression(new HpackDecoder(), hex('04')); // :path with no value
    compression(new HpackDecoder(), hex('40')); // literal name missing
    compression(new HpackDecoder(), hex('40 01 61')); // value missing
  });

  it('integer overflow', () => {
    compression(new HpackDecoder(), hex('ff ff ff ff ff 0f')); // index > 2^31-1
    compression(new HpackDecoder(), hex('04 7f ff ff ff ff 0f'));
    compression(new HpackDecoder(), hex('ff 80 80 80 80 80 01'));
  });

  it('a string length past the end of the block, before allocating it', () => {
    compression(new HpackDecoder(), hex('04 0c 2f73 616d 706c 652f 7061 74')); // one octet short
    compression(new HpackDecoder(), hex('04 8c f1e3'));
    // Declares 2^31-1 octets in a 7-byte block: must fail on the check, not on an allocation.
    compression(new HpackDecoder(), Buffer.concat([hex('04'), int(0x7fffffff, 7, 0)]));
  });

  it('invalid Huffman in a literal (§5.2)', () => {
    compression(new HpackDecoder(), hex('04 81 1e')); // padding with a 0 bit
    compression(new HpackDecoder(), hex('04 82 1f ff')); // padding longer than 7 bits
    compression(new HpackDecoder(), hex('04 84 ff ff ff ff')); // EOS
  });
});

describe('HpackDecoder table size updates', () => {
  it('applies an update, evicting (§4.3)', () => {
    const d = new HpackDecoder({ maxTableSize: 256 });
    d.decode(hex('400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572'));
    expect(d.decode(hex('20'))).toEqual([]);
    expect(d.table.length).toBe(0);
    expect(d.table.maxSize).toBe(0);
  });

  it('after our setting shrinks, requires the next block to start with an update (§4.2)', () => {
    const d = new HpackDecoder({ maxTableSize: 4096 });
    d.setMaxTableSize(100);
    compression(d, hex('82'));

    const e = new HpackDecoder({ maxTableSize: 4096 });
    e.setMaxTableSize(100);
    compression(e, int(200, 5, 0x20));

    const f = new HpackDecoder({ maxTableSize: 4096 });
    f.decode(hex('400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572'));
    f.setMaxTableSize(0);
    // Smallest then final value, both within the new limit.
    expect(f.decode(Buffer.concat([hex('20'), hex('82')]))).toEqual([[':method', 'GET']]);
    expect(f.table.length).toBe(0);
    // Once applied, blocks without an update are fine again.
    expect(f.decode(hex('82'))).toEqual([[':method', 'GET']]);
  });

  it('a larger setting does not require an update but allows a larger table', () => {
    const d = new HpackDecoder({ maxTableSize: 256 });
    d.setMaxTableSize(8192);
    expect(d.decode(hex('82'))).toEqual([[':method', 'GET']]);
    expect(d.decode(int(8192, 5, 0x20))).toEqual([]);
    expect(d.table.maxSize).toBe(8192);
  });
});

describe('HpackDecoder header list size (RFC 9113 §6.5.2)', () => {
  it('counts name + value + 32 per field and allows exactly the limit', () => {
    // :method GET = 7 + 3 + 32 = 42.
    expect(new HpackDecoder({ maxHeaderListSize: 84 }).decode(hex('82 82'))).toHaveLength(2);
    throwsKind('header-list-too-large', () => new HpackDecoder({ maxHeaderListSize: 83 }).decode(hex('82 82')));
  });

  it('stops an HPACK bomb early, keeps the table in sync, and decodes the next block', () => {
    const d = new HpackDecoder({ maxTableSize: 4096, maxHeaderListSize: 16384 });
    const bigValue = 'x'.repeat(4000 - 'x-big'.length - 32);
    // One literal inserting a ~4000-octet entry, then 1000 references to it (dynamic index 62).
    const block = Buffer.concat([hex('40'), str('x-big'), str(bigValue), Buffer.alloc(1000, 0xbe)]);
    const started = performance.now();
    throwsKind('header-list-too-large', () => d.decode(block));
    expect(performance.now() - started).toBeLessThan(500);
    expect(d.table.entries()).toEqual([['x-big', bigValue]]);

    // A block that also inserts after the point where the list got too large: the insert must
    // still happen, or the next block's indices would be off by one.
    const inserting = Buffer.concat([Buffer.alloc(10, 0xbe), hex('40'), str('after'), str('limit')]);
    throwsKind('header-list-too-large', () => d.decode(inserting));
    expect(d.table.entries()).toEqual([['after', 'limit'], ['x-big', bigValue]]);

    expect(d.decode(hex('be bf 82'))).toEqual([['after', 'limit'], ['x-big', bigValue], [':method', 'GET']]);
  });

  it('still reports a compression error that follows the overflow', () => {
    const d = new HpackDecoder({ maxHeaderListSize: 50 });
    compression(d, hex('82 82 82 80'));
  });
});

describe('HpackDecoder returns names exactly as sent', () => {
  it('does not lowercase or validate names and keeps latin1 octets', () => {
    const d = new HpackDecoder();
    const got = d.decode(Buffer.concat([hex('00'), str('X-Upper'), str('\u00e9\u00ff\u0000')]));
    expect(got).toEqual([['X-Upper', '\u00e9\u00ff\u0000']]);
  });
});

import { describe, expect, it } from 'vitest';
import { HpackDecoder } from './hpack-decoder.js';
import { HpackEncoder } from './hpack-encoder.js';
import type { IndexingPolicy } from './indexing-policy.js';
import { APPENDIX_C, hex } from './test-support/appendix-c.js';

const alwaysIndex: IndexingPolicy = () => 'incremental';

describe('HpackEncoder reproduces RFC 7541 Appendix C', () => {
  for (const seq of APPENDIX_C) {
    // The examples index every literal and Huffman-code every string (C.4, C.6) or none
    // (C.3, C.5); with 'shorter', C.6's "307" would stay raw (3 octets either way).
    it(`${seq.name}: same octets and the same table as the decoder`, () => {
      const encoder = new HpackEncoder({
        maxTableSize: seq.tableSize,
        initialTableSize: seq.tableSize,
        indexing: alwaysIndex,
        huffman: seq.huffman ? 'always' : 'never',
      });
      const decoder = new HpackDecoder({ maxTableSize: seq.tableSize });
      for (const b of seq.blocks) {
        const block = encoder.encode(b.fields);
        expect(block.toString('hex')).toBe(hex(b.hex).toString('hex'));
        expect(decoder.decode(block)).toEqual(b.fields);
        expect(encoder.table.entries()).toEqual(b.table);
        expect(encoder.table.size).toBe(b.size);
        expect(decoder.table.entries()).toEqual(b.table);
      }
    });
  }

  it('C.3 and C.4 also come out of the default policy (Huffman only when shorter)', () => {
    for (const seq of APPENDIX_C.slice(0, 2)) {
      const encoder = new HpackEncoder({ huffman: seq.huffman ? 'shorter' : 'never' });
      for (const b of seq.blocks) expect(encoder.encode(b.fields).toString('hex')).toBe(hex(b.hex).toString('hex'));
    }
  });
});

describe('HpackEncoder choices', () => {
  it('sends common response fields as single static-table octets', () => {
    const e = new HpackEncoder();
    expect(e.encode([[':status', '200']])).toEqual(hex('88'));
    expect(e.encode([[':status', '404'], [':status', '500'], ['accept-encoding', 'gzip, deflate']])).toEqual(hex('8d 8e 90'));
    expect(e.table.length).toBe(0);
  });

  it('indexes a repeated field once, then refers to it', () => {
    const e = new HpackEncoder();
    const d = new HpackDecoder();
    const fields: Array<[string, string]> = [[':status', '200'], ['content-type', 'text/html; charset=utf-8'], ['server', 'aeronet']];
    const first = e.encode(fields);
    const second = e.encode(fields);
    expect(second).toEqual(hex('88 bf be'));
    expect(first.length).toBeGreaterThan(second.length);
    expect(d.decode(first)).toEqual(fields);
    expect(d.decode(second)).toEqual(fields);
  });

  it('never indexes credentials (§7.1.3)', () => {
    const e = new HpackEncoder({ huffman: 'never' });
    // authorization is static name 23: 0001 + 4-bit prefix 15 then 23 - 15 = 8.
    expect(e.encode([['authorization', 'Bearer x']])).toEqual(Buffer.concat([hex('1f 08 08'), Buffer.from('Bearer x')]));
    expect(e.encode([['proxy-authorization', 'p']])[0]! & 0xf0).toBe(0x10);
    expect(e.encode([['set-cookie', 'sid=1']])[0]! & 0xf0).toBe(0x10);
    expect(e.encode([['cookie', 'a=1']])[0]! & 0xf0).toBe(0x10);
    expect(e.table.length).toBe(0);
    // A long cookie is worth indexing.
    expect(e.encode([['cookie', 'session=' + 'a'.repeat(40)]])[0]! & 0xc0).toBe(0x40);
    expect(e.table.length).toBe(1);
    // And never-indexed fields are decoded like any other.
    const d = new HpackDecoder();
    expect(d.decode(new HpackEncoder().encode([['authorization', 'Bearer x']]))).toEqual([['authorization', 'Bearer x']]);
  });

  it('does not index volatile fields or fields larger than half the table', () => {
    const e = new HpackEncoder({ huffman: 'never' });
    expect(e.encode([['content-length', '1234']])).toEqual(hex('0f 0d 04 31323334'));
    expect(e.encode([['x-large', 'v'.repeat(2048)]])[0]).toBe(0x00);
    expect(e.table.length).toBe(0);
  });

  it('Huffman-codes a string only when that is shorter', () => {
    const e = new HpackEncoder({ indexing: () => 'without' });
    // "307" is 3 octets raw and 3 octets Huffman-coded: stays raw.
    expect(e.encode([[':status', '307']])).toEqual(hex('08 03 333037'));
    // "302" shrinks to 2 octets.
    expect(e.encode([[':status', '302']])).toEqual(hex('08 82 6402'));
    // Octets with long codes stay raw.
    expect(e.encode([['x', '\u00ff\u00fe']])).toEqual(hex('00 01 78 02 fffe'));
  });

  it('refers to a dynamic name when the static table lacks it', () => {
    const e = new HpackEncoder({ huffman: 'never' });
    const d = new HpackDecoder();
    e.encode([['x-request-id', 'a']]);
    const block = e.encode([['x-request-id', 'b']]);
    expect(block).toEqual(hex('7e 01 62')); // incremental, name index 62
    d.decode(new HpackEncoder({ huffman: 'never' }).encode([['x-request-id', 'a']]));
    expect(d.decode(block)).toEqual([['x-request-id', 'b']]);
  });

  it('leaves headroom for a frame header', () => {
    const block = new HpackEncoder().encode([[':status', '200']], 9);
    expect(block).toEqual(Buffer.concat([Buffer.alloc(9), hex('88')]));
  });

  it('grows its buffer for large lists', () => {
    const e = new HpackEncoder();
    const d = new HpackDecoder({ maxHeaderListSize: 1 << 20 });
    const fields: Array<[string, string]> = [];
    for (let i = 0; i < 200; i++) fields.push([`x-h${i}`, String.fromCharCode(i % 256).repeat(100 + i)]);
    expect(d.decode(e.encode(fields))).toEqual(fields);
  });
});

describe('HpackEncoder table size updates (§4.2, §6.3)', () => {
  it('announces a smaller table at the start of the next block, once', () => {
    const e = new HpackEncoder();
    e.setPeerMaxTableSize(256);
    expect(e.encode([[':status', '200']])).toEqual(hex('3f e1 01 88'));
    expect(e.table.maxSize).toBe(256);
    expect(e.encode([[':status', '200']])).toEqual(hex('88'));
  });

  it('caps the peer setting at our own maximum', () => {
    const e = new HpackEncoder({ maxTableSize: 1024 });
    // We use less than the protocol's initial 4096 from the first block on.
    expect(e.encode([[':status', '200']])).toEqual(hex('3f e1 07 88'));
    e.setPeerMaxTableSize(65536); // still 1024: nothing to say
    expect(e.encode([[':status', '200']])).toEqual(hex('88'));
  });

  it('signals the smallest size then the final one when the setting dips between blocks', () => {
    const e = new HpackEncoder();
    const d = new HpackDecoder();
    d.decode(e.encode([['x-a', '1']]));
    e.setPeerMaxTableSize(0);
    e.setPeerMaxTableSize(4096);
    const block = e.encode([['x-b', '2']]);
    expect(block.subarray(0, 4)).toEqual(hex('20 3f e1 1f'));
    expect(d.decode(block)).toEqual([['x-b', '2']]);
    expect(e.table.entries()).toEqual([['x-b', '2']]);
    expect(d.table.entries()).toEqual(e.table.entries());
  });

  it('emits nothing when the setting is unchanged', () => {
    const e = new HpackEncoder();
    e.setPeerMaxTableSize(4096);
    expect(e.encode([[':status', '200']])).toEqual(hex('88'));
  });

  it('the decoder follows a shrink with evictions', () => {
    const e = new HpackEncoder();
    const d = new HpackDecoder();
    const fields: Array<[string, string]> = [['x-a', 'a'.repeat(50)], ['x-b', 'b'.repeat(50)]];
    d.decode(e.encode(fields));
    e.setPeerMaxTableSize(100);
    d.setMaxTableSize(100);
    expect(d.decode(e.encode([['x-c', 'c']]))).toEqual([['x-c', 'c']]);
    expect(d.table.entries()).toEqual(e.table.entries());
    expect(d.table.maxSize).toBe(100);
  });
});

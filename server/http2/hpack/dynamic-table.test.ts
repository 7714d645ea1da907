import { describe, expect, it } from 'vitest';
import { DynamicTable, entrySize } from './dynamic-table.js';
import { EncoderTable } from './encoder-table.js';

describe('DynamicTable (RFC 7541 §4)', () => {
  it('counts name + value + 32 per entry (§4.1) and numbers the newest 1 (§2.3.3)', () => {
    const t = new DynamicTable(4096);
    t.add('a', 'b');
    t.add('cc', 'dd');
    expect(t.size).toBe(34 + 36);
    expect(t.length).toBe(2);
    expect(t.entries()).toEqual([['cc', 'dd'], ['a', 'b']]);
    expect([t.name(1), t.value(1), t.name(2), t.value(2)]).toEqual(['cc', 'dd', 'a', 'b']);
  });

  it('evicts from the oldest end to make room (§4.4)', () => {
    const t = new DynamicTable(100);
    t.add('a', 'b');
    t.add('c', 'd');
    expect(t.add('e', 'f')).toBe(true);
    expect(t.entries()).toEqual([['e', 'f'], ['c', 'd']]);
    expect(t.size).toBe(68);
  });

  it('an entry larger than the maximum empties the table and is not added (§4.4)', () => {
    const t = new DynamicTable(100);
    t.add('a', 'b');
    expect(t.add('x'.repeat(60), 'y'.repeat(9))).toBe(false);
    expect(t.length).toBe(0);
    expect(t.size).toBe(0);
    // Exactly the maximum fits.
    expect(t.add('x'.repeat(60), 'y'.repeat(8))).toBe(true);
    expect(t.size).toBe(100);
  });

  it('evicts when the maximum size shrinks (§4.3)', () => {
    const t = new DynamicTable(200);
    t.add('a', 'b');
    t.add('c', 'd');
    t.setMaxSize(40);
    expect(t.entries()).toEqual([['c', 'd']]);
    expect(t.maxSize).toBe(40);
    t.setMaxSize(0);
    expect(t.length).toBe(0);
    t.setMaxSize(200);
    t.add('e', 'f');
    expect(t.entries()).toEqual([['e', 'f']]);
  });

  it('keeps order across ring wrap-around and growth', () => {
    const t = new DynamicTable(40 * 34);
    const model: Array<[string, string]> = [];
    for (let i = 0; i < 500; i++) {
      const name = `n${i % 7}`;
      const value = 'v'.repeat(i % 13);
      t.add(name, value);
      model.unshift([name, value]);
      let size = model.reduce((sum, [n, v]) => sum + entrySize(n, v), 0);
      while (size > t.maxSize) size -= entrySize(...model.pop()!);
      expect(t.size).toBe(size);
    }
    expect(t.entries()).toEqual(model);
  });
});

describe('EncoderTable lookups', () => {
  it('finds the newest exact and name matches, and forgets evicted ones', () => {
    const t = new EncoderTable(3 * 34);
    t.add('a', '1');
    t.add('b', '1');
    t.add('a', '2');
    expect(t.findExact('a', '1')).toBe(3);
    expect(t.findExact('a', '2')).toBe(1);
    expect(t.findName('a')).toBe(1);
    expect(t.findName('b')).toBe(2);
    t.add('a', '1'); // evicts the oldest a:1, the new one is index 1
    expect(t.findExact('a', '1')).toBe(1);
    t.add('c', '1'); // evicts b:1
    expect(t.findName('b')).toBe(0);
    expect(t.findExact('b', '1')).toBe(0);
    t.setMaxSize(0);
    expect(t.findName('a')).toBe(0);
    expect(t.findExact('c', '1')).toBe(0);
  });

  it('an oversized add clears the maps too', () => {
    const t = new EncoderTable(100);
    t.add('a', '1');
    t.add('big', 'x'.repeat(100));
    expect(t.findName('a')).toBe(0);
    expect(t.findName('big')).toBe(0);
    t.add('d', '4');
    expect(t.findExact('d', '4')).toBe(1);
  });
});

import { describe, expect, it } from 'vitest';
import { parseSniKey, SniTable } from './sni.js';

describe('SniTable.lookup', () => {
  const table = new SniTable<string>();
  table.add('alt.test', 'alt');
  table.add('*.wild.test', 'wild');
  table.add('exact.wild.test', 'exact-over-wildcard');

  it.each([
    ['alt.test', 'alt'],
    ['ALT.Test', 'alt'],
    ['alt.test.', 'alt'],
    ['a.wild.test', 'wild'],
    ['A.WILD.TEST', 'wild'],
    ['exact.wild.test', 'exact-over-wildcard'],
  ])('%s → %s', (name, want) => {
    expect(table.lookup(name)).toBe(want);
  });

  it.each(['a.b.wild.test', 'wild.test', '.wild.test', 'x.alt.test', 'test', ''])('%j matches nothing', (name) => {
    expect(table.lookup(name)).toBeUndefined();
  });

  it('refuses a key that duplicates another case-insensitively', () => {
    expect(() => table.add('Alt.Test', 'again')).toThrow(/sni key "Alt.Test" duplicates another key/);
    expect(() => table.add('*.WILD.test', 'again')).toThrow(/duplicates another key/);
  });
});

describe('parseSniKey', () => {
  it('normalizes case and a trailing dot', () => {
    expect(parseSniKey('Example.TEST.')).toEqual({ kind: 'exact', name: 'example.test' });
    expect(parseSniKey('*.Example.test')).toEqual({ kind: 'wildcard', suffix: 'example.test' });
  });
});

import { describe, expect, it } from 'vitest';
import { parseShard, shardGroups } from './shard.js';

const groups = [
  Array.from({ length: 37 }, (_, i) => `sim-${i}`),
  Array.from({ length: 5 }, (_, i) => `proxy-${i}`),
  Array.from({ length: 3 }, (_, i) => `netem-${i}`),
];

describe('--shard i/n', () => {
  it('parses i/n and refuses the rest with the reason', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    expect(parseShard('1/1')).toEqual({ index: 1, count: 1 });
    for (const bad of ['0/3', '4/3', '1/0', '2', 'a/b', '1/2/3', '-1/2', '']) expect(typeof parseShard(bad)).toBe('string');
  });

  it('the shards together are the whole set, each scenario in exactly one, layer order kept', () => {
    const all = groups.flat();
    for (let n = 1; n <= 7; n++) {
      const seen: string[] = [];
      for (let i = 1; i <= n; i++) {
        const part = shardGroups(groups, { index: i, count: n });
        expect(part).toHaveLength(groups.length);
        part.forEach((g, l) => {
          // Each group's share keeps the group's order.
          expect(g).toEqual(groups[l]!.filter((x) => g.includes(x)));
        });
        seen.push(...part.flat());
      }
      expect(seen.sort()).toEqual([...all].sort());
      expect(new Set(seen).size).toBe(all.length);
    }
  });

  it('is deterministic and spreads every layer over the shards', () => {
    expect(shardGroups(groups, { index: 2, count: 3 })).toEqual(shardGroups(groups, { index: 2, count: 3 }));
    const sizes = [1, 2, 3].map((i) => shardGroups(groups, { index: i, count: 3 }).flat().length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    for (let i = 1; i <= 3; i++) expect(shardGroups(groups, { index: i, count: 3 })[2]).toHaveLength(1);
  });

  it('without --shard, every scenario runs', () => {
    expect(shardGroups(groups, null)).toEqual(groups);
  });
});

import { describe, expect, it } from 'vitest';
import { ALL_CASES, H1_CASES, SMUGGLING_CASES } from './cases/index.js';
import { H1_GROUP_TITLES } from './groups.js';
import { selectH1Cases } from './run-suite.js';

const groupOf = (id: string) => id.slice(0, id.lastIndexOf('/'));

describe('the HTTP/1.1 case list', () => {
  it('has unique ids, "h1/<topic>/<n>" or "smuggling/<class>/<n>", numbered 1.. in each group', () => {
    const ids = ALL_CASES.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const c of H1_CASES) expect(c.id).toMatch(/^h1\/[a-z-]+\/\d+$/);
    for (const c of SMUGGLING_CASES) expect(c.id).toMatch(/^smuggling\/[a-z-]+\/\d+$/);
    const byGroup = new Map<string, number[]>();
    for (const id of ids) byGroup.set(groupOf(id), [...(byGroup.get(groupOf(id)) ?? []), Number(id.slice(id.lastIndexOf('/') + 1))]);
    for (const [group, numbers] of byGroup) {
      expect(numbers.sort((a, b) => a - b), group).toEqual(numbers.map((_, k) => k + 1));
      expect(H1_GROUP_TITLES.has(group), `heading for ${group}`).toBe(true);
    }
  });

  it('cites an RFC section in every title', () => {
    for (const c of ALL_CASES) expect(c.title, c.id).toMatch(/RFC (9112|9110|3986|6585) §\d/);
  });

  it('counts per group', () => {
    const counts = Object.fromEntries([...new Set(ALL_CASES.map((c) => groupOf(c.id)))].map((g) => [g, ALL_CASES.filter((c) => groupOf(c.id) === g).length]));
    expect(counts).toEqual({
      'h1/framing': 9,
      'h1/host': 8,
      'h1/chunked': 10,
      'h1/keep-alive': 6,
      'h1/pipelining': 4,
      'h1/expect': 5,
      'h1/head-options': 3,
      'h1/targets': 7,
      'h1/version': 5,
      'h1/errors': 8,
      'smuggling/cl-te': 11,
      'smuggling/content-length': 8,
      'smuggling/chunk-size': 15,
      'smuggling/octets': 18,
      'smuggling/duplicates': 6,
      'smuggling/behind-rejected': 4,
    });
    expect(ALL_CASES).toHaveLength(127);
  });

  it('selects by id or group prefix, and names the entries that select nothing', () => {
    expect(selectH1Cases(['smuggling/cl-te/2', 'h1/version']).cases.map((c) => c.id)).toEqual(['h1/version/1', 'h1/version/2', 'h1/version/3', 'h1/version/4', 'h1/version/5', 'smuggling/cl-te/2']);
    expect(selectH1Cases(['smuggling/']).cases).toHaveLength(SMUGGLING_CASES.length);
    expect(selectH1Cases(['h1/chunk', 'h1/chunked/99', 'h1']).unknown).toEqual(['h1/chunk', 'h1/chunked/99']);
    expect(selectH1Cases([]).cases).toHaveLength(ALL_CASES.length);
  });
});

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ALL_CASES, EXTRA_CASES, H2SPEC_CASES } from './cases/index.js';
import { SettingId } from '../../../server/http2/frames/constants.js';
import { GROUP_TITLES, groupChain } from './groups.js';
import { optionalNote, prefaceSettings, selectCases } from './run-suite.js';

const TSV = path.join(path.dirname(fileURLToPath(import.meta.url)), 'reference', 'h2spec-cases.tsv');

/** h2spec 2.6.0's list: cases (id, title, strict) and group headings, in order. */
function reference() {
  const cases: Array<{ id: string; title: string; strict: boolean }> = [];
  const groups = new Map<string, string>();
  for (const line of readFileSync(TSV, 'utf8').split('\n')) {
    if (line.startsWith('# ')) {
      const m = /^# ((?:generic|http2|hpack)\S*) {2}(.+)$/.exec(line);
      if (m !== null) groups.set(m[1]!, m[2]!);
      continue;
    }
    if (line.trim() === '') continue;
    const [id, title] = line.split('\t') as [string, string];
    const strict = title.endsWith(' [strict]');
    cases.push({ id, title: strict ? title.slice(0, -' [strict]'.length) : title, strict });
  }
  return { cases, groups };
}

describe('the case list', () => {
  it("has h2spec 2.6.0's 147 cases, with its ids, titles, order and strict flag", () => {
    const { cases } = reference();
    expect(cases).toHaveLength(147);
    expect(H2SPEC_CASES.map((c) => ({ id: c.id, title: c.title, strict: c.strict === true }))).toEqual(cases);
    const count = (prefix: string) => H2SPEC_CASES.filter((c) => c.id.startsWith(`${prefix}/`)).length;
    expect([count('generic'), count('http2'), count('hpack')]).toEqual([44, 95, 8]);
    expect(H2SPEC_CASES.filter((c) => c.strict === true).map((c) => c.id)).toEqual(['http2/5.4.1/2']);
  });

  it("has h2spec's group headings", () => {
    const { groups } = reference();
    for (const [id, title] of groups) expect(GROUP_TITLES.get(id), id).toBe(title);
  });

  it('keeps our own cases apart: unique ids under rfc9113/ and abuse/, each in a titled group', () => {
    const all = ALL_CASES.map((c) => c.id);
    expect(new Set(all).size).toBe(all.length);
    for (const c of EXTRA_CASES) {
      expect(c.id).toMatch(/^(rfc9113|abuse)\/[^/]+\/\d+$/);
      for (const group of groupChain(c.id)) expect(GROUP_TITLES.has(group), `${c.id}: ${group}`).toBe(true);
    }
  });

  it("opens h2spec's cases with h2spec's preface SETTINGS, ours with their own or none", () => {
    for (const c of H2SPEC_CASES) expect(prefaceSettings(c), c.id).toEqual([[SettingId.INITIAL_WINDOW_SIZE, 65_535]]);
    const byId = (id: string) => ALL_CASES.find((c) => c.id === id)!;
    expect(prefaceSettings(byId('rfc9113/8.3.1/1'))).toEqual([]);
    expect(prefaceSettings(byId('abuse/zero-window-stall/1'))).toEqual([[SettingId.INITIAL_WINDOW_SIZE, 0]]);
  });

  it('has one optional case, which runs only with a stall wait', () => {
    expect(ALL_CASES.filter((c) => c.optional !== undefined).map((c) => [c.id, c.optional])).toEqual([['abuse/zero-window-stall/2', 'stall-wait']]);
    expect(optionalNote('stall-wait', {})).toEqual({ ran: false, note: "not run (waits for the server's stall timeout; give --stall-wait MS)" });
    expect(optionalNote('stall-wait', { stallLimitMs: null })).toMatchObject({ ran: false });
    expect(optionalNote('stall-wait', { stallLimitMs: 35_000 })).toEqual({ ran: true, note: "ran (waits for the server's stall timeout: waited up to 35000 ms)" });
  });

  it('nests groups by section number', () => {
    expect(groupChain('http2/6.5.2/1')).toEqual(['http2', 'http2/6', 'http2/6.5', 'http2/6.5.2']);
    expect(groupChain('generic/3.10/2')).toEqual(['generic', 'generic/3', 'generic/3.10']);
    expect(groupChain('hpack/2.3.3/1')).toEqual(['hpack', 'hpack/2', 'hpack/2.3', 'hpack/2.3.3']);
    expect(groupChain('http2/7/1')).toEqual(['http2', 'http2/7']);
    expect(groupChain('abuse/rapid-reset/1')).toEqual(['abuse', 'abuse/rapid-reset']);
  });

  it('selects by id, by group prefix, and "h2spec" for its three groups; names what matches nothing', () => {
    expect(selectCases(['http2/6.5.2']).cases.map((c) => c.id)).toEqual(['http2/6.5.2/1', 'http2/6.5.2/2', 'http2/6.5.2/3', 'http2/6.5.2/4', 'http2/6.5.2/5']);
    // A prefix is whole segments: http2/6.5 has 6.5/*, not 6.5.2/* nor 6.50.
    expect(selectCases(['http2/6.5']).cases.map((c) => c.id)).toEqual(['http2/6.5/1', 'http2/6.5/2', 'http2/6.5/3']);
    expect(selectCases(['hpack/6.1/1', 'generic/1/']).cases.map((c) => c.id)).toEqual(['generic/1/1', 'hpack/6.1/1']);
    expect(selectCases(['h2spec']).cases).toHaveLength(147);
    expect(selectCases(['abuse', 'rfc9113']).cases).toHaveLength(EXTRA_CASES.length);
    expect(selectCases([]).cases).toHaveLength(ALL_CASES.length);
    expect(selectCases(['http2/9', 'generic/1/1', 'nope']).unknown).toEqual(['http2/9', 'nope']);
  });
});

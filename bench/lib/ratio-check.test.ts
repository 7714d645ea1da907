import { describe, expect, it } from 'vitest';
import { appendHistory, BaselineError, compareRatios, parseBaseline, parseHistory, strictFailures } from './ratio-check.js';

const BASE = { tolerance: 0.25, ratios: { 'h2:hello': 4, 'h1:hello': 1.6 } };

describe('bench:check verdicts', () => {
  it('a ratio within the tolerance is ok, one below baseline x (1 - tolerance) is a drop', () => {
    const rows = compareRatios(BASE, { 'h2:hello': 3.01, 'h1:hello': 1.19 }, []);
    expect(rows.map((r) => [r.name, r.verdict])).toEqual([['h2:hello', 'ok'], ['h1:hello', 'drop']]);
    expect(rows[1]!.change).toBeCloseTo(1.19 / 1.6 - 1, 9);
  });

  it('names a check the baseline lacks (new) and one that was not measured (missing)', () => {
    const rows = compareRatios(BASE, { 'h2:hello': 4, 'h2:other': 2 }, []);
    expect(rows.map((r) => [r.name, r.verdict])).toEqual([['h2:hello', 'ok'], ['h1:hello', 'missing'], ['h2:other', 'new']]);
  });

  it('strict mode fails only on a drop seen twice in a row, by name', () => {
    const once = compareRatios(BASE, { 'h2:hello': 2, 'h1:hello': 1.6 }, []);
    expect(strictFailures(once)).toEqual([]);
    const history = appendHistory([], once, '2026-12-01');
    expect(history).toEqual([{ date: '2026-12-01', dropped: ['h2:hello'] }]);
    const twice = compareRatios(BASE, { 'h2:hello': 2.5, 'h1:hello': 1.0 }, history);
    expect(strictFailures(twice).map((r) => r.name)).toEqual(['h2:hello']); // h1 dropped only now
    const recovered = compareRatios(BASE, { 'h2:hello': 3.9, 'h1:hello': 1.0 }, appendHistory(history, twice, '2026-12-02'));
    expect(strictFailures(recovered).map((r) => r.name)).toEqual(['h1:hello']);
  });

  it('keeps the last runs of the history only', () => {
    let h = parseHistory(null);
    for (let i = 0; i < 40; i++) h = appendHistory(h, [], `d${i}`, 30);
    expect(h.length).toBe(30);
    expect(h[0]!.date).toBe('d10');
  });

  it('refuses a malformed baseline with the reason, and reads a damaged history as empty', () => {
    expect(() => parseBaseline('{', 'b.json')).toThrow(BaselineError);
    expect(() => parseBaseline('{"tolerance": 2, "ratios": {}}', 'b.json')).toThrow(/tolerance/);
    expect(() => parseBaseline('{"tolerance": 0.2, "ratios": {"x": -1}}', 'b.json')).toThrow(/ratio "x"/);
    expect(parseBaseline('{"tolerance": 0.2, "ratios": {"x": 1.5}}', 'b.json').ratios).toEqual({ x: 1.5 });
    expect(parseHistory('not json')).toEqual([]);
    expect(parseHistory('[{"date": "d", "dropped": ["a"]}, 7]')).toEqual([{ date: 'd', dropped: ['a'] }]);
  });
});

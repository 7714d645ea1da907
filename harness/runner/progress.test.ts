import { describe, expect, it } from 'vitest';
import { Progress } from './progress.js';

function harness(live: boolean, intervalMs = 1000) {
  let t = 0;
  const out: string[] = [];
  const p = new Progress([{ name: 'sim', runs: 10 }, { name: 'proxy', runs: 2 }], { live, write: (s) => out.push(s), now: () => t, intervalMs });
  return { p, out, advance: (ms: number) => (t += ms) };
}

describe('progress', () => {
  it('plain mode: one line per interval with done/total, failures and an ETA', () => {
    const { p, out, advance } = harness(false, 1000);
    p.startLayer('sim');
    advance(100);
    p.tick(true);
    expect(out).toEqual(['progress: sim 1/10, all 1/12 runs, 0 failed, 0 s, ETA ~1 s\n']);
    advance(100);
    p.tick(false); // inside the interval: no line
    expect(out).toHaveLength(1);
    advance(1000);
    p.tick(true);
    expect(out[1]).toMatch(/^progress: sim 3\/10, all 3\/12 runs, 1 failed, 1 s, ETA ~\d+ s\n$/);
  });

  it('live mode redraws one line in place and clears it before a printed line', () => {
    const { p, out, advance } = harness(true);
    p.startLayer('sim');
    advance(200);
    p.tick(true);
    expect(out[0]).toMatch(/^\r\x1b\[2Ksim 1\/10/);
    p.print('FAIL x\n');
    expect(out.slice(1)).toEqual(['\r\x1b[2K', 'FAIL x\n']);
    advance(1);
    p.tick(true); // redrawn at once after a printed line
    expect(out[3]).toMatch(/^\r\x1b\[2Ksim 2\/10/);
  });

  it('a skipped layer leaves the total; the ETA of the last layer is not rough', () => {
    const { p, advance } = harness(false, 0);
    p.startLayer('sim');
    for (let i = 0; i < 10; i++) {
      advance(10);
      p.tick(true);
    }
    p.dropLayer('proxy');
    expect(p.total).toBe(10);
    expect(p.line(100)).toBe('sim 10/10, all 10/10 runs, 0 failed, 0 s, ETA 0 s');
  });

  it('disabled: no progress lines, printed lines still go out', () => {
    const out: string[] = [];
    const p = new Progress([{ name: 'sim', runs: 2 }], { live: false, enabled: false, write: (s) => out.push(s), now: () => 0 });
    p.startLayer('sim');
    p.tick(true);
    p.print('sim layer: done\n');
    expect(out).toEqual(['sim layer: done\n']);
  });
});

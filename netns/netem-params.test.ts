import { describe, expect, it } from 'vitest';
import { netemArgs, netemProblems, tbfArgs } from './netem-params.js';

describe('netemArgs: tc-netem(8) syntax', () => {
  it('delay, jitter, distribution, random loss, duplicate, reorder, corrupt, rate, limit', () => {
    expect(netemArgs({ delayMs: 100, jitterMs: 20, distribution: 'normal', lossPct: 1, duplicatePct: 0.5, reorderPct: 25, reorderCorrelationPct: 50, corruptPct: 0.1, rateKbit: 8000, limit: 5000 }))
      .toEqual(['limit', '5000', 'delay', '100ms', '20ms', 'distribution', 'normal', 'loss', 'random', '1%', 'duplicate', '0.5%', 'reorder', '25%', '50%', 'corrupt', '0.1%', 'rate', '8000kbit']);
  });
  it('Gilbert-Elliott burst loss with its defaults', () => {
    expect(netemArgs({ gemodel: { pPct: 1, rPct: 30 } })).toEqual(['loss', 'gemodel', '1%', '30%', '100%', '0%']);
  });
  it('passes a seed only when given one (tc >= 6.2), as an unsigned 32-bit value', () => {
    expect(netemArgs({ delayMs: 5 }, -1)).toEqual(['delay', '5ms', 'seed', '4294967295']);
    expect(netemArgs({ delayMs: 5 })).toEqual(['delay', '5ms']);
  });
  it('tbf as netem\'s child', () => {
    expect(tbfArgs({ tbf: { rateKbit: 1000, burstBytes: 32_000, latencyMs: 400 } })).toEqual(['tbf', 'rate', '1000kbit', 'burst', '32000', 'latency', '400ms']);
    expect(tbfArgs({})).toBeNull();
  });
});

describe('netemProblems', () => {
  it('accepts a full, consistent set', () => {
    expect(netemProblems({ delayMs: 100, jitterMs: 20, distribution: 'pareto', reorderPct: 10, gemodel: { pPct: 2, rPct: 20 } })).toEqual([]);
  });
  it('names each inconsistency', () => {
    expect(netemProblems({ jitterMs: 5 })).toEqual(['netem.jitterMs needs delayMs']);
    expect(netemProblems({ delayMs: 5, distribution: 'normal' })).toEqual(['netem.distribution needs jitterMs']);
    expect(netemProblems({ reorderPct: 5 })).toEqual(['netem.reorderPct needs delayMs > 0 (netem reorders by sending some packets without the delay)']);
    expect(netemProblems({ lossPct: 1, gemodel: { pPct: 1, rPct: 1 } })).toEqual(['netem: give lossPct or gemodel, not both']);
    expect(netemProblems({ lossPct: 101 })).toEqual(['netem.lossPct must be a number from 0 to 100, got 101']);
    expect(netemProblems({ rateKbit: 1.5 })).toEqual(['netem.rateKbit must be an integer from 1 to 100000000, got 1.5']);
    expect(netemProblems({ delay: 5 } as never)).toEqual(['netem: unknown parameter "delay"']);
  });
});

import { describe, expect, it } from 'vitest';
import type { ToxicDecision } from '../model.js';
import { compareDecisions } from './compare-decisions.js';

const d = (kind: ToxicDecision['kind'], value: number, at = 0, connection = 1): ToxicDecision => ({ at, proxy: 'p', connection, direction: 'downstream', toxic: 't', kind, value, ...(kind === 'toxicity' ? { active: value < 0.5 } : {}) });

describe('compareDecisions', () => {
  it('identical ignores the times', () => {
    expect(compareDecisions([d('toxicity', 0.1, 1), d('jitter', 5, 2)], [d('toxicity', 0.1, 9), d('jitter', 5, 10)])).toBe('identical');
  });
  it('same-draws: equal toxicity draws, per-chunk draws one sequence cut shorter', () => {
    expect(compareDecisions([d('toxicity', 0.1), d('jitter', 5), d('jitter', -3)], [d('toxicity', 0.1), d('jitter', 5)])).toBe('same-draws');
  });
  it('differ: another toxicity draw, or a per-chunk draw that disagrees', () => {
    expect(compareDecisions([d('toxicity', 0.1)], [d('toxicity', 0.2)])).toBe('differ');
    expect(compareDecisions([d('toxicity', 0.1), d('jitter', 5)], [d('toxicity', 0.1), d('jitter', 6)])).toBe('differ');
    expect(compareDecisions([d('toxicity', 0.1, 0, 1)], [d('toxicity', 0.1, 0, 2)])).toBe('differ');
  });
});

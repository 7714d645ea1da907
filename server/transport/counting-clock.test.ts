import { describe, expect, it } from 'vitest';
import { FakeClock } from '../core/test-support/fake-exchange.js';
import { countingClock } from './counting-clock.js';

describe('countingClock', () => {
  it('counts timers until they fire or are cancelled, once each', () => {
    const inner = new FakeClock();
    const clock = countingClock(inner);
    let fired = 0;
    const a = clock.setTimer(10, () => fired++);
    const b = clock.setTimer(20, () => fired++);
    clock.setTimer(30, () => fired++);
    expect(clock.pendingTimers).toBe(3);
    a.cancel();
    a.cancel();
    expect(clock.pendingTimers).toBe(2);
    b.cancel();
    expect(clock.pendingTimers).toBe(1);
    inner.fire();
    expect(fired).toBe(1);
    expect(clock.pendingTimers).toBe(0);
    expect(clock.now()).toBe(inner.now());
  });
});

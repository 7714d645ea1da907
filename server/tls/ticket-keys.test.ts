import { describe, expect, it } from 'vitest';
import { newTicketKey, TicketKeyRing, validateTicketRotation } from './ticket-keys.js';
import { JumpClock } from './test-support/jump-clock.js';

describe('TicketKeyRing', () => {
  const HOUR = 3600_000;

  it('rotates on the clock and keeps each retired key for the window only', () => {
    const clock = new JumpClock({ frozen: true });
    let made = 0;
    const ring = new TicketKeyRing({ clock, rotation: { intervalMs: HOUR, windowMs: 2 * HOUR }, make: () => made++ });
    ring.start();
    expect(ring.accepted().map((g) => g.id)).toEqual([0]);
    clock.advance(HOUR - 1);
    expect(ring.current.id).toBe(0);
    clock.advance(1);
    expect(ring.accepted().map((g) => g.id)).toEqual([1, 0]);
    clock.advance(HOUR);
    expect(ring.accepted().map((g) => g.id)).toEqual([2, 1, 0]);
    // Key 0 retired at 1 h: accepted until 3 h, gone from then on (between rotations too).
    clock.advance(HOUR - 1);
    expect(ring.accepted().map((g) => g.id)).toEqual([2, 1, 0]);
    clock.advance(1);
    expect(ring.accepted().map((g) => g.id)).toEqual([3, 2, 1]);
    expect(made).toBe(4);
    ring.stop();
    expect(clock.pendingTimers).toBe(0);
    clock.advance(10 * HOUR);
    expect(ring.current.id).toBe(3);
  });

  it('a window of 0 drops the previous key at once; a window that is not a multiple of the interval ends on time', () => {
    const clock = new JumpClock({ frozen: true });
    const ring = new TicketKeyRing({ clock, rotation: { intervalMs: 1000, windowMs: 0 }, make: (id) => id });
    ring.start();
    clock.advance(1000);
    expect(ring.accepted().map((g) => g.id)).toEqual([1]);
    ring.stop();
    const odd = new TicketKeyRing({ clock, rotation: { intervalMs: 10_000, windowMs: 2500 }, make: (id) => id });
    odd.start();
    clock.advance(10_000);
    clock.advance(2499);
    expect(odd.accepted().map((g) => g.id)).toEqual([1, 0]);
    clock.advance(1);
    expect(odd.accepted().map((g) => g.id)).toEqual([1]);
    odd.stop();
  });

  it('without a rotation there is one generation and no timer', () => {
    const clock = new JumpClock({ frozen: true });
    const ring = new TicketKeyRing({ clock, rotation: null, make: (id) => id });
    ring.start();
    expect(clock.pendingTimers).toBe(0);
    clock.advance(100 * HOUR);
    expect(ring.accepted().map((g) => g.id)).toEqual([0]);
  });

  it('keys are 48 random bytes: 16-byte name, HMAC and AES keys, as node:tls takes them', () => {
    const a = newTicketKey();
    const b = newTicketKey();
    expect(a).toHaveLength(48);
    expect(a.equals(b)).toBe(false);
  });
});

describe('validateTicketRotation', () => {
  it('fills the window in with the interval, and names the field that is wrong', () => {
    expect(validateTicketRotation({ intervalMs: 60_000 })).toEqual({ intervalMs: 60_000, windowMs: 60_000 });
    expect(() => validateTicketRotation({ intervalMs: 10 })).toThrow(/ticketRotation\.intervalMs must be an integer from 1000/);
    expect(() => validateTicketRotation({ intervalMs: 60_000, windowMs: -1 })).toThrow(/ticketRotation\.windowMs/);
    expect(() => validateTicketRotation({ intervalMs: 8 * 24 * 3600_000 })).toThrow(/7 days/);
    expect(() => validateTicketRotation('hourly')).toThrow(/must be an object/);
  });
});

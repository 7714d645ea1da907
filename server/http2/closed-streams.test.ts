import { describe, expect, it } from 'vitest';
import { ClosedStreams } from './closed-streams.js';

describe('ClosedStreams', () => {
  it('remembers how a stream closed, and nothing for ids it never saw', () => {
    const t = new ClosedStreams<number>();
    expect(t.get(1)).toBeUndefined();
    t.set(1, 2);
    t.set(3, 1);
    t.set(2, 1);
    expect([t.get(1), t.get(3), t.get(2), t.get(5)]).toEqual([2, 1, 1, undefined]);
    t.set(1, 0);
    expect(t.get(1)).toBe(0);
  });

  it('remembers at least the last 512 ids of a parity; an id 1024 higher takes an older one\'s slot', () => {
    const t = new ClosedStreams<number>();
    for (let id = 1; id < 4000; id += 2) t.set(id, 1);
    for (let id = 3999; id > 3999 - 1024; id -= 2) expect(t.get(id), `id ${id}`).toBe(1);
    expect(t.get(3999 - 1024)).toBeUndefined(); // replaced by 3999: read as plainly closed
    expect(t.get(1)).toBeUndefined();
  });

  it('works for ids up to 2^31 - 1', () => {
    const t = new ClosedStreams<number>();
    t.set(2 ** 31 - 1, 2);
    expect(t.get(2 ** 31 - 1)).toBe(2);
    expect(t.get(2 ** 31 - 1 - 1024)).toBeUndefined();
  });
});

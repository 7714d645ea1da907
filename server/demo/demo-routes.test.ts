import { describe, expect, it } from 'vitest';
import { patternByte, patternBytes, patternView } from './demo-routes.js';

describe('the /bytes pattern', () => {
  it('patternBytes is patternByte octet by octet, for any offset and length (also past one copy window)', () => {
    for (const [start, length] of [[0, 0], [0, 1], [51, 2], [52, 53], [12_345, 16_384], [7, 64 * 1024 + 3], [1_000_003, 200_000]] as const) {
      const got = patternBytes(start, length);
      expect(got.length).toBe(length);
      let firstDiff = -1;
      for (let k = 0; k < length && firstDiff < 0; k++) if (got[k] !== patternByte(start + k)) firstDiff = k;
      expect(firstDiff, `start ${start} length ${length}`).toBe(-1);
    }
  });

  it('returns a fresh buffer each time: a caller may keep or change it', () => {
    const a = patternBytes(0, 8);
    a[0] = 0;
    expect(patternBytes(0, 8)[0]).toBe(0x41);
  });
});

describe('patternView', () => {
  it('has the octets of patternBytes, short or long', () => {
    for (const [start, length] of [[0, 13], [99, 16_384], [5, 64 * 1024], [1, 64 * 1024 + 1]] as const) {
      expect(patternView(start, length).equals(patternBytes(start, length)), `start ${start} length ${length}`).toBe(true);
    }
  });
});

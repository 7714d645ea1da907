import { describe, expect, it } from 'vitest';
import { CONNECTION_PREFACE } from './constants.js';
import { encodeSettings } from './frame-writer.js';
import { matchPreface } from './preface.js';

describe('matchPreface (RFC 9113 §3.4)', () => {
  it('matches the 24-octet preface, with or without frames after it', () => {
    expect(matchPreface(Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1'))).toBe('match');
    expect(matchPreface(Buffer.concat([CONNECTION_PREFACE, encodeSettings([])]))).toBe('match');
  });

  it('is partial on every proper prefix, the empty one included', () => {
    for (let n = 0; n < 24; n++) expect(matchPreface(CONNECTION_PREFACE.subarray(0, n))).toBe('partial');
  });

  it('is a mismatch as soon as one octet differs', () => {
    expect(matchPreface(Buffer.from('GET / HTTP/1.1\r\n'))).toBe('mismatch');
    expect(matchPreface(Buffer.from('PO'))).toBe('mismatch');
    expect(matchPreface(Buffer.from('PRI * HTTP/1.1\r\n'))).toBe('mismatch');
    for (let k = 0; k < 24; k++) {
      const wrong = Buffer.from(CONNECTION_PREFACE);
      wrong[k] = wrong[k]! ^ 0x20;
      expect(matchPreface(wrong)).toBe('mismatch');
      expect(matchPreface(wrong.subarray(0, k + 1))).toBe('mismatch');
    }
  });
});

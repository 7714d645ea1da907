import { describe, expect, it } from 'vitest';
import { fieldName, methodName } from './field-names.js';

const b = (s: string) => Buffer.from(s, 'latin1');

describe('fieldName', () => {
  it('lower-cases common names whatever their case', () => {
    expect(fieldName(b('Host'), 0, 4)).toBe('host');
    expect(fieldName(b('CONTENT-LENGTH'), 0, 14)).toBe('content-length');
    expect(fieldName(b('xx Accept-Encoding'), 3, 18)).toBe('accept-encoding');
  });
  it('falls back for other names, and never confuses a near miss', () => {
    expect(fieldName(b('X-Custom'), 0, 8)).toBe('x-custom');
    expect(fieldName(b('hosu'), 0, 4)).toBe('hosu');
    // '\r' | 0x20 is '-', '\x0d' must not be taken for the hyphen of content-type
    expect(fieldName(b('content\rtype'), 0, 12)).toBe('content\rtype');
    expect(fieldName(b('HOST'), 0, 4)).toBe('host');
  });
});

describe('methodName', () => {
  it('interns standard methods and keeps case-sensitivity', () => {
    expect(methodName(b('GET'), 0, 3)).toBe('GET');
    expect(methodName(b('get'), 0, 3)).toBe('get');
    expect(methodName(b('BREW'), 0, 4)).toBe('BREW');
    expect(methodName(b('XPOSTX'), 1, 5)).toBe('POST');
  });
});

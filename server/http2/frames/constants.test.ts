import { describe, expect, it } from 'vitest';
import { CONNECTION_PREFACE, CONNECTION_PREFACE_LENGTH, ErrorCode, errorCodeName, FrameType, frameTypeName } from './constants.js';

describe('HTTP/2 constants', () => {
  it('names every §7 error code and shows unknown ones by number', () => {
    expect(errorCodeName(ErrorCode.NO_ERROR)).toBe('NO_ERROR');
    expect(errorCodeName(0x6)).toBe('FRAME_SIZE_ERROR');
    expect(errorCodeName(0xd)).toBe('HTTP_1_1_REQUIRED');
    expect(errorCodeName(0xe)).toBe('UNKNOWN_ERROR_0xe');
    expect(errorCodeName(0xdeadbeef)).toBe('UNKNOWN_ERROR_0xdeadbeef');
    for (const [name, code] of Object.entries(ErrorCode)) expect(errorCodeName(code)).toBe(name);
  });

  it('names frame types in wire order', () => {
    for (const [name, code] of Object.entries(FrameType)) expect(frameTypeName(code)).toBe(name);
    expect(frameTypeName(0xa)).toBe('UNKNOWN_0xa');
  });

  it('has the 24-octet preface', () => {
    expect(CONNECTION_PREFACE.length).toBe(CONNECTION_PREFACE_LENGTH);
    expect(CONNECTION_PREFACE.toString('hex')).toBe('505249202a20485454502f322e300d0a0d0a534d0d0a0d0a');
  });
});

import { describe, expect, it } from 'vitest';
import { ErrorCode, SettingId } from './constants.js';
import type { Setting } from './frame.js';
import { validateSettings } from './settings.js';

const { HEADER_TABLE_SIZE, ENABLE_PUSH, MAX_CONCURRENT_STREAMS, INITIAL_WINDOW_SIZE, MAX_FRAME_SIZE, MAX_HEADER_LIST_SIZE, ENABLE_CONNECT_PROTOCOL, NO_RFC7540_PRIORITIES } = SettingId;

const code = (settings: Setting[]) => {
  const error = validateSettings(settings);
  if (error === null) return null;
  expect(error).toMatchObject({ kind: 'error', scope: 'connection', streamId: 0 });
  return error.code;
};

describe('validateSettings (RFC 9113 §6.5.2)', () => {
  it('accepts every in-range value, boundaries included', () => {
    expect(code([
      [HEADER_TABLE_SIZE, 0xffff_ffff], [ENABLE_PUSH, 0], [ENABLE_PUSH, 1], [MAX_CONCURRENT_STREAMS, 0],
      [INITIAL_WINDOW_SIZE, 0], [INITIAL_WINDOW_SIZE, 2 ** 31 - 1], [MAX_FRAME_SIZE, 16_384], [MAX_FRAME_SIZE, 16_777_215],
      [MAX_HEADER_LIST_SIZE, 0xffff_ffff], [ENABLE_CONNECT_PROTOCOL, 0], [ENABLE_CONNECT_PROTOCOL, 1],
      [NO_RFC7540_PRIORITIES, 0], [NO_RFC7540_PRIORITIES, 1],
    ])).toBeNull();
    expect(code([])).toBeNull();
  });

  it('ignores unknown identifiers, whatever their value', () => {
    expect(code([[0, 0xffff_ffff], [7, 99], [0xa, 5], [0xffff, 0xffff_ffff]])).toBeNull();
  });

  it('ENABLE_PUSH other than 0 or 1 is a PROTOCOL_ERROR', () => {
    expect(code([[ENABLE_PUSH, 2]])).toBe(ErrorCode.PROTOCOL_ERROR);
    expect(code([[ENABLE_PUSH, 0xffff_ffff]])).toBe(ErrorCode.PROTOCOL_ERROR);
  });

  it('INITIAL_WINDOW_SIZE above 2^31-1 is a FLOW_CONTROL_ERROR', () => {
    expect(code([[INITIAL_WINDOW_SIZE, 2 ** 31]])).toBe(ErrorCode.FLOW_CONTROL_ERROR);
    expect(code([[INITIAL_WINDOW_SIZE, 0xffff_ffff]])).toBe(ErrorCode.FLOW_CONTROL_ERROR);
  });

  it('MAX_FRAME_SIZE outside [16384, 16777215] is a PROTOCOL_ERROR', () => {
    expect(code([[MAX_FRAME_SIZE, 16_383]])).toBe(ErrorCode.PROTOCOL_ERROR);
    expect(code([[MAX_FRAME_SIZE, 0]])).toBe(ErrorCode.PROTOCOL_ERROR);
    expect(code([[MAX_FRAME_SIZE, 16_777_216]])).toBe(ErrorCode.PROTOCOL_ERROR);
  });

  it('ENABLE_CONNECT_PROTOCOL (RFC 8441 §3) and NO_RFC7540_PRIORITIES (RFC 9218 §2.1) other than 0 or 1 are PROTOCOL_ERRORs', () => {
    expect(code([[ENABLE_CONNECT_PROTOCOL, 2]])).toBe(ErrorCode.PROTOCOL_ERROR);
    expect(code([[NO_RFC7540_PRIORITIES, 2]])).toBe(ErrorCode.PROTOCOL_ERROR);
  });

  it('reports the first violation in wire order, even after valid values', () => {
    expect(code([[HEADER_TABLE_SIZE, 1], [INITIAL_WINDOW_SIZE, 2 ** 31], [ENABLE_PUSH, 5]])).toBe(ErrorCode.FLOW_CONTROL_ERROR);
    expect(validateSettings([[ENABLE_PUSH, 5], [INITIAL_WINDOW_SIZE, 2 ** 31]])!.message).toMatch(/SETTINGS_ENABLE_PUSH.*§6\.5\.2/);
  });
});

import { DEFAULT_MAX_FRAME_SIZE, ErrorCode, MAX_ALLOWED_FRAME_SIZE, MAX_WINDOW_SIZE, SettingId } from './constants.js';
import { connectionError } from './frame.js';
import type { FrameDecodeError, Setting } from './frame.js';

/**
 * Check the values of a received SETTINGS frame (RFC 9113 §6.5.2), in order, returning the first
 * violation as a connection error, or null. Pure: it knows nothing of earlier SETTINGS, so rules
 * about changes over time (RFC 8441 §3: ENABLE_CONNECT_PROTOCOL may not go from 1 back to 0;
 * RFC 9218 §2.1: NO_RFC7540_PRIORITIES may not change) are the connection's to enforce.
 *
 * Unknown identifiers are not errors: they MUST be ignored (§6.5.2). HEADER_TABLE_SIZE,
 * MAX_CONCURRENT_STREAMS and MAX_HEADER_LIST_SIZE accept any 32-bit value.
 */
export function validateSettings(settings: readonly Setting[]): FrameDecodeError | null {
  for (const [id, value] of settings) {
    switch (id) {
      case SettingId.ENABLE_PUSH:
        if (value > 1) return connectionError(ErrorCode.PROTOCOL_ERROR, `SETTINGS_ENABLE_PUSH ${value} is neither 0 nor 1 (RFC 9113 §6.5.2)`);
        break;
      case SettingId.INITIAL_WINDOW_SIZE:
        // Not a PROTOCOL_ERROR: a window above 2^31-1 is a flow-control violation (§6.5.2, §6.9.2).
        if (value > MAX_WINDOW_SIZE) return connectionError(ErrorCode.FLOW_CONTROL_ERROR, `SETTINGS_INITIAL_WINDOW_SIZE ${value} exceeds 2^31-1 (RFC 9113 §6.5.2)`);
        break;
      case SettingId.MAX_FRAME_SIZE:
        if (value < DEFAULT_MAX_FRAME_SIZE || value > MAX_ALLOWED_FRAME_SIZE) {
          return connectionError(ErrorCode.PROTOCOL_ERROR, `SETTINGS_MAX_FRAME_SIZE ${value} is outside [${DEFAULT_MAX_FRAME_SIZE}, ${MAX_ALLOWED_FRAME_SIZE}] (RFC 9113 §6.5.2)`);
        }
        break;
      case SettingId.ENABLE_CONNECT_PROTOCOL:
        if (value > 1) return connectionError(ErrorCode.PROTOCOL_ERROR, `SETTINGS_ENABLE_CONNECT_PROTOCOL ${value} is neither 0 nor 1 (RFC 8441 §3)`);
        break;
      case SettingId.NO_RFC7540_PRIORITIES:
        if (value > 1) return connectionError(ErrorCode.PROTOCOL_ERROR, `SETTINGS_NO_RFC7540_PRIORITIES ${value} is neither 0 nor 1 (RFC 9218 §2.1)`);
        break;
    }
  }
  return null;
}

/**
 * The numbers of the HTTP/2 wire format (RFC 9113): frame types, flags, error codes, settings
 * identifiers, the connection preface and the size limits. Plain frozen objects rather than
 * enums, so the values read the same in code, in tests and in a hex dump.
 */

/** Frame type codes (RFC 9113 §6, registry in §11.2). Anything else is an extension frame (§5.5). */
export const FrameType = {
  DATA: 0x0,
  HEADERS: 0x1,
  PRIORITY: 0x2,
  RST_STREAM: 0x3,
  SETTINGS: 0x4,
  PUSH_PROMISE: 0x5,
  PING: 0x6,
  GOAWAY: 0x7,
  WINDOW_UPDATE: 0x8,
  CONTINUATION: 0x9,
} as const;
export type FrameTypeName = keyof typeof FrameType;

/**
 * Frame flags (RFC 9113 §6). Flags are defined per frame type and share bits: ACK (SETTINGS, PING)
 * and END_STREAM (DATA, HEADERS) are both 0x1. Undefined flags are ignored on receipt (§4.1).
 */
export const FrameFlag = {
  END_STREAM: 0x1,
  ACK: 0x1,
  END_HEADERS: 0x4,
  PADDED: 0x8,
  PRIORITY: 0x20,
} as const;

/** Error codes carried by RST_STREAM and GOAWAY (RFC 9113 §7). */
export const ErrorCode = {
  NO_ERROR: 0x0,
  PROTOCOL_ERROR: 0x1,
  INTERNAL_ERROR: 0x2,
  FLOW_CONTROL_ERROR: 0x3,
  SETTINGS_TIMEOUT: 0x4,
  STREAM_CLOSED: 0x5,
  FRAME_SIZE_ERROR: 0x6,
  REFUSED_STREAM: 0x7,
  CANCEL: 0x8,
  COMPRESSION_ERROR: 0x9,
  CONNECT_ERROR: 0xa,
  ENHANCE_YOUR_CALM: 0xb,
  INADEQUATE_SECURITY: 0xc,
  HTTP_1_1_REQUIRED: 0xd,
} as const;
export type ErrorCodeName = keyof typeof ErrorCode;

const ERROR_CODE_NAMES: readonly string[] = Object.keys(ErrorCode);

/**
 * The name of an error code for logs. §7: unknown codes carry no special meaning (a receiver MAY
 * treat them as INTERNAL_ERROR), so they are shown by number rather than mapped to a known name.
 */
export function errorCodeName(code: number): string {
  return code >= 0 && code < ERROR_CODE_NAMES.length && Number.isInteger(code)
    ? ERROR_CODE_NAMES[code]!
    : `UNKNOWN_ERROR_0x${code.toString(16)}`;
}

const FRAME_TYPE_NAMES: readonly string[] = Object.keys(FrameType);

/** The name of a frame type for logs; extension types (§5.5) are shown by number. */
export function frameTypeName(type: number): string {
  return type >= 0 && type < FRAME_TYPE_NAMES.length && Number.isInteger(type)
    ? FRAME_TYPE_NAMES[type]!
    : `UNKNOWN_0x${type.toString(16)}`;
}

/** SETTINGS parameter identifiers (RFC 9113 §6.5.2, RFC 8441 §3, RFC 9218 §2.1). */
export const SettingId = {
  HEADER_TABLE_SIZE: 0x1,
  ENABLE_PUSH: 0x2,
  MAX_CONCURRENT_STREAMS: 0x3,
  INITIAL_WINDOW_SIZE: 0x4,
  MAX_FRAME_SIZE: 0x5,
  MAX_HEADER_LIST_SIZE: 0x6,
  /** RFC 8441 §3: extended CONNECT (e.g. WebSockets over HTTP/2). */
  ENABLE_CONNECT_PROTOCOL: 0x8,
  /** RFC 9218 §2.1: the sender does not use RFC 7540 priority signals. */
  NO_RFC7540_PRIORITIES: 0x9,
} as const;

/**
 * The connection preface a client sends first (RFC 9113 §3.4): "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
 * 24 octets chosen so that an HTTP/1.1 server rejects it as a request with an unknown method.
 */
export const CONNECTION_PREFACE: Buffer = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');
export const CONNECTION_PREFACE_LENGTH = 24;

/** Every frame starts with a 9-octet header: length(24) type(8) flags(8) R(1) stream id(31) (§4.1). */
export const FRAME_HEADER_LENGTH = 9;

/** Initial SETTINGS_MAX_FRAME_SIZE, and the smallest value a peer may advertise (§6.5.2). */
export const DEFAULT_MAX_FRAME_SIZE = 16_384;
/** The largest SETTINGS_MAX_FRAME_SIZE: the 24-bit length field's maximum, 2^24-1 (§4.2, §6.5.2). */
export const MAX_ALLOWED_FRAME_SIZE = 16_777_215;
/** A flow-control window may not exceed 2^31-1 octets (§6.9.1). */
export const MAX_WINDOW_SIZE = 2_147_483_647;
/** Stream identifiers are 31 bits (§5.1.1); the same mask clears the reserved bit (§4.1). */
export const MAX_STREAM_ID = 0x7fff_ffff;

/** Initial values of the settings a peer has not sent yet (§6.5.2). */
export const DEFAULT_HEADER_TABLE_SIZE = 4_096;
export const DEFAULT_INITIAL_WINDOW_SIZE = 65_535;

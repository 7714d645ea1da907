/**
 * The HTTP/2 frame layer (RFC 9113 §4, §6), sans-I/O: a `FrameReader` turning bytes into frames
 * or frame-level errors, encoders turning frames into bytes, the preface check, and the pure
 * SETTINGS value check. Connection and stream state live above this layer.
 */
export * from './constants.js';
export type {
  ContinuationFrame,
  DataFrame,
  Frame,
  FrameDecodeError,
  GoawayFrame,
  HeadersFrame,
  PingFrame,
  PriorityFrame,
  PrioritySpec,
  PushPromiseFrame,
  RstStreamFrame,
  Setting,
  SettingsFrame,
  UnknownFrame,
  WindowUpdateFrame,
} from './frame.js';
export { connectionError, streamError } from './frame.js';
export { FrameReader } from './frame-reader.js';
export type { FrameReaderOptions } from './frame-reader.js';
export {
  encodeData,
  encodeFrame,
  encodeGoaway,
  encodeHeaders,
  encodePing,
  encodePriority,
  encodeRstStream,
  encodeSettings,
  encodeSettingsAck,
  encodeWindowUpdate,
  writeFrameHeader,
} from './frame-writer.js';
export { matchPreface } from './preface.js';
export type { PrefaceMatch } from './preface.js';
export { validateSettings } from './settings.js';

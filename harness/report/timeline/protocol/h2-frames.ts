import { errorCodeName, FRAME_HEADER_LENGTH, frameTypeName } from '../../../../server/http2/frames/constants.js';
import { RawH2Client, type ReceivedFrame } from '../../../h2/raw-h2-client.js';
import { clip, type MessageSink } from './message.js';

/**
 * HTTP/2 frames (RFC 9113 §4.1) in one direction's bytes, each labelled at its offsets. The frame
 * header is walked here only to know where each frame ends; the frame itself is decoded by
 * RawH2Client's reading side (the server's FrameReader and HpackDecoder), one frame per receive,
 * so its HPACK context follows the peer's field blocks in order.
 *
 * `base` is the offset of bytes[0] in the direction's stream. Returns a note when the bytes stop
 * being frames (a decode error, or the stream ends inside a frame).
 */
export function h2FrameMessages(bytes: Buffer, base: number, sink: MessageSink): string | null {
  const reader = new RawH2Client({ write() {} });
  // As read-exchange.ts does: follow the peer's table size updates whatever limit was advertised.
  reader.decoder.setMaxTableSize(0xffffffff);
  let at = 0;
  while (at + FRAME_HEADER_LENGTH <= bytes.length) {
    const length = bytes.readUIntBE(at, 3);
    const end = at + FRAME_HEADER_LENGTH + length;
    if (end > bytes.length) break;
    reader.receive(bytes.subarray(at, end));
    const frame = reader.frames.pop();
    reader.frames.length = 0;
    if (reader.decodeError !== null) {
      const e = reader.decodeError;
      sink.add({ start: base + at, end: base + end, text: clip(`${frameTypeName(bytes[at + 3]!)} s${bytes.readUInt32BE(at + 5) & 0x7fffffff}: undecodable (${e.message})`) });
      if (e.scope === 'connection') return `HTTP/2 frames stop being readable at offset ${base + at}: ${e.message}`;
      reader.decodeError = null;
    } else if (frame !== undefined) {
      sink.add({ start: base + at, end: base + end, text: frameLabel(frame) });
    }
    at = end;
  }
  return at < bytes.length ? `the bytes end inside an HTTP/2 frame (${bytes.length - at} B after the last whole frame)` : null;
}

/** "HEADERS s1 GET /x", "DATA s1 1200 B END_STREAM", "RST_STREAM s3 CANCEL", "GOAWAY last 5 PROTOCOL_ERROR". */
export function frameLabel(f: ReceivedFrame): string {
  switch (f.type) {
    case 'HEADERS': {
      const field = (name: string) => f.fields?.find(([n]) => n === name)?.[1];
      const status = field(':status');
      const method = field(':method');
      const what = status !== undefined ? `:status ${status}` : method !== undefined ? `${method} ${field(':path') ?? field(':authority') ?? ''}`.trim() : f.fields === undefined ? '(block continues)' : '(trailers)';
      return clip(`HEADERS s${f.streamId} ${what}${f.endStream ? ' END_STREAM' : ''}`);
    }
    case 'DATA': return `DATA s${f.streamId} ${f.data.length} B${f.endStream ? ' END_STREAM' : ''}`;
    case 'SETTINGS': return f.ack ? 'SETTINGS ACK' : `SETTINGS${f.settings.length > 0 ? ` ${f.settings.map(([id, v]) => `${settingName(id)}=${v}`).join(' ')}` : ''}`;
    case 'WINDOW_UPDATE': return `WINDOW_UPDATE s${f.streamId} +${f.increment}`;
    case 'RST_STREAM': return `RST_STREAM s${f.streamId} ${errorCodeName(f.errorCode)}`;
    case 'GOAWAY': return clip(`GOAWAY last ${f.lastStreamId} ${errorCodeName(f.errorCode)}${f.debug.length > 0 ? ` "${f.debug.toString('utf8')}"` : ''}`);
    case 'PING': return f.ack ? 'PING ACK' : 'PING';
    case 'PRIORITY': return `PRIORITY s${f.streamId}`;
    case 'CONTINUATION': return `CONTINUATION s${f.streamId}${f.endHeaders ? ' END_HEADERS' : ''}`;
    case 'PUSH_PROMISE': return `PUSH_PROMISE s${f.streamId} promised s${f.promisedStreamId}`;
    case 'UNKNOWN': return `frame type 0x${f.typeCode.toString(16)} s${f.streamId} ${f.length} B`;
  }
}

const SETTING_NAMES: Record<number, string> = {
  1: 'HEADER_TABLE_SIZE',
  2: 'ENABLE_PUSH',
  3: 'MAX_CONCURRENT_STREAMS',
  4: 'INITIAL_WINDOW_SIZE',
  5: 'MAX_FRAME_SIZE',
  6: 'MAX_HEADER_LIST_SIZE',
  8: 'ENABLE_CONNECT_PROTOCOL',
  9: 'NO_RFC7540_PRIORITIES',
};

function settingName(id: number): string {
  return SETTING_NAMES[id] ?? `0x${id.toString(16)}`;
}

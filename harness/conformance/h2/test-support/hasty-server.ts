import net from 'node:net';
import { CONNECTION_PREFACE_LENGTH, ErrorCode } from '../../../../server/http2/frames/constants.js';
import { FrameReader } from '../../../../server/http2/frames/frame-reader.js';
import { encodeData, encodeGoaway, encodeHeaders, encodePing, encodeRstStream, encodeSettings, encodeSettingsAck } from '../../../../server/http2/frames/frame-writer.js';
import { matchPreface } from '../../../../server/http2/frames/preface.js';
import { HpackDecoder, HpackEncoder } from '../../../../server/http2/hpack/index.js';
import { listenOnLoopback, type RunningServer } from '../../listen-loopback.js';

/**
 * A deliberately careless HTTP/2 server, for the suite's own tests: the kind of server the real
 * h2spec failed on 9 cases while an earlier version of this suite passed it. It answers every
 * request the moment its HEADERS arrive (404, as `aeronet serve` answers h2spec's default `/`),
 * asks the client to stop sending with RST_STREAM NO_ERROR when the request is not finished
 * (RFC 9113 §8.1 allows that), and from then on ignores everything on the stream: no §5.1
 * checks after a RST_STREAM, no WINDOW_UPDATE rules, no content-length or trailer rules. Bytes
 * that do not start with the preface get an HTTP/1.1 400, as a port that also serves HTTP/1.1
 * might answer them. Otherwise it is a working server: SETTINGS and PING are answered, and a
 * connection-level WINDOW_UPDATE of 0 or a frame the codec rejects ends the connection.
 */
export async function startHastyServer(): Promise<RunningServer> {
  const server = net.createServer((socket) => {
    socket.on('error', () => {});
    serve(socket);
  });
  return listenOnLoopback(server);
}

function serve(socket: net.Socket): void {
  const reader = new FrameReader({ maxFrameSize: 16_384 });
  const decoder = new HpackDecoder({ maxTableSize: 4096, maxHeaderListSize: 64 * 1024 });
  const encoder = new HpackEncoder();
  let preface: Buffer | null = Buffer.alloc(0);
  let lastStream = 0;
  let block: { id: number; endStream: boolean; parts: Buffer[] } | null = null;

  const fail = (code: number) => {
    socket.end(encodeGoaway(lastStream, code));
  };
  const answer = (id: number, endStream: boolean) => {
    const body = Buffer.from('not found\n');
    for (const f of encodeHeaders(id, encoder.encode([[':status', '404'], ['content-length', String(body.length)]]), false, 16_384)) socket.write(f);
    socket.write(encodeData(id, body, true));
    if (!endStream) socket.write(encodeRstStream(id, ErrorCode.NO_ERROR));
  };
  const onBlock = (id: number, endStream: boolean, parts: Buffer[]) => {
    try {
      decoder.decode(Buffer.concat(parts));
    } catch {
      return fail(ErrorCode.COMPRESSION_ERROR);
    }
    // A new stream is answered at once; anything on a stream seen before is ignored.
    if (id > lastStream) {
      lastStream = id;
      answer(id, endStream);
    }
  };

  socket.on('data', (chunk: Buffer) => {
    let input = chunk;
    if (preface !== null) {
      const got = Buffer.concat([preface, chunk]);
      const match = matchPreface(got);
      if (match === 'mismatch') {
        socket.end('HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
        return;
      }
      if (match === 'partial') {
        preface = got;
        return;
      }
      preface = null;
      input = got.subarray(CONNECTION_PREFACE_LENGTH);
      socket.write(encodeSettings([[0x3, 100]])); // MAX_CONCURRENT_STREAMS
    }
    reader.push(input);
    for (let f = reader.next(); f !== null; f = reader.next()) {
      if (f.kind === 'error') {
        if (f.scope === 'connection') return fail(f.code);
        continue;
      }
      switch (f.type) {
        case 'SETTINGS':
          if (!f.ack) socket.write(encodeSettingsAck());
          break;
        case 'PING':
          if (!f.ack) socket.write(encodePing(f.opaque, true));
          break;
        case 'HEADERS':
          if (f.endHeaders) onBlock(f.streamId, f.endStream, [f.fragment]);
          else block = { id: f.streamId, endStream: f.endStream, parts: [Buffer.from(f.fragment)] };
          break;
        case 'CONTINUATION':
          if (block === null) break;
          block.parts.push(Buffer.from(f.fragment));
          if (f.endHeaders) {
            const { id, endStream, parts } = block;
            block = null;
            onBlock(id, endStream, parts);
          }
          break;
        case 'WINDOW_UPDATE':
          if (f.streamId === 0 && f.increment === 0) return fail(ErrorCode.PROTOCOL_ERROR);
          break;
        case 'GOAWAY':
          socket.end();
          return;
        default:
          // DATA, RST_STREAM, PRIORITY, unknown frames: ignored.
          break;
      }
    }
  });
}

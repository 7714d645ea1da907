import { dialConnectTarget } from '../core/connect-dial.js';
import type { ConnectionContext, ConnectOptions } from '../http1/http1-options.js';
import { ErrorCode } from './frames/constants.js';
import { StreamState, type Http2Stream } from './http2-stream.js';
import type { Http2Connection } from './http2-connection.js';

/**
 * CONNECT over HTTP/2 (RFC 9113 §8.5): one stream carries one TCP connection to an allowed
 * target. The 2xx HEADERS opens the tunnel; DATA frames carry the bytes each way, with the
 * stream's flow control as backpressure; END_STREAM and FIN map onto each other; a failure of the
 * TCP connection resets the stream with CONNECT_ERROR, and a reset stream resets the TCP
 * connection. The allowlist, dial and its timeout are the same as HTTP/1.1's.
 */
export async function tunnelOverStream(stream: Http2Stream, connection: Http2Connection, options: ConnectOptions, context: ConnectionContext): Promise<void> {
  const authority = stream.fields.authority;
  const log = (event: string, data: Record<string, unknown>) => context.logger.log('info', event, { connection: connection.id, stream: stream.id, target: authority, ...data });
  const dialed = await dialConnectTarget(options, authority, context.clock);
  if (!dialed.ok) {
    log('http2.connect-failed', { status: dialed.status, error: dialed.error ?? dialed.message });
    if (stream.state !== StreamState.Closed) stream.sendError(dialed.status, dialed.message, []);
    return;
  }
  const upstream = dialed.upstream;
  if (stream.state === StreamState.Closed) {
    upstream.close();
    return;
  }
  let bytesUp = 0;
  let bytesDown = 0;
  let upstreamEnded = false;
  let upstreamWritable: (() => void) | null = null;
  upstream.attach({
    onData(chunk) {
      bytesDown += chunk.length;
      if (!stream.writeBody(chunk)) {
        upstream.pause();
        void stream.waitForDrain().then(() => upstream.resume());
      }
    },
    onEnd() {
      // The target's FIN becomes END_STREAM (§8.5).
      upstreamEnded = true;
      stream.endStream(null);
    },
    onDrain() {
      const wake = upstreamWritable;
      upstreamWritable = null;
      wake?.();
    },
    onError(error) {
      log('http2.tunnel-error', { code: error.code, message: error.message });
    },
    onClose() {
      const wake = upstreamWritable;
      upstreamWritable = null;
      wake?.();
      log('http2.tunnel-closed', { bytesUp, bytesDown });
      // A TCP connection that ended without its FIN is a CONNECT_ERROR on the stream (§8.5).
      if (!upstreamEnded && stream.state !== StreamState.Closed) connection.resetStream(stream, ErrorCode.CONNECT_ERROR, 'the tunnel\'s TCP connection failed', false);
    },
  });
  // The client reset the stream: the TCP connection is reset too (§8.5).
  stream.request.signal.addEventListener('abort', () => {
    if (!upstream.closed) upstream.reset();
  }, { once: true });
  // RFC 9110 §9.3.6: a 2xx to CONNECT has no content-length.
  stream.startStream(200, [], -1);
  log('http2.tunnel-open', {});
  try {
    for await (const chunk of stream.body) {
      bytesUp += chunk.length;
      if (!upstream.write(chunk)) await new Promise<void>((resolve) => { upstreamWritable = resolve; });
    }
    // The client's END_STREAM becomes the target's FIN.
    upstream.end();
  } catch {
    if (!upstream.closed) upstream.reset();
  }
}

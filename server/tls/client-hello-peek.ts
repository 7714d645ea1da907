import type { Duplex } from 'node:stream';
import { readClientHello, type ClientHelloInfo } from './client-hello.js';

/**
 * Reads a connection's first bytes until its ClientHello is complete, then gives every byte back
 * (`unshift`), so the TLSSocket made next sees the stream exactly as the client sent it. node:tls
 * picks up bytes already buffered in the stream it wraps (TLSSocket's initRead), for a kernel
 * socket and for any other Duplex alike.
 */

export type PeekResult =
  | { kind: 'hello'; hello: ClientHelloInfo }
  /** Not a ClientHello we could read (plaintext, SSL 2.0, malformed, too long): OpenSSL decides. */
  | { kind: 'opaque'; reason: string }
  | { kind: 'ended' }
  | { kind: 'closed'; code: string; message: string };

/**
 * Past this many bytes the peek gives up and OpenSSL gets the connection as it is. Real
 * ClientHellos are a few hundred bytes to a few KiB (post-quantum key shares and a ticket with a
 * client certificate in it included); OpenSSL itself refuses far larger ones.
 */
export const MAX_PEEK_BYTES = 64 * 1024;

export interface PeekHandle {
  /** Stop listening (the handshake was abandoned); the stream is left to the caller. */
  cancel(): void;
}

export function peekClientHello(stream: Duplex, done: (result: PeekResult) => void, limit = MAX_PEEK_BYTES): PeekHandle {
  const chunks: Buffer[] = [];
  let total = 0;
  // Parse again only once a record boundary can have been reached: a peer that dribbles bytes
  // one at a time costs one parse per record, not one per byte.
  let needed = 0;
  let finished = false;
  const finish = (result: PeekResult, giveBack: boolean): void => {
    if (!detach()) return;
    if (giveBack) {
      stream.pause();
      if (total > 0) stream.unshift(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total));
    }
    done(result);
  };
  const onData = (chunk: Buffer | string): void => {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk;
    chunks.push(bytes);
    total += bytes.length;
    if (total < needed) {
      if (total >= limit) finish({ kind: 'opaque', reason: `no complete ClientHello within ${limit} bytes` }, true);
      return;
    }
    const input = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total);
    chunks.length = 0;
    chunks.push(input);
    const verdict = readClientHello(input);
    if (verdict.kind === 'hello') finish({ kind: 'hello', hello: verdict.hello }, true);
    else if (verdict.kind === 'not-a-client-hello') finish({ kind: 'opaque', reason: verdict.reason }, true);
    else if (total >= limit) finish({ kind: 'opaque', reason: `no complete ClientHello within ${limit} bytes` }, true);
    else needed = verdict.needed;
  };
  const onEnd = (): void => finish({ kind: 'ended' }, false);
  const onError = (err: NodeJS.ErrnoException): void => finish({ kind: 'closed', code: err.code ?? 'EUNKNOWN', message: err.message }, false);
  const onClose = (): void => finish({ kind: 'closed', code: 'ECONNRESET', message: 'the connection closed during the TLS handshake' }, false);
  /** Stop listening, once: false when the peek had already finished or been cancelled. */
  function detach(): boolean {
    if (finished) return false;
    finished = true;
    stream.off('data', onData);
    stream.off('end', onEnd);
    stream.off('error', onError);
    stream.off('close', onClose);
    return true;
  }
  stream.on('data', onData);
  stream.once('end', onEnd);
  stream.once('error', onError);
  stream.once('close', onClose);
  return {
    cancel() {
      detach();
    },
  };
}

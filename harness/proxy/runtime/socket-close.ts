import type { Socket } from 'node:net';

const EMPTY = Buffer.alloc(0);

/**
 * Close a socket fully, as Go's TCPConn.Close() does (reference §5: no half-close). Writes already
 * accepted are flushed to the kernel first (Go's Write returned only once they were there).
 * `reset`: the connection has SO_LINGER=0 semantics (a reset_peer toxic existed at setup, §7), so
 * the close is an RST instead of a FIN: Node's resetAndDestroy(), once the pending writes are out.
 */
export function closeSocket(socket: Socket, reset: boolean): void {
  if (socket.destroyed) return;
  if (!reset) {
    socket.destroySoon();
    return;
  }
  if (socket.writableLength === 0) {
    socket.resetAndDestroy();
    return;
  }
  // A zero-length write's callback runs after every write queued before it.
  socket.write(EMPTY, () => {
    if (!socket.destroyed) socket.resetAndDestroy();
  });
}

/** Close at once, dropping what is buffered (stop(), §5: the proxy's connections are closed). */
export function abortSocket(socket: Socket, reset: boolean): void {
  if (socket.destroyed) return;
  if (reset) socket.resetAndDestroy();
  else socket.destroy();
}

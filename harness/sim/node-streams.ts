import { Duplex } from 'node:stream';
import type { Clock, Timer } from '../../server/transport/clock.js';
import type { Transport, TransportError } from '../../server/transport/transport.js';
import type { TestConnection } from './test-socket.js';

/**
 * node:stream adapters for the simulated network, so Node's own protocol stacks run over it:
 * node:tls and node:http / node:http2 clients over a connection's client end, and node:tls,
 * node:http or node:http2 servers over its server end. Node defers work with nextTick and
 * setImmediate; a Sim that carries such streams must be told (`sim.useNodeStreams()`) so that it
 * lets that work finish before it moves virtual time on.
 */

/** An error as a socket reports it: with a syscall-style code. */
function socketError(code: string, message: string): NodeJS.ErrnoException {
  return Object.assign(new Error(message), { code });
}

/**
 * The client end of `conn` as a Duplex. Reading applies backpressure to the simulated link (a
 * full readable buffer stops the client reading, so the server sees the window close). Like a
 * socket's: destroy() closes (what was written still goes, then FIN), with or without an error;
 * resetAndDestroy() sends a reset.
 */
export function clientStream(conn: TestConnection): Duplex & { resetAndDestroy(): Duplex } {
  const client = conn.client;
  let finished = false;
  const stream = new Duplex({
    allowHalfOpen: true,
    read() {
      client.resume();
    },
    write(chunk: Buffer, _encoding, callback) {
      if (client.closed) {
        callback(socketError(client.error ?? 'EPIPE', `write ${client.error ?? 'EPIPE'}`));
        return;
      }
      client.write(chunk).then(() => callback(), (err: unknown) => callback(err as Error));
    },
    final(callback) {
      client.end();
      callback();
    },
    destroy(err, callback) {
      if (!client.closed && !resetRequested) client.end();
      callback(err);
    },
  }) as Duplex & { resetAndDestroy(): Duplex };
  let resetRequested = false;
  stream.resetAndDestroy = () => {
    resetRequested = true;
    if (!client.closed) client.reset();
    return stream.destroy();
  };
  client.observe({
    data(chunk) {
      if (stream.destroyed) return;
      if (!stream.push(chunk)) client.pause();
    },
    end() {
      if (stream.destroyed || finished) return;
      finished = true;
      stream.push(null);
    },
    closed(error) {
      if (stream.destroyed) return;
      if (error !== null) stream.destroy(socketError(error, `read ${error}`));
      else if (!finished) {
        finished = true;
        stream.push(null);
      }
    },
  });
  return stream;
}

/** Socket-like extras that node:http and node:http2 servers call on their connection. */
export interface SocketLikeStream extends Duplex {
  remoteAddress: string;
  remotePort: number;
  localAddress: string;
  localPort: number;
  /** node:http writes its error response only on a socket that has written nothing yet. */
  bytesWritten: number;
  setTimeout(ms: number, callback?: () => void): this;
  setNoDelay(noDelay?: boolean): this;
  setKeepAlive(enable?: boolean, initialDelay?: number): this;
  ref(): this;
  unref(): this;
  resetAndDestroy(): this;
}

/**
 * Any Transport (the server end of a TestConnection) as a socket-like Duplex, for running a node
 * server or node:tls over it. Idle timeouts (`setTimeout`) run on `clock`, the simulation's
 * virtual clock, like every other timer in the world. As on a kernel socket, destroy() closes
 * (what was written still goes, then FIN; bytes arriving afterwards are answered with a reset),
 * with or without an error, and resetAndDestroy() resets.
 */
export function transportStream(transport: Transport, clock: Clock): SocketLikeStream {
  let waitingForDrain: (() => void) | null = null;
  let ended = false;
  let idleMs = 0;
  let idleTimer: Timer | null = null;

  const touch = () => {
    if (idleMs <= 0) return;
    idleTimer?.cancel();
    idleTimer = clock.setTimer(idleMs, () => {
      idleTimer = null;
      if (!stream.destroyed) stream.emit('timeout');
    });
  };

  const stream = new Duplex({
    allowHalfOpen: true,
    read() {
      transport.resume();
    },
    write(chunk: Buffer, _encoding, callback) {
      if (transport.closed) {
        callback(socketError('EPIPE', 'write EPIPE'));
        return;
      }
      touch();
      stream.bytesWritten += chunk.length;
      if (transport.write(chunk)) callback();
      else waitingForDrain = () => callback();
    },
    final(callback) {
      transport.end();
      callback();
    },
    destroy(err, callback) {
      idleTimer?.cancel();
      idleTimer = null;
      if (!transport.closed) transport.close();
      const pending = waitingForDrain;
      waitingForDrain = null;
      pending?.();
      callback(err);
    },
  }) as SocketLikeStream;

  const info = transport.info;
  stream.remoteAddress = info.remoteAddress;
  stream.remotePort = info.remotePort;
  stream.localAddress = info.localAddress;
  stream.localPort = info.localPort;
  stream.bytesWritten = 0;
  stream.resetAndDestroy = function () {
    if (!transport.closed) transport.reset();
    return this.destroy();
  };
  stream.setTimeout = function (ms: number, callback?: () => void) {
    idleMs = ms;
    if (callback) this.once('timeout', callback);
    if (ms > 0) touch();
    else {
      idleTimer?.cancel();
      idleTimer = null;
    }
    return this;
  };
  stream.setNoDelay = function () { return this; };
  stream.setKeepAlive = function () { return this; };
  stream.ref = function () { return this; };
  stream.unref = function () { return this; };

  transport.attach({
    onData(chunk) {
      touch();
      if (!stream.destroyed && !stream.push(chunk)) transport.pause();
    },
    onEnd() {
      if (stream.destroyed || ended) return;
      ended = true;
      stream.push(null);
    },
    onDrain() {
      const pending = waitingForDrain;
      waitingForDrain = null;
      pending?.();
    },
    onError(error: TransportError) {
      if (!stream.destroyed) stream.destroy(socketError(error.code, error.message));
    },
    onClose() {
      idleTimer?.cancel();
      idleTimer = null;
      if (!stream.destroyed) stream.destroy();
    },
  });
  return stream;
}

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
 * full readable buffer stops the client reading, so the server sees the window close). destroy()
 * sends FIN, or a reset when destroyed with an error, as closing a socket with unread trouble does.
 */
export function clientStream(conn: TestConnection): Duplex {
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
      if (!client.closed) {
        if (err) client.reset();
        else client.end();
      }
      callback(err);
    },
  });
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
  setTimeout(ms: number, callback?: () => void): this;
  setNoDelay(noDelay?: boolean): this;
  setKeepAlive(enable?: boolean, initialDelay?: number): this;
  ref(): this;
  unref(): this;
}

/**
 * Any Transport (the server end of a TestConnection) as a socket-like Duplex, for running a node
 * server or node:tls over it. Idle timeouts (`setTimeout`) run on `clock`, the simulation's
 * virtual clock, like every other timer in the world. destroy() closes (flush, FIN) or, with an
 * error, resets.
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
      if (!transport.closed) {
        if (err) transport.reset();
        else transport.close();
      }
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

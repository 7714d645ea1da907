import net from 'node:net';
import type { Dialer } from '../http1/http1-options.js';
import { SocketTransport } from './socket-transport.js';

/** The production Dialer for CONNECT tunnels: a TCP connection through node:net. */
export const netDialer: Dialer = (host, port) =>
  new Promise((resolve, reject) => {
    const socket = net.connect({ host, port, allowHalfOpen: true });
    const onError = (err: Error) => {
      socket.destroy();
      reject(err);
    };
    socket.once('error', onError);
    socket.once('connect', () => {
      socket.off('error', onError);
      resolve(new SocketTransport(socket));
    });
  });

import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../server/http2/frames/constants.js';
import { socketTarget } from './target.js';

/**
 * A server on its own thread (so it answers while the test's thread is busy): on the first bytes
 * of a connection it writes a GOAWAY(PROTOCOL_ERROR) frame and closes the socket at once.
 */
const SERVER = `
const net = require('node:net');
const { parentPort } = require('node:worker_threads');
const goaway = Buffer.from([0, 0, 8, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
const server = net.createServer((s) => {
  s.once('data', () => { s.write(goaway); s.destroy(); });
  s.on('error', () => {});
});
server.listen(0, '127.0.0.1', () => parentPort.postMessage(server.address().port));
parentPort.on('message', () => server.close(() => process.exit(0)));
`;

/** Block this thread for `ms` (the server thread goes on). */
const spin = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

describe('socketTarget', () => {
  let worker: Worker;
  let port = 0;
  beforeAll(async () => {
    worker = new Worker(SERVER, { eval: true });
    [port] = (await once(worker, 'message')) as [number];
  });
  afterAll(async () => {
    worker.postMessage('stop');
    await once(worker, 'exit');
  });

  it('keeps what the server sent before it went away when our later writes are refused, as a Go client does', async () => {
    const target = socketTarget({ host: '127.0.0.1', port });
    // RFC 9113 §5.4.1: the server sends GOAWAY and closes; our frames still going out then meet a
    // closed socket (a reset, then EPIPE). h2spec (Go) reads the GOAWAY after that; so must we.
    const conn = await target.connect();
    try {
      conn.client.raw(Buffer.alloc(9));
      spin(100); // the server reads it, answers GOAWAY and closes meanwhile
      conn.client.raw(Buffer.alloc(4000)); // reaches a closed socket: the server's kernel resets
      spin(100);
      conn.client.raw(Buffer.alloc(4000)); // refused
      expect(await conn.until(() => conn.closed, 2000)).toBe(true);
      expect(conn.writeFailed).toMatch(/^(EPIPE|RST)$/);
      expect(conn.client.frames.map((f) => f.type)).toEqual(['GOAWAY']);
      expect(conn.client.goawayFrame!.errorCode).toBe(ErrorCode.PROTOCOL_ERROR);
      expect(await conn.flushed(100)).toBe(false);
    } finally {
      conn.close();
    }
  });

  it('leaves the default port out of :authority, as h2spec (spec.CommonHeaders)', () => {
    expect(socketTarget({ host: 'example.com', port: 80 }).authority).toBe('example.com');
    expect(socketTarget({ host: 'example.com', port: 443, tls: true }).authority).toBe('example.com');
    expect(socketTarget({ host: 'example.com', port: 443 }).authority).toBe('example.com:443');
    expect(socketTarget({ host: '::1', port: 8080 }).authority).toBe('[::1]:8080');
  });
});

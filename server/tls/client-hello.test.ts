import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import net from 'node:net';
import { PassThrough } from 'node:stream';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readClientHello } from './client-hello.js';
import { peekClientHello, type PeekResult } from './client-hello-peek.js';
import { generateTestCertificates, type TestCertificates } from './test-support/certs.js';

/**
 * The ClientHello reader on real ClientHellos (node:tls's, with and without a session ticket,
 * TLS 1.2 and 1.3), re-cut into every record size and fed in every split; then on hostile input.
 */

let certs: TestCertificates;
const ticketKeys = randomBytes(48);
const sessions: Record<'TLSv1.2' | 'TLSv1.3', Buffer> = {} as never;
let ticketServer: tls.Server;

beforeAll(async () => {
  certs = generateTestCertificates();
  ticketServer = tls.createServer({ cert: certs.localhost.cert, key: certs.localhost.key, ticketKeys }, (s) => s.end('x'));
  ticketServer.listen(0, '127.0.0.1');
  await once(ticketServer, 'listening');
  const port = (ticketServer.address() as net.AddressInfo).port;
  for (const maxVersion of ['TLSv1.2', 'TLSv1.3'] as const) {
    sessions[maxVersion] = await new Promise<Buffer>((resolve, reject) => {
      let session: Buffer | null = null;
      const s = tls.connect({ host: '127.0.0.1', port, ca: certs.ca, servername: 'localhost', maxVersion });
      s.on('session', (x: Buffer) => (session = x));
      s.on('data', () => {});
      s.on('close', () => (session ? resolve(session) : reject(new Error('no session'))));
      s.on('error', reject);
    });
  }
});
afterAll(async () => {
  await new Promise((r) => ticketServer?.close(r));
  certs?.cleanup();
});

/** The bytes node:tls sends first, captured on a loopback socket that never answers. */
async function captureClientHello(options: tls.ConnectionOptions): Promise<Buffer> {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const got = new Promise<Buffer>((resolve) => {
    server.once('connection', (s) => {
      const chunks: Buffer[] = [];
      s.on('data', (c: Buffer) => {
        chunks.push(c);
        const all = Buffer.concat(chunks);
        if (readClientHello(all).kind !== 'need-more') {
          resolve(all);
          s.destroy();
        }
      });
    });
  });
  const client = tls.connect({ host: '127.0.0.1', port: (server.address() as net.AddressInfo).port, ca: certs.ca, ...options });
  client.on('error', () => {});
  const hello = await got;
  client.destroy();
  server.close();
  return hello;
}

/** The same ClientHello message re-framed into records of at most `size` bytes (RFC 8446 §5.1 allows it). */
function refragment(hello: Buffer, size: number): Buffer {
  const message = hello.subarray(5, 5 + hello.readUInt16BE(3));
  const out: Buffer[] = [];
  for (let i = 0; i < message.length; i += size) {
    const piece = message.subarray(i, i + size);
    const header = Buffer.from([22, 3, 1, 0, 0]);
    header.writeUInt16BE(piece.length, 3);
    out.push(header, piece);
  }
  return Buffer.concat(out);
}

describe('readClientHello on node:tls ClientHellos', () => {
  it('reads SNI and no ticket from a fresh TLS 1.3 hello', async () => {
    const hello = await captureClientHello({ servername: 'Api.Example.test' });
    const verdict = readClientHello(hello);
    expect(verdict).toEqual({ kind: 'hello', hello: { serverName: 'Api.Example.test', ticketKeyNames: [] } });
  });

  it('a hello without SNI (an IP address) has serverName null', async () => {
    const verdict = readClientHello(await captureClientHello({ checkServerIdentity: () => undefined }));
    expect(verdict.kind === 'hello' && verdict.hello.serverName).toBeNull();
  });

  for (const version of ['TLSv1.2', 'TLSv1.3'] as const) {
    it(`finds the ticket key name in a ${version} resumption hello (${version === 'TLSv1.2' ? 'SessionTicket extension' : 'PSK identity'})`, async () => {
      const hello = await captureClientHello({ servername: 'localhost', session: sessions[version], maxVersion: version });
      const verdict = readClientHello(hello);
      expect(verdict.kind).toBe('hello');
      if (verdict.kind !== 'hello') return;
      expect(verdict.hello.serverName).toBe('localhost');
      expect(verdict.hello.ticketKeyNames.map((n) => n.toString('hex'))).toContain(ticketKeys.subarray(0, 16).toString('hex'));
    });
  }

  it('gives the same answer however the hello is cut into records and into reads', async () => {
    const hello = await captureClientHello({ servername: 'localhost', session: sessions['TLSv1.3'] });
    const expected = readClientHello(hello);
    for (const size of [1, 2, 7, 100, 16384]) {
      const framed = refragment(hello, size);
      expect(readClientHello(framed), `records of ${size}`).toEqual(expected);
      // Every strict prefix needs more, and says how much at least.
      for (let n = 0; n < framed.length; n += size === 1 ? 37 : 1) {
        const v = readClientHello(framed.subarray(0, n));
        expect(v.kind, `records of ${size}, ${n} bytes`).toBe('need-more');
        if (v.kind === 'need-more') expect(v.needed).toBeGreaterThan(n);
      }
    }
  });
});

describe('readClientHello on what is not a ClientHello', () => {
  it('plaintext HTTP, an SSL 2.0 hello, another handshake message, bad record lengths', () => {
    expect(readClientHello(Buffer.from('GET / HTTP/1.1\r\n\r\n')).kind).toBe('not-a-client-hello');
    expect(readClientHello(Buffer.from('8031010003', 'hex')).kind).toBe('not-a-client-hello');
    expect(readClientHello(Buffer.from('160301000402000000', 'hex'))).toMatchObject({ kind: 'not-a-client-hello', reason: expect.stringMatching(/type 2/) });
    expect(readClientHello(Buffer.from('1603010000', 'hex'))).toMatchObject({ kind: 'not-a-client-hello', reason: expect.stringMatching(/record length 0/) });
    expect(readClientHello(Buffer.from('1603014001', 'hex'))).toMatchObject({ kind: 'not-a-client-hello', reason: expect.stringMatching(/16385/) });
    // A ClientHello message whose inner lengths overrun the message.
    expect(readClientHello(Buffer.from('16030100060100000203ff', 'hex'))).toMatchObject({ kind: 'not-a-client-hello', reason: expect.stringMatching(/shorter than its length fields/) });
  });

  it('random bytes after a handshake record header never throw', () => {
    let seed = 7;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 0xff;
    for (let k = 0; k < 3000; k++) {
      const body = Buffer.from(Array.from({ length: 4 + (k % 300) }, random));
      body[0] = 1;
      const lengthField = k % 2 === 0 ? body.length - 4 : random() * 256 + random();
      body.writeUIntBE(Math.min(lengthField, 0xffffff), 1, 3);
      const record = Buffer.concat([Buffer.from([22, 3, 3, body.length >> 8, body.length & 0xff]), body]);
      expect(() => readClientHello(record)).not.toThrow();
    }
  });
});

describe('peekClientHello', () => {
  function peek(stream: PassThrough, limit?: number): Promise<PeekResult> {
    return new Promise((resolve) => peekClientHello(stream, resolve, limit));
  }

  it('gives every byte back to the stream, however it arrived', async () => {
    const hello = await captureClientHello({ servername: 'localhost' });
    const stream = new PassThrough();
    const result = peek(stream);
    for (let i = 0; i < hello.length; i++) stream.write(hello.subarray(i, i + 1));
    expect(await result).toMatchObject({ kind: 'hello', hello: { serverName: 'localhost' } });
    stream.end();
    const back: Buffer[] = [];
    stream.resume();
    for await (const chunk of stream) back.push(chunk as Buffer);
    expect(Buffer.concat(back).equals(hello)).toBe(true);
  });

  it('stops at the byte limit, and reports a client that ends or fails first', async () => {
    const long = new PassThrough();
    const tooLong = peek(long, 1000);
    long.write(Buffer.from('1603014000', 'hex'));
    long.write(Buffer.alloc(2000));
    expect(await tooLong).toMatchObject({ kind: 'opaque', reason: expect.stringMatching(/within 1000 bytes/) });
    const ends = new PassThrough();
    const ended = peek(ends);
    ends.end(Buffer.from('1603', 'hex'));
    expect(await ended).toEqual({ kind: 'ended' });
    const fails = new PassThrough();
    const failed = peek(fails);
    fails.destroy(Object.assign(new Error('reset'), { code: 'ECONNRESET' }));
    expect(await failed).toMatchObject({ kind: 'closed', code: 'ECONNRESET' });
  });
});

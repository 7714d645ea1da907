import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIM_SERVER_CERT_PEM, SIM_SERVER_KEY_PEM } from '../../harness/sim/sim-certs.js';
import { ErrorCode } from './frames/constants.js';
import { FrameReader } from './frames/frame-reader.js';
import type { Frame } from './frames/frame.js';
import { rawExchange, startTestServer, type TestServer } from '../test-support/test-server.js';

/*
 * What the cleartext listener, which serves HTTP/1.1 and h2c on one port, does with first bytes
 * that are neither a good HTTP/1.1 request nor the HTTP/2 preface (RFC 9113 §3.4). The rule is
 * narrow: only a first line that is the preface's own, or that names no HTTP version at all, is
 * taken away from HTTP/1.1; every botched HTTP/1.x line still gets its 400.
 */

let ts: TestServer;
beforeAll(async () => {
  ts = await startTestServer();
});
afterAll(async () => {
  await ts.close();
});

function frames(text: string): Frame[] {
  const reader = new FrameReader({ maxFrameSize: 16_384 });
  reader.push(Buffer.from(text, 'latin1'));
  const out: Frame[] = [];
  for (let f = reader.next(); f !== null; f = reader.next()) if (f.kind === 'frame') out.push(f);
  return out;
}

describe('first bytes on the shared HTTP/1.1 + h2c listener', () => {
  it('closes without a byte when the first line is not HTTP at all (h2spec http2/3.5/2)', async () => {
    const { text, closed } = await rawExchange(ts.port, 'INVALID CONNECTION PREFACE\r\n\r\n');
    expect(closed).toBe(true);
    expect(text).toBe('');
    const logged = ts.logger.find('http1.parse-error').at(-1)!;
    expect(logged).toMatchObject({ code: 'not-http', answered: false });
  });

  it('answers a botched "PRI * HTTP/2.0" preface in HTTP/2: SETTINGS, then GOAWAY PROTOCOL_ERROR', async () => {
    const { text, closed } = await rawExchange(ts.port, 'PRI * HTTP/2.0\r\n\r\nXX\r\n\r\n');
    expect(closed).toBe(true);
    const got = frames(text);
    expect(got.map((f) => f.type)).toEqual(['SETTINGS', 'WINDOW_UPDATE', 'GOAWAY']);
    const goaway = got[2] as Extract<Frame, { type: 'GOAWAY' }>;
    expect(goaway.errorCode).toBe(ErrorCode.PROTOCOL_ERROR);
  });

  it('still answers a botched HTTP/1.x line with 400', async () => {
    for (const line of ['GET / http/1.1', 'GET / HTTP/1.10', 'GET /a b HTTP/1.1']) {
      const { text } = await rawExchange(ts.port, `${line}\r\nHost: x\r\n\r\n`);
      expect(text, line).toMatch(/^HTTP\/1\.1 400 /);
    }
  });

  it('answers a line that is not HTTP with 400 once the connection has served HTTP/1.1', async () => {
    const { text } = await rawExchange(ts.port, 'GET /hello HTTP/1.1\r\nHost: x\r\n\r\nINVALID CONNECTION PREFACE\r\n\r\n');
    expect(text).toMatch(/^HTTP\/1\.1 200 [\s\S]*hello, world\n(HTTP\/1\.1 400 )/);
  });

  it('answers 400 over TLS, where ALPN chose HTTP/1.1', async () => {
    const secure = await startTestServer({ tls: { cert: SIM_SERVER_CERT_PEM, key: SIM_SERVER_KEY_PEM } });
    try {
      const text = await new Promise<string>((resolve, reject) => {
        const socket = tls.connect({ host: '127.0.0.1', port: secure.port, rejectUnauthorized: false, ALPNProtocols: ['http/1.1'] }, () => socket.write('INVALID CONNECTION PREFACE\r\n\r\n'));
        const chunks: Buffer[] = [];
        socket.on('data', (c: Buffer) => chunks.push(c));
        socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
        socket.on('error', reject);
      });
      expect(text).toMatch(/^HTTP\/1\.1 400 /);
    } finally {
      await secure.close();
    }
  });

  it('answers 400 when HTTP/2 is off: the port serves HTTP/1.1 alone', async () => {
    const h1 = await startTestServer({ http2: false });
    try {
      const { text } = await rawExchange(h1.port, 'INVALID CONNECTION PREFACE\r\n\r\n');
      expect(text).toMatch(/^HTTP\/1\.1 400 /);
    } finally {
      await h1.close();
    }
  });
});

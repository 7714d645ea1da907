/**
 * The peer `npm run bench:h2` measures aeronet against: node:http2 with its stream API
 * (`server.on('stream')`, `stream.respond()`), which is what performance-minded Node users write
 * (the compatibility API in node-http2-hello.ts is slower, so comparing against it flatters us).
 * It serves the demo routes the benchmark matrix uses, with the same answers as aeronet's demo:
 *
 *   GET  /hello       200 `hello, world\n` text/plain
 *   GET  /bytes/:n    200 n octets of the demo pattern (demo-routes.ts patternBytes), n <= 64 MiB
 *   POST /echo        200 the request body back, with its content-type
 *
 *   node dist/bench/node-http2-stream.js [--port 0] [--host 127.0.0.1] [--tls-cert F --tls-key F]
 *
 * With --tls-cert/--tls-key it is a TLS server offering h2 by ALPN; otherwise h2c with prior
 * knowledge. The first stdout line is the URL it listens on.
 */
import http2 from 'node:http2';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { patternBytes } from '../server/demo/demo-routes.js';

const MAX_BYTES = 64 * 1024 * 1024;

function fail(message: string): never {
  console.error(`node-http2-stream: ${message}`);
  process.exit(2);
}

let values;
try {
  values = parseArgs({
    options: { port: { type: 'string', default: '0' }, host: { type: 'string', default: '127.0.0.1' }, 'tls-cert': { type: 'string' }, 'tls-key': { type: 'string' } },
    strict: true,
  }).values;
} catch (err) {
  fail((err as Error).message);
}
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`invalid --port ${JSON.stringify(values.port)}`);
if ((values['tls-cert'] === undefined) !== (values['tls-key'] === undefined)) fail('--tls-cert and --tls-key go together');

const HELLO = Buffer.from('hello, world\n');
// The same octets aeronet sends, computed once per size: the baseline at its best serves a buffer.
const bodies = new Map<number, Buffer>();
function bytesBody(n: number): Buffer {
  let b = bodies.get(n);
  if (b === undefined) {
    b = Buffer.allocUnsafe(n);
    for (let off = 0; off < n; off += 16384) patternBytes(off, Math.min(16384, n - off)).copy(b, off);
    if (bodies.size < 16) bodies.set(n, b);
  }
  return b;
}

function onStream(stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders): void {
  stream.on('error', () => {});
  const method = headers[':method'];
  const path = (headers[':path'] ?? '/').split('?', 1)[0]!;
  if (method === 'GET' && path === '/hello') {
    stream.respond({ ':status': 200, 'content-type': 'text/plain; charset=utf-8', 'content-length': HELLO.length });
    stream.end(HELLO);
    return;
  }
  const bytes = /^\/bytes\/(\d{1,10})$/.exec(path);
  if (method === 'GET' && bytes !== null && Number(bytes[1]) <= MAX_BYTES) {
    const body = bytesBody(Number(bytes[1]));
    stream.respond({ ':status': 200, 'content-type': 'application/octet-stream', 'content-length': body.length });
    stream.end(body);
    return;
  }
  if (method === 'POST' && path === '/echo') {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => {
      // h2load ends a timed run by closing its connections: a stream may be gone by now.
      if (stream.destroyed || stream.closed) return;
      const body = Buffer.concat(chunks);
      stream.respond({ ':status': 200, 'content-type': headers['content-type'] ?? 'application/octet-stream', 'content-length': body.length });
      stream.end(body);
    });
    return;
  }
  stream.respond({ ':status': 404, 'content-type': 'text/plain; charset=utf-8' });
  stream.end('not found\n');
}

const tls = values['tls-cert'] !== undefined;
const server = tls
  ? http2.createSecureServer({ cert: readFileSync(values['tls-cert']!), key: readFileSync(values['tls-key']!), allowHTTP1: false })
  : http2.createServer();
server.on('stream', onStream);
server.listen(port, values.host!, () => {
  const addr = server.address();
  if (addr === null || typeof addr === 'string') throw new Error('unexpected server address');
  process.stdout.write(`${tls ? 'https' : 'http'}://${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}\n`);
});
for (const sig of ['SIGTERM', 'SIGINT'] as const) process.once(sig, () => process.exit(0));

/**
 * The baseline for `npm run bench:h1`: a plain node:http server with exactly the route aeronet's
 * demo serves, `GET /hello` -> 200 `hello, world\n` as text/plain. Deliberately untuned (default
 * keep-alive, default timeouts): the comparison is against what a Node user gets out of the box.
 *
 *   node dist/bench/node-http-hello.js [--port 0] [--host 127.0.0.1]
 *
 * The first stdout line is the URL it listens on, which is how the benchmark learns an ephemeral port.
 */
import http from 'node:http';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    host: { type: 'string', default: '127.0.0.1' },
  },
  strict: true,
});

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`node-http-hello: invalid --port ${JSON.stringify(values.port)}`);
  process.exit(2);
}
const host = values.host!;

// Allocated once, like a static route would be; both servers then do the same work per request.
const BODY = Buffer.from('hello, world\n');
const HELLO_HEADERS = { 'content-type': 'text/plain; charset=utf-8', 'content-length': String(BODY.length) };

const server = http.createServer((req, res) => {
  const path = (req.url ?? '/').split('?', 1)[0];
  if (path !== '/hello') {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', 'content-length': '10' });
    res.end('not found\n');
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD', 'content-length': '0' });
    res.end();
    return;
  }
  res.writeHead(200, HELLO_HEADERS);
  // node:http omits the body for HEAD itself.
  res.end(BODY);
});

server.listen(port, host, () => {
  const addr = server.address();
  if (addr === null || typeof addr === 'string') throw new Error('unexpected server address');
  const shown = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  process.stdout.write(`http://${shown}:${addr.port}\n`);
});

// Exit promptly on the benchmark's SIGTERM even with wrk's keep-alive connections still open.
for (const sig of ['SIGTERM', 'SIGINT'] as const) {
  process.once(sig, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}

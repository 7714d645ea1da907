/**
 * The baseline for `npm run bench:h2`: a plain node:http2 server (h2c, prior knowledge) with exactly
 * the route aeronet's demo serves, `GET /hello` -> 200 `hello, world\n` as text/plain. Untuned,
 * like bench:h1's node:http baseline: the comparison is against what a Node user gets.
 *
 *   node dist/bench/node-http2-hello.js [--port 0] [--host 127.0.0.1]
 *
 * The first stdout line is the URL it listens on.
 */
import http2 from 'node:http2';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { port: { type: 'string', default: '0' }, host: { type: 'string', default: '127.0.0.1' } }, strict: true });
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`node-http2-hello: invalid --port ${JSON.stringify(values.port)}`);
  process.exit(2);
}

const BODY = Buffer.from('hello, world\n');
const server = http2.createServer((req, res) => {
  if ((req.url ?? '/').split('?', 1)[0] !== '/hello') {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('not found\n');
    return;
  }
  res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'content-length': String(BODY.length) });
  res.end(BODY);
});
server.listen(port, values.host!, () => {
  const addr = server.address();
  if (addr === null || typeof addr === 'string') throw new Error('unexpected server address');
  process.stdout.write(`http://${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}\n`);
});
for (const sig of ['SIGTERM', 'SIGINT'] as const) process.once(sig, () => process.exit(0));

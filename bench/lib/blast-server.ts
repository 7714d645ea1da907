/**
 * The client-only baseline of bench:proxy: a trivial node:net HTTP responder that answers
 * GET /bytes/<n> with the demo pattern written from one precomputed buffer (no per-byte work, no
 * HTTP stack), so the download client's own ceiling can be measured; it must sit well above what
 * the real server achieves, or the client would be the bottleneck. One request per connection.
 *
 *   node dist/bench/lib/blast-server.js [--host 127.0.0.1] [--port 0]    -> "blast listening on http://..."
 */
import net from 'node:net';
import { parseArgs } from 'node:util';
import { patternBytes } from '../../server/demo/demo-routes.js';
import { DEMO_PATTERN_PERIOD } from './download.js';

// A whole number of pattern periods, so every write starts at an offset the pattern repeats on.
const CHUNK = DEMO_PATTERN_PERIOD * 1260;
const BLOCK = patternBytes(0, CHUNK);

function serve(socket: net.Socket): void {
  socket.on('error', () => {});
  let head = '';
  const onData = (d: Buffer): void => {
    head += d.toString('latin1');
    const end = head.indexOf('\r\n\r\n');
    if (end < 0) {
      if (head.length > 64 * 1024) socket.destroy();
      return;
    }
    socket.off('data', onData);
    const m = /^GET \/bytes\/(\d+) HTTP\/1\.1\r\n/.exec(head);
    if (!m) {
      socket.end('HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
      return;
    }
    const total = Number(m[1]);
    socket.write(`HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\ncontent-length: ${total}\r\nconnection: close\r\n\r\n`);
    let sent = 0;
    const pump = (): void => {
      while (sent < total) {
        const n = Math.min(CHUNK, total - sent);
        sent += n;
        if (!socket.write(n === CHUNK ? BLOCK : BLOCK.subarray(0, n))) {
          socket.once('drain', pump);
          return;
        }
      }
      socket.end();
    };
    pump();
  };
  socket.on('data', onData);
}

const { values } = parseArgs({ options: { host: { type: 'string', default: '127.0.0.1' }, port: { type: 'string', default: '0' } }, strict: true });
const server = net.createServer({ noDelay: true }, serve);
server.listen({ host: values.host, port: Number(values.port) }, () => {
  const a = server.address() as net.AddressInfo;
  process.stdout.write(`blast listening on http://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}\n`);
});
process.once('SIGTERM', () => process.exit(0));

import { defineScenario } from '../../harness/runner/scenario.js';
import { CHOPPY } from '../../harness/sim/faults.js';
import { patternBytes } from '../../server/demo/demo-routes.js';
import { randomText } from '../support.js';
import { nodeH2OverSim, randomPieces, untilServerForgets, type NodeReply } from './h2-support.js';

/**
 * node:http2's own client (nghttp2 underneath: its own framing, HPACK with Huffman and a dynamic
 * table, its own window management) against aeronet over choppy links: 4..7 concurrent requests,
 * uploads among them (written in pieces, one past the 64 KiB stream window, so flow control bites
 * both ways), HEAD, a 404, /bytes and /stream. Every answer must be right; then session.close() sends GOAWAY,
 * and the connection must wind down on both sides.
 */
export default defineScenario({
  name: 'h2/node-client-choppy',
  description: 'node:http2 client over CHOPPY links: 4..7 concurrent GET/HEAD/POST (one upload past the 64 KiB window); answers exact; GOAWAY and clean close',
  faults: { clientToServer: CHOPPY, serverToClient: CHOPPY },
  async run(ctx) {
    const { check, rng, openConnections, sleep } = ctx;
    const node = nodeH2OverSim(ctx);
    const expectations: Array<{ what: string; reply: Promise<NodeReply>; check(r: NodeReply): boolean }> = [];
    const count = rng.int(4, 7);
    for (let i = 0; i < count; i++) {
      const kind = i < 2 ? i : rng.int(0, 5); // at least one upload and one download
      switch (kind) {
        case 0: {
          // The first upload is past the 64 KiB stream window: the server must credit it back.
          const body = Buffer.from(randomText(i === 0 ? rng.int(65_536, 90_000) : rng.int(0, 40_000), rng), 'latin1');
          const type = `text/x-${i}`;
          expectations.push({
            what: `POST /echo of ${body.length}`,
            reply: node.request({ ':method': 'POST', ':path': '/echo', 'content-type': type }, body, randomPieces(rng, body.length, 8)),
            check: (r) => r.status === 200 && r.headers['content-type'] === type && r.body.equals(body),
          });
          break;
        }
        case 1: {
          const n = rng.int(0, 100_000);
          expectations.push({ what: `GET /bytes/${n}`, reply: node.request({ ':path': `/bytes/${n}` }), check: (r) => r.status === 200 && r.body.equals(patternBytes(0, n)) });
          break;
        }
        case 2: {
          const chunks = rng.int(1, 8);
          const size = rng.int(1, 5000);
          expectations.push({ what: `GET /stream ${chunks}x${size}`, reply: node.request({ ':path': `/stream?chunks=${chunks}&size=${size}&delay=${rng.int(0, 30)}` }), check: (r) => r.status === 200 && r.body.equals(patternBytes(0, chunks * size)) });
          break;
        }
        case 3:
          expectations.push({ what: 'HEAD /hello', reply: node.request({ ':method': 'HEAD', ':path': '/hello' }), check: (r) => r.status === 200 && r.headers['content-length'] === '13' && r.body.length === 0 });
          break;
        case 4:
          expectations.push({ what: 'GET /nope', reply: node.request({ ':path': '/nope' }), check: (r) => r.status === 404 });
          break;
        default:
          expectations.push({ what: 'GET /hello', reply: node.request({ ':path': '/hello' }), check: (r) => r.status === 200 && r.body.toString() === 'hello, world\n' });
      }
    }
    for (const e of expectations) {
      let r: NodeReply;
      try {
        r = await e.reply;
      } catch (err) {
        check(false, `${e.what} failed: ${(err as Error).message} (session errors: ${node.errors.join(', ') || 'none'})`);
        return;
      }
      check(e.check(r), `${e.what}: status ${r.status}, ${r.body.length} octets, content-type ${String(r.headers['content-type'])}`);
    }
    await node.close();
    await node.conn.client.untilClosed();
    check(node.conn.client.error === null && !node.conn.isReset, `the connection was reset (${node.conn.client.error}) after session.close()`);
    check(node.errors.length === 0, `session errors: ${node.errors.join(', ')}`);
    check(await untilServerForgets({ openConnections, sleep }), `the server still holds ${openConnections()} connection(s) after the client closed`);
  },
});

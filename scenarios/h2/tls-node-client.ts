import { defineScenario } from '../../harness/runner/scenario.js';
import { CHOPPY } from '../../harness/sim/faults.js';
import { patternBytes } from '../../server/demo/demo-routes.js';
import { randomText, SIM_TLS } from '../support.js';
import { nodeH2Session, randomPieces, untilServerForgets } from './h2-support.js';

/**
 * What a browser-like client does: TLS with ALPN offering h2 first, then node:http2's client on
 * the TLS socket, on choppy links. Concurrent GET /hello, an upload to /echo, GET /bytes/N and a
 * /stream; all must come back exact over the one connection, and session.close() must wind the
 * connection down (GOAWAY, then close_notify and FIN) with the server's registry empty.
 */
export default defineScenario({
  name: 'h2/tls-node-client',
  description: 'node:http2 client over TLS (ALPN h2) on CHOPPY links: concurrent GET, POST /echo, /bytes, /stream; exact; clean close',
  faults: { clientToServer: CHOPPY, serverToClient: CHOPPY },
  server: { tls: SIM_TLS },
  async run({ connectTls, check, rng, openConnections, sleep }) {
    const t = connectTls({ alpn: ['h2', 'http/1.1'] });
    check(await t.handshake, `the TLS handshake failed: ${t.error()}`);
    check(t.socket.alpnProtocol === 'h2', `ALPN chose ${String(t.socket.alpnProtocol)}, expected h2`);
    const node = nodeH2Session('https://sim.test', () => t.socket);
    const upload = Buffer.from(randomText(rng.int(0, 50_000), rng), 'latin1');
    const n = rng.int(0, 80_000);
    const chunks = rng.int(1, 6);
    const size = rng.int(1, 4000);
    const replies = await Promise.all([
      node.request({ ':path': '/hello' }),
      node.request({ ':method': 'POST', ':path': '/echo', 'content-type': 'text/plain' }, upload, randomPieces(rng, upload.length, 6)),
      node.request({ ':path': `/bytes/${n}` }),
      node.request({ ':path': `/stream?chunks=${chunks}&size=${size}&delay=${rng.int(0, 20)}` }),
    ]).catch((err: Error) => err);
    check(!(replies instanceof Error), `a request failed: ${(replies as Error).message} (session errors: ${node.errors.join(', ') || 'none'})`);
    const [hello, echo, bytes, stream] = replies as Exclude<typeof replies, Error>;
    check(hello.status === 200 && hello.body.toString() === 'hello, world\n', `GET /hello: ${hello.status} ${JSON.stringify(hello.body.toString())}`);
    check(echo.status === 200 && echo.body.equals(upload), `POST /echo of ${upload.length}: ${echo.status}, ${echo.body.length} octets`);
    check(bytes.status === 200 && bytes.body.equals(patternBytes(0, n)), `GET /bytes/${n}: ${bytes.status}, ${bytes.body.length} octets`);
    check(stream.status === 200 && stream.body.equals(patternBytes(0, chunks * size)), `GET /stream ${chunks}x${size}: ${stream.status}, ${stream.body.length} octets`);
    await node.close();
    await t.conn.client.untilClosed();
    check(!t.conn.isReset, `the connection was reset after session.close() (${t.error()})`);
    check(node.errors.length === 0, `session errors: ${node.errors.join(', ')}`);
    check(await untilServerForgets({ openConnections, sleep }), `the server still holds ${openConnections()} connection(s) after the client closed`);
  },
});

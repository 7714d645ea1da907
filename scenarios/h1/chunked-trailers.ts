import { defineScenario } from '../../harness/runner/scenario.js';
import { CHOPPY } from '../../harness/sim/faults.js';
import { chunk, chunkedHead, splitRandom, randomText } from '../support.js';

/**
 * Trailer fields of a chunked request reach the handler once it has read the body, split across
 * reads at any point; fields that must not be trailers (Content-Length, Host, Transfer-Encoding)
 * are dropped, the rest kept in order. The scenario's own handler answers with the body length
 * and the trailers as JSON, so what the server parsed is visible on the wire.
 */
export default defineScenario({
  name: 'h1/chunked-trailers',
  description: 'chunked POST with trailers (allowed and forbidden) over 1..8-byte segments; the handler reports them as JSON',
  faults: { clientToServer: { ...CHOPPY, maxSegment: [1, 8] }, serverToClient: CHOPPY },
  server: {
    handler: async (req, res) => {
      const body = await req.body.buffer();
      await res.json({ length: body.length, text: body.toString('latin1'), trailers: req.body.trailers });
    },
  },
  differential: { skip: 'installs its own aeronet handler, which has no node:http twin' },
  async run({ connect, responses, check, rng }) {
    const conn = connect();
    const body = randomText(rng.int(10, 400), rng);
    const digest = randomText(16, rng);
    await conn.client.write(
      chunkedHead('/upload', 'Trailer: X-Checksum, X-Count\r\n') +
        splitRandom(body, 64, rng).map((p) => chunk(p)).join('') +
        `0\r\nX-Checksum: ${digest}\r\nContent-Length: 999\r\nX-Count:  ${body.length} \r\nHost: evil.test\r\nTransfer-Encoding: gzip\r\n\r\n`,
    );
    // A second request with no trailers must not inherit the first one's.
    await conn.client.write(chunkedHead('/upload') + chunk('abc') + '0\r\n\r\n');
    const got = await responses(conn, 2);
    check(got.length === 2, `expected 2 responses, got ${got.length}`);
    for (const r of got) check(r.status === 200, `handler answered ${r.status}: ${r.body.toString()}`);
    const first = JSON.parse(got[0]!.body.toString()) as { length: number; text: string; trailers: Array<[string, string]> };
    check(first.length === body.length && first.text === body, `body differs: ${first.length} bytes vs ${body.length} sent`);
    const expected = JSON.stringify([['x-checksum', digest], ['x-count', String(body.length)]]);
    check(JSON.stringify(first.trailers) === expected, `trailers: expected ${expected}, got ${JSON.stringify(first.trailers)}`);
    const second = JSON.parse(got[1]!.body.toString()) as { text: string; trailers: unknown[] };
    check(second.text === 'abc' && second.trailers.length === 0, `second request: ${JSON.stringify(second)}`);
  },
});

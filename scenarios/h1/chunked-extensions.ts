import { defineScenario } from '../../harness/runner/scenario.js';
import { CHOPPY } from '../../harness/sim/faults.js';
import { chunk, chunkedHead, get } from '../support.js';

/**
 * Chunk extensions (RFC 9112 §7.1.1) are validated and ignored: tokens, token=value, quoted
 * strings with escaped quotes and semicolons inside, whitespace around ';', and an extension on
 * the last-chunk. Delivered in 1..8-byte pieces, the extension text must never leak into the
 * body, and a ';' or '"' split from the rest of its line must not confuse the parser.
 */
export default defineScenario({
  name: 'h1/chunked-extensions',
  description: 'chunked POST /echo whose size lines carry extensions (quoted, escaped, on the last chunk) over 1..8-byte segments',
  faults: { clientToServer: { ...CHOPPY, maxSegment: [1, 8] }, serverToClient: CHOPPY },
  async run({ connect, responses, check, rng }) {
    const conn = connect();
    const exts = [
      ';name=value',
      ' ; flag',
      ';q="a \\"quoted\\" b; not-an-ext"',
      ';a=1;b="two";c',
      '\t;sig="0123456789abcdef"',
    ];
    const pieces: string[] = [];
    let body = '';
    for (let i = 0; i < rng.int(5, 12); i++) {
      const data = `part-${i}-${'x'.repeat(rng.int(0, 40))};"\r\n`;
      body += data;
      pieces.push(chunk(data, exts[rng.int(0, exts.length - 1)]!));
    }
    await conn.client.write(chunkedHead('/echo', 'Content-Type: text/plain\r\n') + pieces.join('') + '0;last="yes"\r\n\r\n' + get('/hello'));
    const got = await responses(conn, 2);
    check(got.length === 2, `expected 2 responses, got ${got.length}`);
    check(got[0]!.status === 200, `echo answered ${got[0]!.status}`);
    check(got[0]!.body.toString('latin1') === body, `echo body differs: expected ${JSON.stringify(body.slice(0, 80))}..., got ${JSON.stringify(got[0]!.body.toString('latin1').slice(0, 80))}...`);
    check(got[1]!.status === 200, `the request after the extended chunks answered ${got[1]!.status}`);
  },
});

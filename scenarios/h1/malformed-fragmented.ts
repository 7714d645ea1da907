import { defineScenario } from '../../harness/runner/scenario.js';
import { CHOPPY } from '../../harness/sim/faults.js';
import { BAD, type BadCase } from '../../server/http1/test-support/corpus.js';
import { parseAll } from '../../server/http1/test-support/parse-all.js';

/**
 * Malformed requests from the parser corpus (server/http1/test-support/corpus.ts, BAD), each on
 * its own connection and delivered one byte per segment, must get exactly the corpus status with
 * `connection: close`, and the connection must close; requests pipelined ahead of the bad one
 * are answered first; a first line that is not HTTP at all is closed with no answer, as this
 * listener also serves h2c. The seed picks which cases run. Each case is sent up to the byte at which
 * a parser has enough to reject it (found by bisection with the reference parseAll): a client
 * that keeps sending after the server has answered and closed is a different scenario
 * (h1/error-close-pending-input). Truncation cases end with the client's FIN. Cases over 2 KB
 * are left out to keep 1-byte delivery cheap.
 */
const ELIGIBLE = BAD.filter((c) => c.raw.length <= 2048);

/** The shortest prefix of `raw` at which the parser reports the error (without end of input). */
function rejectionPoint(c: BadCase): number {
  const raw = Buffer.from(c.raw, 'latin1');
  if (parseAll([raw], {}, false).error === null) return raw.length; // rejected only at end of input
  let lo = 1;
  let hi = raw.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (parseAll([raw.subarray(0, mid)], {}, false).error !== null) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

export default defineScenario({
  name: 'h1/malformed-fragmented',
  description: 'corpus BAD cases delivered 1 byte per segment: the corpus status, connection: close, closed',
  faults: { clientToServer: { ...CHOPPY, maxSegment: [1, 1], coalesce: [0, 0] }, serverToClient: CHOPPY },
  // Reads every body (so chunked-coding errors are reached) and answers 200.
  server: {
    handler: async (req, res) => {
      await req.body.buffer();
      await res.send(`${req.method} ${req.target}\n`);
    },
  },
  differential: { skip: 'installs its own aeronet handler, which has no node:http twin' },
  async run({ connect, responses, check, rng }) {
    const picked = new Set<BadCase>();
    while (picked.size < 4) picked.add(ELIGIBLE[rng.int(0, ELIGIBLE.length - 1)]!);
    await Promise.all(
      [...picked].map(async (c) => {
        const conn = connect();
        const truncation = c.code === 'incomplete-message';
        const cut = truncation ? c.raw.length : rejectionPoint(c);
        await conn.client.write(c.raw.slice(0, cut));
        if (truncation) conn.client.end();
        const before = c.before ?? 0;
        if (c.code === 'not-http' && before === 0) {
          // On this listener, shared with h2c, a first line that is not HTTP at all gets no
          // answer: the connection is closed (RFC 9113 §3.4; README, "How a connection becomes HTTP/2").
          await conn.client.until(() => conn.client.ended || conn.client.closed);
          check(conn.client.receivedBytes === 0, `${c.name}: expected no answer, got ${JSON.stringify(conn.client.received.toString('latin1').slice(0, 40))}`);
          check(conn.client.ended && conn.client.error === null, `${c.name}: the connection was not closed cleanly (${conn.client.error})`);
          return;
        }
        const got = (await responses(conn, before + 1)).filter((r) => r.status >= 200);
        await conn.client.until(() => conn.client.ended || conn.client.closed);
        const statuses = got.map((r) => r.status).join(',');
        check(got.length === before + 1, `${c.name}: expected ${before + 1} response(s), got [${statuses}]`);
        for (let k = 0; k < before; k++) check(got[k]!.status === 200, `${c.name}: the good request ahead answered ${got[k]!.status}`);
        check(got[before]!.status === c.status, `${c.name}: expected ${c.status} (${c.code}), got ${got[before]!.status} (sent ${cut} of ${c.raw.length} bytes)`);
        check(got[before]!.header('connection') === 'close', `${c.name}: the ${c.status} does not say connection: close`);
        check(conn.client.ended && conn.client.error === null, `${c.name}: the connection was not closed cleanly (${conn.client.error})`);
      }),
    );
  },
});

import { defineScenario } from '../../harness/runner/scenario.js';
import { CHOPPY } from '../../harness/sim/faults.js';
import { patternBytes } from '../../server/demo/demo-routes.js';
import { parseResponses } from '../../harness/http/response-parser.js';
import { firstDifference, get } from '../support.js';

/**
 * Backpressure end to end: a client reading /bytes/1000000 stops reading for a few seconds of
 * virtual time part-way through, then resumes. While it is paused the server must stop writing
 * (no more than a window plus one 16 KiB chunk may be queued: it does not buffer the rest of the
 * megabyte), must not give up (the pause is shorter than sendStallMs), and once the client
 * resumes the body must arrive complete and byte-exact (the /bytes pattern), with the connection
 * still usable.
 */
const TOTAL = 1_000_000;

export default defineScenario({
  name: 'h1/backpressure-paused-reader',
  description: 'a reader pauses 2-5 s in the middle of /bytes/1000000, then resumes; bounded queue, intact body',
  faults: { clientToServer: CHOPPY, serverToClient: { ...CHOPPY, maxSegment: [512, 4096], windowBytes: [4096, 65536] } },
  async run({ sim, connect, check, rng }) {
    const conn = connect();
    await conn.client.write(get(`/bytes/${TOTAL}`));
    await conn.client.until(() => conn.client.receivedBytes >= rng.int(1, TOTAL / 2));
    conn.client.pause();
    const pausedAt = conn.client.receivedBytes;
    const pauseMs = rng.int(2000, 5000);
    await sim.sleep(pauseMs / 2);
    const queued = conn.s2c.sentBytes - conn.s2c.delivered;
    const bound = conn.faults.serverToClient.windowBytes + 16 * 1024 + 512;
    check(queued <= bound, `the server queued ${queued} bytes for a paused reader (bound ${bound})`);
    await sim.sleep(pauseMs / 2);
    check(conn.client.receivedBytes === pausedAt, 'bytes were delivered to a paused reader');
    check(!conn.client.closed && !conn.client.ended, `the server gave up on a reader paused for ${pauseMs} ms`);
    conn.client.resume();
    // Wait on the byte count (cheap) before parsing the megabyte once.
    await conn.client.until(() => conn.client.receivedBytes >= TOTAL && parseResponses(conn.client.received).responses.length >= 1);
    const [r] = parseResponses(conn.client.received).responses;
    check(r!.status === 200 && r!.header('content-length') === String(TOTAL), `status ${r!.status}, content-length ${r!.header('content-length')}`);
    const diff = firstDifference(r!.body, patternBytes(0, TOTAL));
    check(diff === -1, `the body differs from the pattern at byte ${diff} (paused at ${pausedAt} bytes received)`);
    await conn.client.write(get('/hello'));
    await conn.client.until(() => parseResponses(conn.client.received).responses.length >= 2);
    check(parseResponses(conn.client.received).responses[1]!.body.toString() === 'hello, world\n', 'the connection was not usable after the large response');
  },
});

import { defineScenario } from '../../harness/runner/scenario.js';
import { CHOPPY } from '../../harness/sim/faults.js';
import { get } from '../support.js';
import { hostileHits, tryParse, waitAtMost } from './hostile-support.js';

const REQUESTS = get('/hello') + get('/bytes/20000') + get('/stream?chunks=12&size=300');

/**
 * A middlebox that duplicates, reorders and corrupts the server's responses (the requests travel
 * intact). The server cannot see any of it, so it must behave exactly as it does on a healthy
 * link: the same three responses (/hello, /bytes/20000, a chunked /stream), every byte written
 * (the same count as on a healthy connection opened first), and a clean teardown when the
 * client, unable to make sense of a garbled stream, resets as a real client would. When the seed
 * left the link alone, the client reads exactly the healthy connection's responses.
 */
export default defineScenario({
  name: 'hostile/mixed-response-path',
  description: 'responses duplicated, reordered and corrupted on the way back: the server writes them all, then is reset cleanly',
  faults: {
    clientToServer: CHOPPY,
    serverToClient: { ...CHOPPY, maxSegment: [64, 1500], hostile: { duplicate: [0, 0.1], reorder: [0, 0.1], corrupt: [0, 0.1] } },
  },
  async run({ sim, connect, responses, check }) {
    // The reference: the same requests over a reliable link.
    const healthy = connect({});
    await healthy.client.write(REQUESTS);
    const reference = await responses(healthy, 3);
    check(reference.map((r) => r.status).join(',') === '200,200,200', `a healthy connection got ${reference.map((r) => r.status).join(',')}`);
    const written = healthy.s2c.sentBytes;

    const conn = connect();
    await conn.client.write(REQUESTS);
    // Wait for the server to have written everything and the link to have carried it (or give up).
    await waitAtMost(sim, conn, 60_000, () => conn.s2c.sentBytes >= written && conn.s2c.inFlight === 0);
    check(conn.s2c.sentBytes === written, `the server wrote ${conn.s2c.sentBytes} bytes, ${written} on a healthy link`);
    const { finals, error } = tryParse(conn.client.received, false);
    if (hostileHits(sim, conn.s2c) === 0) {
      check(error === null && finals.length === 3, `no hostile fault hit the link, yet the client read ${error ?? `${finals.length} responses`}`);
      finals.forEach((r, i) => check(r.status === 200 && r.body.equals(reference[i]!.body), `no hostile fault hit the link, yet response ${i} differs`));
      return;
    }
    // Garbled: a client that cannot trust the stream aborts the connection.
    conn.client.reset();
  },
});

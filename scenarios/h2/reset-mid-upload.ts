import { defineScenario } from '../../harness/runner/scenario.js';
import { CHOPPY } from '../../harness/sim/faults.js';
import { randomText } from '../support.js';
import { connectH2, describeStream, untilServerForgets } from './h2-support.js';

/**
 * The client->server link resets the connection after a seeded number of octets (1..20000),
 * anywhere in the preface, a field block, a frame header or the body of a large POST /echo (20..60
 * KB in DATA frames written a few milliseconds apart), with a /slow request also in flight on the
 * connection. Whatever state the frame reader and the streams were in, the server must tear
 * everything down (registry empty, the handlers released), and a fresh connection must be served:
 * the same upload echoed whole.
 */
export default defineScenario({
  name: 'h2/reset-mid-upload',
  description: 'resetAfterBytes 1..20000 cuts an h2 connection mid POST /echo (with /slow in flight); registry empties; a fresh connection echoes the upload',
  faults: { clientToServer: { ...CHOPPY, stallChance: [0, 0], resetAfterBytes: [1, 20_000] }, serverToClient: CHOPPY },
  async run({ connect, sim, check, rng, openConnections, sleep }) {
    const h = connectH2({ connect, sim }, { credit: 'auto' });
    const limit = h.conn.faults.clientToServer.resetAfterBytes!;
    const body = Buffer.from(randomText(rng.int(20_000, 60_000), rng), 'latin1');
    const slowMs = rng.int(100, 2000);
    // Written a frame at a time, each once the one before has crossed the link (no stalls on it),
    // so the server has read everything before the write that hits the reset point (bytes still
    // queued on a link when it resets are lost, and the server would see a bare reset).
    const c2s = h.conn.faults.clientToServer;
    const pace = () => sleep(c2s.latencyMs + c2s.jitterMs + rng.int(1, 8));
    h.preface([]);
    await pace();
    h.request(1, 'GET', `/slow?ms=${slowMs}`);
    await pace();
    h.request(3, 'POST', '/echo', { endStream: false, extra: [['content-type', 'text/plain'], ['x-filler', randomText(rng.int(0, 300), rng)]] });
    await pace();
    await h.upload(3, body, () => rng.int(1, 4096), true, pace);
    check(h.conn.isReset, `the link did not reset after ${limit} octets (the request is longer)`);
    check(h.conn.c2s.sentBytes === limit, `the link carried ${h.conn.c2s.sentBytes} octets, its reset point is ${limit}`);
    const prefaceBytes = 24 + 9;
    check(limit <= prefaceBytes || h.conn.c2s.delivered >= prefaceBytes, `only ${h.conn.c2s.delivered} of the ${limit} octets before the reset reached the server`);
    check(await untilServerForgets({ openConnections, sleep }), `the server still holds ${openConnections()} connection(s) after the reset`);

    const fresh = connectH2({ connect, sim }, { credit: 'auto', faults: { clientToServer: CHOPPY, serverToClient: CHOPPY } });
    fresh.preface([]);
    fresh.request(1, 'POST', '/echo', { endStream: false, extra: [['content-type', 'text/plain']] });
    check(await fresh.upload(1, body, () => rng.int(1, 16_384)), 'the upload on the fresh connection did not go out');
    const s = fresh.view(1);
    await fresh.until(() => !s.open);
    check(s.status === 200 && s.ended && s.body().equals(body), `POST /echo of ${body.length} on a fresh connection: ${describeStream(s)}`);
  },
});

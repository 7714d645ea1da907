import { defineScenario } from '../../harness/runner/scenario.js';
import { CHOPPY } from '../../harness/sim/faults.js';
import { ErrorCode, errorCodeName } from '../../server/http2/frames/constants.js';
import { randomText } from '../support.js';
import { connectH2, describeStream } from './h2-support.js';

/**
 * Once a stream is reset it is closed, and nothing but PRIORITY may be sent on it (RFC 9113
 * §5.1). An upload to /echo is left unfinished (its handler is waiting for the body), and then
 * either the client resets the stream (RST_STREAM CANCEL) or half-closes the connection (FIN,
 * which makes the server reset the stream itself with CANCEL; a /slow request keeps the connection
 * busy meanwhile). Either way the handler's body read fails; the server must not answer it on the
 * dead stream: no HEADERS, no DATA, no second RST_STREAM. The client waits a while and then for a
 * PING round trip before looking.
 */
export default defineScenario({
  name: 'h2/no-frames-after-reset',
  description: 'an unfinished /echo upload is reset (client RST_STREAM, or the server on client FIN): no HEADERS/DATA/RST follows on the closed stream',
  faults: { clientToServer: CHOPPY, serverToClient: CHOPPY },
  async run({ connect, sim, check, rng }) {
    const h = connectH2({ connect, sim }, { credit: 'auto' });
    h.preface([]);
    h.request(1, 'POST', '/echo', { endStream: false, extra: [['content-type', 'text/plain']] });
    h.data(1, Buffer.from(randomText(rng.int(1, 5000), rng), 'latin1'));
    h.request(3, 'GET', '/slow?ms=1000');
    await sim.sleep(rng.int(1, 100));
    const byClient = rng.chance(0.5);
    if (byClient) h.rst(1, ErrorCode.CANCEL);
    else h.conn.client.end();
    await sim.sleep(rng.int(20, 200));
    if (byClient) check(await h.roundTrip(), 'no PING ACK after the RST_STREAM');
    else check(await h.until(() => h.view(1).reset !== null), `no RST_STREAM for the unfinished upload after the client's FIN: ${describeStream(h.view(1))}`);
    await sim.sleep(50);
    const after = h.client.frames.filter((f) => f.streamId === 1);
    const rsts = after.filter((f) => f.type === 'RST_STREAM');
    const others = after.filter((f) => f.type !== 'RST_STREAM' && f.type !== 'PRIORITY');
    const shown = after.map((f) => (f.type === 'RST_STREAM' ? `RST_STREAM ${errorCodeName(f.errorCode)}` : f.type === 'DATA' ? `DATA ${JSON.stringify(f.data.toString('latin1').slice(0, 50))}${f.endStream ? ' END_STREAM' : ''}` : f.type)).join(', ');
    check(others.length === 0, `${byClient ? 'after the client reset' : 'after the server reset'} the unfinished upload, the server sent on the closed stream: ${shown}`);
    check(rsts.length <= 1, `more than one RST_STREAM for stream 1: ${shown}`);
    if (!byClient) check(rsts[0]?.type === 'RST_STREAM' && rsts[0].errorCode === ErrorCode.CANCEL, `the server reset the unfinished upload with ${shown}`);
    // The rest of the connection is unaffected: /slow completes.
    await h.until(() => !h.view(3).open);
    check(h.view(3).status === 200 && h.view(3).body().toString() === 'slept 1000 ms\n', `/slow after the reset: ${describeStream(h.view(3))}`);
  },
});

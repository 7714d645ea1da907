import { defineScenario } from '../../harness/runner/scenario.js';
import { CHOPPY } from '../../harness/sim/faults.js';
import { ErrorCode, FrameType, errorCodeName } from '../../server/http2/frames/constants.js';
import { connectH2, describeStream } from './h2-support.js';

/**
 * WINDOW_UPDATE with an increment of 0 on a stream is a stream error PROTOCOL_ERROR (RFC 9113
 * §6.9), also on a stream whose response is complete while its request is not (half-closed
 * (local), §5.1: WINDOW_UPDATE may still be received there). A request is sent without
 * END_STREAM to a route that answers at once (POST /nothing-here: 404, or GET /hello: 200); once
 * the client has the whole response it sends, maybe after a few valid WINDOW_UPDATEs on the
 * stream (which must change nothing), one with increment 0. The server must send exactly one
 * RST_STREAM on stream 1, PROTOCOL_ERROR, no GOAWAY, and still serve GET /hello on stream 3. A
 * server that reset the stream as soon as it answered would ignore the WINDOW_UPDATE: its only
 * RST_STREAM is NO_ERROR.
 *
 * The server's lingerMs is long here, so that a slow link cannot make the frames arrive after
 * the server stopped waiting for the rest of the request.
 */
export default defineScenario({
  name: 'h2/answered-window-update-zero',
  description: 'answered before the request ended, then WINDOW_UPDATE 0 on the stream: RST_STREAM PROTOCOL_ERROR, connection still serves',
  faults: { clientToServer: CHOPPY, serverToClient: CHOPPY },
  server: { http2: { timeouts: { lingerMs: 60_000 } } },
  async run({ connect, sim, check, rng }) {
    const h = connectH2({ connect, sim }, { credit: 'auto' });
    h.preface([]);
    const post = rng.chance(0.5);
    const { method, path, status } = post ? { method: 'POST', path: '/nothing-here', status: 404 } : { method: 'GET', path: '/hello', status: 200 };
    h.request(1, method, path, { endStream: false });
    const s = h.view(1);
    check(await h.until(() => s.ended), `${method} ${path} sent without END_STREAM was not answered: ${describeStream(s)}`);
    check(s.status === status, `${method} ${path} answered ${describeStream(s)}, expected ${status}`);
    await sim.sleep(rng.int(0, 50));

    // Valid increments first: they must be accepted without a word.
    const valid = rng.int(0, 2);
    for (let i = 0; i < valid; i++) h.client.windowUpdate(1, rng.int(1, 65_535));
    if (valid > 0) {
      check(await h.roundTrip(), 'no PING ACK after the valid WINDOW_UPDATEs');
      check(s.reset === null && h.goaway === undefined, `${valid} valid WINDOW_UPDATE(s) on the answered stream 1 drew ${describeStream(s)}${h.goaway ? `, GOAWAY ${errorCodeName(h.goaway.errorCode)}` : ''}`);
    }
    // RawH2Client.windowUpdate refuses 0: the frame by hand (a 4-octet payload of zeros).
    h.client.frame(FrameType.WINDOW_UPDATE, 0, 1, Buffer.alloc(4));

    check(await h.until(() => s.reset !== null), `no RST_STREAM after WINDOW_UPDATE 0 on the answered stream 1: ${describeStream(s)}`);
    check(await h.roundTrip(), 'no PING ACK after the RST_STREAM');
    await sim.sleep(50);
    const rsts = h.client.frames.filter((f) => f.type === 'RST_STREAM' && f.streamId === 1);
    const shown = rsts.map((f) => (f.type === 'RST_STREAM' ? errorCodeName(f.errorCode) : '')).join(', ');
    check(rsts.length === 1 && s.reset === ErrorCode.PROTOCOL_ERROR, `WINDOW_UPDATE 0 on stream 1 (answered ${status}, request unfinished) drew RST_STREAM [${shown}]; expected exactly one PROTOCOL_ERROR (RFC 9113 §6.9)`);
    check(h.goaway === undefined, `a stream error became a connection error: GOAWAY ${errorCodeName(h.goaway?.errorCode ?? 0)} (${h.goaway?.debug.toString()})`);

    h.request(3, 'GET', '/hello');
    await h.until(() => !h.view(3).open);
    check(h.view(3).status === 200 && h.view(3).body().toString() === 'hello, world\n', `GET /hello on stream 3 after the stream error on stream 1: ${describeStream(h.view(3))}`);
  },
});

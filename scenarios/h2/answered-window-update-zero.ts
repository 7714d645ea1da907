import { defineScenario } from '../../harness/runner/scenario.js';
import { CHOPPY } from '../../harness/sim/faults.js';
import { ErrorCode, FrameType, errorCodeName } from '../../server/http2/frames/constants.js';
import { connectH2, describeStream } from './h2-support.js';
import { answerBeforeRequestEnds, expectOneStreamError } from './answered-support.js';

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
    const answered = await answerBeforeRequestEnds(h, { sim, check, rng });
    const { s } = answered;

    // Valid increments first: they must be accepted without a word.
    const valid = rng.int(0, 2);
    for (let i = 0; i < valid; i++) h.client.windowUpdate(1, rng.int(1, 65_535));
    if (valid > 0) {
      check(await h.roundTrip(), 'no PING ACK after the valid WINDOW_UPDATEs');
      check(s.reset === null && h.goaway === undefined, `${valid} valid WINDOW_UPDATE(s) on the answered stream 1 drew ${describeStream(s)}${h.goaway ? `, GOAWAY ${errorCodeName(h.goaway.errorCode)}` : ''}`);
    }
    // RawH2Client.windowUpdate refuses 0: the frame by hand (a 4-octet payload of zeros).
    h.client.frame(FrameType.WINDOW_UPDATE, 0, 1, Buffer.alloc(4));

    await expectOneStreamError(h, { sim, check, rng }, answered, 'WINDOW_UPDATE 0', ErrorCode.PROTOCOL_ERROR, 'RFC 9113 §6.9');
  },
});

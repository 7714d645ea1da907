import { defineScenario } from '../../harness/runner/scenario.js';
import { CHOPPY } from '../../harness/sim/faults.js';
import { ErrorCode, errorCodeName } from '../../server/http2/frames/constants.js';
import { DEFAULT_WINDOW, connectH2, describeStream } from './h2-support.js';
import { answerBeforeRequestEnds, expectOneStreamError } from './answered-support.js';

const MAX_WINDOW = 0x7fff_ffff;

/**
 * A WINDOW_UPDATE that takes a stream's send window past 2^31-1 is a stream error
 * FLOW_CONTROL_ERROR (RFC 9113 §6.9.1), also on a stream whose response is complete while its
 * request is not (half-closed (local), where WINDOW_UPDATE may still come, §5.1). A request is
 * sent without END_STREAM to a route that answers at once (POST /nothing-here: 404, or GET
 * /hello: 200); once the client has the whole response it either sends two WINDOW_UPDATEs of
 * 2^31-1 (h2spec's case: the first already overflows, the window being positive), or first one
 * that brings the window to exactly 2^31-1, which is legal and must draw nothing, and then one
 * more of 1..2^31-1. The server must send exactly one RST_STREAM on stream 1, FLOW_CONTROL_ERROR,
 * no GOAWAY, and still serve GET /hello on stream 3. A server that reset the stream as soon as it
 * answered would ignore the WINDOW_UPDATEs: its only RST_STREAM is NO_ERROR.
 *
 * The server's lingerMs is long here, so that a slow link cannot make the frames arrive after
 * the server stopped waiting for the rest of the request.
 */
export default defineScenario({
  name: 'h2/answered-window-overflow',
  description: 'answered before the request ended, then WINDOW_UPDATEs past 2^31-1 on the stream: RST_STREAM FLOW_CONTROL_ERROR, connection still serves',
  faults: { clientToServer: CHOPPY, serverToClient: CHOPPY },
  server: { http2: { timeouts: { lingerMs: 60_000 } } },
  async run({ connect, sim, check, rng }) {
    const h = connectH2({ connect, sim }, { credit: 'auto' });
    h.preface([]);
    const answered = await answerBeforeRequestEnds(h, { sim, check, rng });
    const { s } = answered;

    // The server's send window on stream 1 now: the initial window, less what it sent, plus what we granted.
    const window = DEFAULT_WINDOW - s.flowReceived + s.granted;
    const toTheBrim = rng.chance(0.5);
    let what: string;
    if (toTheBrim) {
      const fill = MAX_WINDOW - window;
      h.client.windowUpdate(1, fill);
      check(await h.roundTrip(), 'no PING ACK after the WINDOW_UPDATE');
      check(s.reset === null && h.goaway === undefined, `WINDOW_UPDATE ${fill} on stream 1, taking its window from ${window} to exactly 2^31-1, drew ${describeStream(s)}${h.goaway ? `, GOAWAY ${errorCodeName(h.goaway.errorCode)}` : ''}`);
      const more = rng.chance(0.5) ? 1 : rng.int(1, MAX_WINDOW);
      h.client.windowUpdate(1, more);
      what = `WINDOW_UPDATE ${fill} (window ${window} -> 2^31-1) then ${more}`;
    } else {
      h.batch(() => {
        h.client.windowUpdate(1, MAX_WINDOW);
        h.client.windowUpdate(1, MAX_WINDOW);
      });
      what = `two WINDOW_UPDATEs of 2^31-1 (window ${window})`;
    }

    await expectOneStreamError(h, { sim, check, rng }, answered, what, ErrorCode.FLOW_CONTROL_ERROR, 'RFC 9113 §6.9.1');
  },
});

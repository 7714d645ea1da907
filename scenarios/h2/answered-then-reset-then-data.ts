import { defineScenario } from '../../harness/runner/scenario.js';
import { CHOPPY } from '../../harness/sim/faults.js';
import { ErrorCode } from '../../server/http2/frames/constants.js';
import { randomText } from '../support.js';
import { connectH2 } from './h2-support.js';
import { answerBeforeRequestEnds, expectOneStreamError } from './answered-support.js';

/**
 * A stream answered before its request ended is half-closed (local) on the server, not gone
 * (RFC 9113 §5.1). A request is sent without END_STREAM to a route that answers at once without
 * reading the body (POST /nothing-here: 404, or GET /hello: 200); once the client has the whole
 * response it resets the stream (RST_STREAM CANCEL) and then, as a broken client would, sends
 * DATA (any size, END_STREAM or not) or a HEADERS with END_STREAM on it anyway. §5.1: "An
 * endpoint that receives any frame other than PRIORITY after receiving a RST_STREAM MUST treat
 * that as a stream error of type STREAM_CLOSED". The server must send exactly one RST_STREAM on
 * stream 1, STREAM_CLOSED (not a GOAWAY: it is a stream error), and go on serving the connection
 * (GET /hello on stream 3). A server that reset the stream itself as soon as it answered would
 * have nothing to say about frames after the client's reset: its only RST_STREAM is NO_ERROR.
 *
 * The server's lingerMs is long here: on a slow link the rest of the request could otherwise
 * arrive after the server had stopped waiting for it (h2/answered-upload-stopped tests that).
 */
export default defineScenario({
  name: 'h2/answered-then-reset-then-data',
  description: 'answered before the request ended, then client RST_STREAM + DATA/HEADERS: exactly one RST_STREAM STREAM_CLOSED, connection still serves',
  faults: { clientToServer: CHOPPY, serverToClient: CHOPPY },
  server: { http2: { timeouts: { lingerMs: 60_000 } } },
  async run({ connect, sim, check, rng }) {
    const h = connectH2({ connect, sim }, { credit: 'auto' });
    h.preface([]);
    const answered = await answerBeforeRequestEnds(h, { sim, check, rng });

    const withData = rng.chance(0.5);
    const size = rng.int(0, 5000);
    const endStream = rng.chance(0.5);
    const what = withData ? `DATA of ${size} octets${endStream ? ' with END_STREAM' : ''}` : 'HEADERS with END_STREAM';
    const send = () => {
      h.rst(1, ErrorCode.CANCEL);
      if (withData) h.data(1, Buffer.from(randomText(size, rng), 'latin1'), endStream);
      else h.headers(1, [['x-trailer', randomText(rng.int(1, 40), rng)]], { endStream: true });
    };
    // The reset and the frame after it in one segment, or not.
    if (rng.chance(0.5)) h.batch(send);
    else send();

    await expectOneStreamError(h, { sim, check, rng }, answered, what, ErrorCode.STREAM_CLOSED, 'RFC 9113 §5.1');
  },
});

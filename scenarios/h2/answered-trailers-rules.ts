import { defineScenario } from '../../harness/runner/scenario.js';
import { CHOPPY } from '../../harness/sim/faults.js';
import { ErrorCode } from '../../server/http2/frames/constants.js';
import { randomText } from '../support.js';
import { connectH2 } from './h2-support.js';
import { answerBeforeRequestEnds, expectOneStreamError } from './answered-support.js';

/**
 * The trailer rules of RFC 9113 §8.1 hold for a request whose response is already complete
 * (the stream half-closed (local), §5.1): a second field block must carry END_STREAM, and
 * trailers must not contain pseudo-header fields (§8.1, §8.3); either is a malformed request, a
 * stream error PROTOCOL_ERROR (§8.1.1). A request is sent without END_STREAM to a route that
 * answers at once (POST /nothing-here: 404, or GET /hello: 200); once the client has the whole
 * response it sends, maybe after a DATA frame, either a second HEADERS without END_STREAM, or
 * trailers with END_STREAM that include a pseudo-header (`:method: POST` and the like, first or
 * after a regular field). The server must send exactly one RST_STREAM on stream 1,
 * PROTOCOL_ERROR, no GOAWAY, and still serve GET /hello on stream 3. A server that reset the
 * stream as soon as it answered would ignore the bad trailers: its only RST_STREAM is NO_ERROR.
 *
 * The server's lingerMs is long here, so that a slow link cannot make the frames arrive after
 * the server stopped waiting for the rest of the request.
 */
export default defineScenario({
  name: 'h2/answered-trailers-rules',
  description: 'answered before the request ended, then HEADERS without END_STREAM or trailers with a pseudo-header: RST_STREAM PROTOCOL_ERROR, connection still serves',
  faults: { clientToServer: CHOPPY, serverToClient: CHOPPY },
  server: { http2: { timeouts: { lingerMs: 60_000 } } },
  async run({ connect, sim, check, rng }) {
    const h = connectH2({ connect, sim }, { credit: 'auto' });
    h.preface([]);
    const answered = await answerBeforeRequestEnds(h, { sim, check, rng });

    const dataFirst = rng.chance(0.5) ? rng.int(1, 5000) : 0;
    const pseudo = rng.chance(0.5);
    const regular: [string, string] = ['x-trailer', randomText(rng.int(1, 40), rng)];
    let fields: Array<[string, string]>;
    let what: string;
    if (pseudo) {
      const p: [string, string] = [[':method', 'POST'], [':path', '/echo'], [':authority', 'sim.test'], [':scheme', 'http'], [':status', '200']][rng.int(0, 4)] as [string, string];
      fields = rng.chance(0.5) ? [p, regular] : [regular, p];
      what = `trailers with END_STREAM containing ${p[0]}: ${p[1]}`;
    } else {
      fields = [regular];
      what = 'a second HEADERS without END_STREAM';
    }
    if (dataFirst > 0) what = `DATA of ${dataFirst} octets, then ${what}`;
    const send = () => {
      if (dataFirst > 0) h.data(1, Buffer.from(randomText(dataFirst, rng), 'latin1'));
      h.headers(1, fields, { endStream: pseudo });
    };
    if (rng.chance(0.5)) h.batch(send);
    else send();

    await expectOneStreamError(h, { sim, check, rng }, answered, what, ErrorCode.PROTOCOL_ERROR, 'RFC 9113 §8.1');
  },
});

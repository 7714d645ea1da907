import { defineScenario } from '../../harness/runner/scenario.js';
import { CHOPPY } from '../../harness/sim/faults.js';
import { ErrorCode } from '../../server/http2/frames/constants.js';
import { randomText } from '../support.js';
import { connectH2, randomPieces } from './h2-support.js';
import { answerBeforeRequestEnds, expectOneStreamError } from './answered-support.js';

/**
 * A request whose content-length disagrees with the sum of its DATA payloads is malformed, a
 * stream error PROTOCOL_ERROR (RFC 9113 §8.1.1), also when the response is already complete and
 * nobody reads the body (the stream half-closed (local), §5.1). A request with `content-length:
 * N` is sent without END_STREAM to a route that answers at once (POST /nothing-here: 404, or GET
 * /hello: 200); once the client has the whole response it sends the body wrong, in 1..4 DATA
 * frames: more than N octets (the last frame with END_STREAM or not: the excess alone is enough),
 * fewer with END_STREAM on the last frame, or fewer and then trailers with END_STREAM. The server
 * must send exactly one RST_STREAM on stream 1, PROTOCOL_ERROR, no GOAWAY, and still serve GET
 * /hello on stream 3. A server that reset the stream as soon as it answered would ignore the
 * body: its only RST_STREAM is NO_ERROR. Bodies stay well inside the stream window (below the
 * level at which the server stops the upload with NO_ERROR, h2/answered-upload-stopped).
 *
 * The server's lingerMs is long here, so that a slow link cannot make the frames arrive after
 * the server stopped waiting for the rest of the request.
 */
export default defineScenario({
  name: 'h2/answered-content-length-mismatch',
  description: 'answered before the request ended, then DATA totalling other than content-length: RST_STREAM PROTOCOL_ERROR, connection still serves',
  faults: { clientToServer: CHOPPY, serverToClient: CHOPPY },
  server: { http2: { timeouts: { lingerMs: 60_000 } } },
  async run({ connect, sim, check, rng }) {
    const h = connectH2({ connect, sim }, { credit: 'auto' });
    h.preface([]);
    // 0: too much (END_STREAM or not); 1: too little, END_STREAM on the DATA; 2: too little, then trailers.
    const variant = rng.int(0, 2);
    const declared = variant === 0 ? rng.int(0, 8_000) : rng.int(variant === 1 ? 1 : 2, 12_000);
    const total = variant === 0 ? declared + rng.int(1, 8_000) : rng.int(variant === 1 ? 0 : 1, declared - 1);
    const answered = await answerBeforeRequestEnds(h, { sim, check, rng }, [['content-length', String(declared)]]);

    const body = Buffer.from(randomText(total, rng), 'latin1');
    const pieces = randomPieces(rng, total, 4);
    const endOnData = variant === 1 || (variant === 0 && rng.chance(0.5));
    const send = () => {
      let at = 0;
      pieces.forEach((n, i) => {
        h.data(1, body.subarray(at, at + n), endOnData && i === pieces.length - 1);
        at += n;
      });
      if (variant === 2) h.headers(1, [['x-trailer', randomText(rng.int(1, 40), rng)]], { endStream: true });
    };
    if (rng.chance(0.5)) h.batch(send);
    else send();
    const what = `content-length ${declared} and then ${total} octets in ${pieces.length} DATA frame(s)${endOnData ? ', END_STREAM on the last' : ''}${variant === 2 ? ', then trailers with END_STREAM' : ''}`;

    await expectOneStreamError(h, { sim, check, rng }, answered, what, ErrorCode.PROTOCOL_ERROR, 'RFC 9113 §8.1.1');
  },
});

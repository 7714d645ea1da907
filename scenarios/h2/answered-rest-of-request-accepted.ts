import { defineScenario } from '../../harness/runner/scenario.js';
import { CHOPPY } from '../../harness/sim/faults.js';
import { errorCodeName } from '../../server/http2/frames/constants.js';
import { randomText } from '../support.js';
import { connectH2, describeStream, randomPieces, untilServerForgets } from './h2-support.js';

/**
 * A server may answer before the request has ended (RFC 9113 §8.1); when the client then sends
 * the rest of the request, well-formed, the stream simply closes (half-closed (local), then
 * END_STREAM from the client: closed, §5.1), with nothing to say. A request is sent without
 * END_STREAM to a route that answers at once (POST /nothing-here: 404, or GET /hello: 200), with
 * or without a content-length; once the client has the whole response it sends a valid rest:
 * DATA frames (matching the content-length, if any) with END_STREAM on the last, an empty DATA
 * with END_STREAM, or DATA and then trailers with END_STREAM, or trailers alone. The server must
 * send no RST_STREAM on stream 1 at all and no GOAWAY. The server allows one concurrent stream
 * here, so GET /hello on stream 3 being served shows that stream 1 is closed on the server's side
 * too (a stream still lingering would count, §5.1.2: REFUSED_STREAM); and once the client ends
 * the connection the server forgets it. A server that reset the stream as soon as it answered
 * sent a RST_STREAM NO_ERROR that this forbids.
 *
 * The server's lingerMs is long here, so that a slow link cannot make the rest arrive after the
 * server stopped waiting for it (then a RST_STREAM NO_ERROR is right: h2/answered-upload-stopped).
 */
export default defineScenario({
  name: 'h2/answered-rest-of-request-accepted',
  description: 'answered before the request ended, then a valid rest of the request: no RST_STREAM, no GOAWAY, the stream closed, the connection serves and closes',
  faults: { clientToServer: CHOPPY, serverToClient: CHOPPY },
  server: { http2: { settings: { maxConcurrentStreams: 1 }, timeouts: { lingerMs: 60_000 } } },
  async run({ connect, sim, check, rng, openConnections, sleep }) {
    const h = connectH2({ connect, sim }, { credit: 'auto' });
    h.preface([]);
    const post = rng.chance(0.5);
    const { method, path, status } = post ? { method: 'POST', path: '/nothing-here', status: 404 } : { method: 'GET', path: '/hello', status: 200 };
    const trailers = rng.chance(0.5);
    const total = rng.chance(0.2) ? 0 : rng.int(1, 16_000);
    const withLength = rng.chance(0.5);
    h.request(1, method, path, { endStream: false, extra: withLength ? [['content-length', String(total)]] : [] });
    const s = h.view(1);
    check(await h.until(() => s.ended), `${method} ${path} sent without END_STREAM was not answered: ${describeStream(s)}`);
    check(s.status === status, `${method} ${path} answered ${describeStream(s)}, expected ${status}`);
    await sim.sleep(rng.int(0, 50));

    const body = Buffer.from(randomText(total, rng), 'latin1');
    // No body: trailers alone, or one empty DATA with END_STREAM.
    const pieces = total === 0 && trailers ? [] : randomPieces(rng, total, 4);
    const send = () => {
      let at = 0;
      pieces.forEach((n, i) => {
        h.data(1, body.subarray(at, at + n), !trailers && i === pieces.length - 1);
        at += n;
      });
      if (trailers) h.headers(1, [['x-trailer', randomText(rng.int(1, 40), rng)]], { endStream: true });
    };
    if (rng.chance(0.5)) h.batch(send);
    else send();
    const what = `${withLength ? `content-length ${total}, ` : ''}${pieces.length > 0 ? `${total} octets in ${pieces.length} DATA frame(s)` : 'no DATA'}${trailers ? ', then trailers with END_STREAM' : ', END_STREAM on the last'}`;

    check(await h.roundTrip(), `no PING ACK after the rest of the request (${what})`);
    await sim.sleep(rng.int(0, 100));
    const rsts = h.client.frames.filter((f) => f.type === 'RST_STREAM' && f.streamId === 1);
    const shown = rsts.map((f) => (f.type === 'RST_STREAM' ? errorCodeName(f.errorCode) : '')).join(', ');
    check(rsts.length === 0, `the server sent RST_STREAM [${shown}] on stream 1, whose ${status} was complete and whose request then ended validly (${what})`);
    check(h.goaway === undefined, `GOAWAY ${errorCodeName(h.goaway?.errorCode ?? 0)} (${h.goaway?.debug.toString()}) after a valid rest of the request (${what})`);

    // One concurrent stream allowed: stream 3 is served only if stream 1 is closed on the server's side.
    h.request(3, 'GET', '/hello');
    await h.until(() => !h.view(3).open);
    check(h.view(3).status === 200 && h.view(3).body().toString() === 'hello, world\n', `GET /hello on stream 3 (one concurrent stream allowed) after stream 1 ended validly (${what}): ${describeStream(h.view(3))}`);
    check(h.goaway === undefined && !h.serverEnded, `the connection did not stay open: ${h.goaway ? `GOAWAY ${errorCodeName(h.goaway.errorCode)}` : 'the server closed it'}`);

    h.conn.client.end();
    await h.conn.client.untilClosed();
    check(h.closeError === null && !h.conn.isReset, `the connection was reset (${h.closeError}) after the client ended it`);
    check(await untilServerForgets({ openConnections, sleep }), `the server still holds ${openConnections()} connection(s) after both sides closed`);
  },
});

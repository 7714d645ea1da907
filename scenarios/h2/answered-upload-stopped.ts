import { defineScenario } from '../../harness/runner/scenario.js';
import { CHOPPY } from '../../harness/sim/faults.js';
import { ErrorCode, errorCodeName } from '../../server/http2/frames/constants.js';
import { randomText } from '../support.js';
import { DEFAULT_WINDOW, connectH2, describeStream } from './h2-support.js';

/** The server's lingerMs (the default, timeouts.lingerMs): how long it waits for the rest of an answered request. */
const LINGER_MS = 2_000;
/** The stream-credit level below which the server would credit a reading stream: min(16,384, initial window / 2). */
const CREDIT_THRESHOLD = Math.min(16_384, DEFAULT_WINDOW >> 1);
/** Octets of unread request body after which the stream window is below that level. */
const STOP_AFTER = DEFAULT_WINDOW - CREDIT_THRESHOLD;

/**
 * Once its response is complete, a server may ask the client to stop sending the rest of the
 * request with RST_STREAM NO_ERROR (RFC 9113 §8.1); until then the stream is half-closed (local)
 * and nobody reads the body. A request is sent without END_STREAM to a route that answers at once
 * (POST /nothing-here: 404, or GET /hello: 200). Then, per seed, either:
 * - the client keeps uploading DATA without END_STREAM, 2..12 KB a frame (sometimes landing
 *   exactly on the boundary first), after each frame a PING round trip or all in one go. The
 *   server grants no stream credit for a body nobody reads: no WINDOW_UPDATE on stream 1 at all.
 *   It must not stop the stream while its window is at or above the credit threshold (received
 *   <= 65,535 - 16,384 octets), unless lingerMs has passed; once it is below, RST_STREAM NO_ERROR
 *   must come before the ACK of a PING sent after that DATA;
 * - the client sends nothing more: RST_STREAM NO_ERROR must come once lingerMs (2,000 ms) has
 *   passed since the response, no earlier (it is judged from when the request was sent, which the
 *   response cannot precede), and before the ACK of a PING sent once lingerMs has passed since
 *   the client saw the response end (which the response cannot follow).
 * Either way exactly one RST_STREAM, no GOAWAY, and GET /hello on stream 3 is still served; the
 * runner's invariants check that no timer is left behind. A server that reset the stream as soon
 * as it answered fails the lower bounds: its RST_STREAM is there before any more of the request
 * was sent, long before lingerMs.
 */
export default defineScenario({
  name: 'h2/answered-upload-stopped',
  description: 'answered before the request ended: the upload goes on (no stream credit, RST_STREAM NO_ERROR below the threshold) or stops (RST_STREAM NO_ERROR after lingerMs)',
  faults: { clientToServer: CHOPPY, serverToClient: CHOPPY },
  async run({ connect, sim, check, rng }) {
    const h = connectH2({ connect, sim }, { credit: 'auto' });
    h.preface([]);
    const post = rng.chance(0.5);
    const { method, path, status } = post ? { method: 'POST', path: '/nothing-here', status: 404 } : { method: 'GET', path: '/hello', status: 200 };
    const sentAt = sim.clock.time;
    h.request(1, method, path, { endStream: false });
    const s = h.view(1);
    let rstAt: number | null = null;
    void h.until(() => s.reset !== null).then(() => {
      if (s.reset !== null) rstAt ??= sim.clock.time;
    });
    check(await h.until(() => s.ended), `${method} ${path} sent without END_STREAM was not answered: ${describeStream(s)}`);
    check(s.status === status, `${method} ${path} answered ${describeStream(s)}, expected ${status}`);
    const endedAt = sim.clock.time;
    const code = () => (s.reset === null ? 'none' : errorCodeName(s.reset));
    const lingerPassed = () => sim.clock.time >= sentAt + LINGER_MS;
    const ms = (t: number) => `${Math.round(t)} ms`;

    const upload = rng.chance(0.5);
    let what: string;
    if (upload) {
      await sim.sleep(rng.int(0, 50));
      check(await h.roundTrip(), 'no PING ACK after the response');
      check(s.reset === null || lingerPassed(), `the server reset stream 1 (RST_STREAM ${code()}) ${ms((rstAt ?? 0) - endedAt)} after its ${status} ended, before the client sent any more of the request`);
      const exact = rng.chance(0.5);
      const sizes: number[] = [];
      for (let total = 0; total <= STOP_AFTER; ) {
        let n = rng.int(2_000, 12_000);
        if (exact && total < STOP_AFTER) n = Math.min(n, STOP_AFTER - total);
        sizes.push(n);
        total += n;
      }
      const paced = rng.chance(0.7);
      let sent = 0;
      if (paced) {
        for (const n of sizes) {
          if (s.reset !== null) break;
          h.data(1, Buffer.from(randomText(n, rng), 'latin1'));
          sent += n;
          check(await h.roundTrip(), `no PING ACK after ${sent} octets of the request body`);
          if (sent <= STOP_AFTER) check(s.reset === null || lingerPassed(), `RST_STREAM ${code()} on stream 1 after ${sent} octets of unread body (window ${DEFAULT_WINDOW - sent}, not below ${CREDIT_THRESHOLD}) and ${ms(sim.clock.time - endedAt)} after the response`);
          else check(s.reset === ErrorCode.NO_ERROR, `after ${sent} octets of unread body (window ${DEFAULT_WINDOW - sent} < ${CREDIT_THRESHOLD}) and a PING round trip, stream 1 has RST_STREAM ${code()}; expected NO_ERROR (RFC 9113 §8.1)`);
        }
      } else {
        const send = () => {
          for (const n of sizes) h.data(1, Buffer.from(randomText(n, rng), 'latin1'));
        };
        if (rng.chance(0.5)) h.batch(send);
        else send();
        sent = sizes.reduce((a, b) => a + b, 0);
        check(await h.roundTrip(), `no PING ACK after ${sent} octets of the request body`);
        check(s.reset === ErrorCode.NO_ERROR, `after ${sent} octets of unread body in ${sizes.length} DATA frames (window ${DEFAULT_WINDOW - sent} < ${CREDIT_THRESHOLD}) and a PING round trip, stream 1 has RST_STREAM ${code()}; expected NO_ERROR (RFC 9113 §8.1)`);
      }
      what = `${sent} octets of body${paced ? ', a PING after each frame' : ' at once'}${exact ? `, landing on ${STOP_AFTER} first` : ''}`;
    } else {
      // A PING sent once lingerMs has passed since we saw the response end: the server's timer has fired before it arrives.
      await sim.sleep(endedAt + LINGER_MS + 1 - sim.clock.time);
      check(await h.roundTrip(), 'no PING ACK after lingerMs');
      check(s.reset === ErrorCode.NO_ERROR, `${ms(sim.clock.time - endedAt)} after the ${status} ended, the client having sent nothing more, stream 1 has RST_STREAM ${code()}; expected NO_ERROR once lingerMs (${LINGER_MS} ms) passed`);
      check(rstAt !== null && rstAt >= sentAt + LINGER_MS, `RST_STREAM ${code()} on stream 1 came ${ms((rstAt ?? 0) - sentAt)} after the request was sent (${ms((rstAt ?? 0) - endedAt)} after the response ended): before lingerMs (${LINGER_MS} ms)`);
      what = 'nothing more sent';
    }

    await sim.sleep(50);
    const rsts = h.client.frames.filter((f) => f.type === 'RST_STREAM' && f.streamId === 1);
    const shown = rsts.map((f) => (f.type === 'RST_STREAM' ? errorCodeName(f.errorCode) : '')).join(', ');
    check(rsts.length === 1 && s.reset === ErrorCode.NO_ERROR, `stream 1 (${what}) drew RST_STREAM [${shown}]; expected exactly one NO_ERROR`);
    const updates = h.client.frames.filter((f) => f.type === 'WINDOW_UPDATE' && f.streamId === 1);
    check(updates.length === 0, `the server granted stream credit for a request body nobody reads (${what}): ${updates.map((f) => (f.type === 'WINDOW_UPDATE' ? f.increment : 0)).join(', ')}`);
    check(h.goaway === undefined, `GOAWAY ${errorCodeName(h.goaway?.errorCode ?? 0)} (${h.goaway?.debug.toString()}) on stream 1's account (${what})`);

    h.request(3, 'GET', '/hello');
    await h.until(() => !h.view(3).open);
    check(h.view(3).status === 200 && h.view(3).body().toString() === 'hello, world\n', `GET /hello on stream 3 after stream 1 was stopped: ${describeStream(h.view(3))}`);
  },
});

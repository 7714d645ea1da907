import { defineScenario } from '../../harness/runner/scenario.js';
import { CHOPPY } from '../../harness/sim/faults.js';
import { ErrorCode, errorCodeName } from '../../server/http2/frames/constants.js';
import { patternBytes } from '../../server/demo/demo-routes.js';
import { connectH2, DEFAULT_WINDOW, describeStream, untilServerForgets } from './h2-support.js';

/**
 * The client half-closes (FIN) right after asking for more than the default windows let through,
 * and has granted no extra credit. Only its WINDOW_UPDATE could let the rest of the response go
 * (RFC 9113 §6.9), and after a FIN it can send nothing: the server must cancel the starved stream
 * (RST_STREAM CANCEL, after sending what the window allowed, byte-exact) and close, instead of
 * holding the connection until its send-stall timeout. Found through the proxy layer
 * (proxy/tls-h2-cut-mid-response): a limit_data toxic cut such a client off mid-response.
 */
export default defineScenario({
  name: 'h2/half-close-starved-response',
  description: 'client FIN with a response larger than the windows it granted: the stream is cancelled and the connection closed at once, not after sendStallMs',
  faults: { clientToServer: CHOPPY, serverToClient: CHOPPY },
  async run({ connect, sim, check, rng, openConnections, sleep }) {
    const h = connectH2({ connect, sim }, { credit: 'manual' });
    h.preface([]);
    const size = rng.int(DEFAULT_WINDOW + 1, 400_000);
    h.request(1, 'GET', `/bytes/${size}`);
    await sim.sleep(rng.int(0, 50));
    h.conn.client.end();
    const s1 = h.view(1);
    check(await h.within(2_000, () => !s1.open), `the starved stream was still open 2 s after the client's FIN (send-stall is 30 s): ${describeStream(s1)}`);
    check(s1.reset === ErrorCode.CANCEL, `the starved stream ended with ${s1.reset === null ? 'no reset' : errorCodeName(s1.reset)}, expected RST_STREAM CANCEL: ${describeStream(s1)}`);
    check(s1.bodyLength <= DEFAULT_WINDOW && s1.body().equals(patternBytes(0, s1.bodyLength)), `what was sent before the reset is not the window's worth of the right bytes: ${describeStream(s1)}`);
    check(await h.within(2_000, () => h.serverEnded), 'the server did not close its side after cancelling the last stream');
    check(await untilServerForgets({ openConnections, sleep }), `the server still holds ${openConnections()} connection(s)`);
  },
});

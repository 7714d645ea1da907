import { defineScenario } from '../../harness/runner/scenario.js';
import { CHOPPY } from '../../harness/sim/faults.js';
import { ErrorCode, SettingId, errorCodeName } from '../../server/http2/frames/constants.js';
import { connectH2, describeStream } from './h2-support.js';

const SEND_STALL_MS = 2_000;

/**
 * A peer that reads everything but never grants stream credit holds a response, and its handler,
 * as long as it likes, unless the send-stall limit covers waiting for stream credit too (it does
 * for the connection window and for a peer that stops reading: Http2Timeouts.sendStallMs, "a
 * response may wait this long for flow-control credit"). The client opens streams with a window
 * of 0 and keeps the connection busy with PINGs: within a few send-stall periods the server must
 * give up on it (GOAWAY ENHANCE_YOUR_CALM, or RST_STREAM on the stuck streams).
 */
export default defineScenario({
  name: 'h2/stream-window-stall',
  description: 'streams opened with a 0 window and never credited: the server gives up after sendStallMs (GOAWAY or RST_STREAM)',
  faults: { clientToServer: CHOPPY, serverToClient: CHOPPY },
  server: { timeouts: { sendStallMs: SEND_STALL_MS } },
  async run({ connect, sim, check, rng }) {
    const h = connectH2({ connect, sim });
    h.preface([[SettingId.INITIAL_WINDOW_SIZE, 0]]);
    const streams = rng.int(1, 4);
    for (let i = 0; i < streams; i++) h.request(1 + 2 * i, 'GET', `/bytes/${rng.int(1, 100_000)}`);
    const gaveUp = () => h.goaway !== undefined || h.closed || [...h.streams.values()].every((s) => s.reset !== null);
    for (let t = 0; t < 5 * SEND_STALL_MS && !gaveUp(); t += 250) {
      await sim.sleep(250);
      if (!gaveUp()) await h.roundTrip();
    }
    check(gaveUp(), `${5 * SEND_STALL_MS} ms with no stream credit and the server still holds the responses: ${[...h.streams.values()].map(describeStream).join('; ')}`);
    if (h.goaway !== undefined) check(h.goaway.errorCode === ErrorCode.ENHANCE_YOUR_CALM, `GOAWAY ${errorCodeName(h.goaway.errorCode)}`);
  },
});

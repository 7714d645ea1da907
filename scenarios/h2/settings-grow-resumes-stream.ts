import { defineScenario } from '../../harness/runner/scenario.js';
import { CHOPPY } from '../../harness/sim/faults.js';
import { patternBytes } from '../../server/demo/demo-routes.js';
import { SettingId } from '../../server/http2/frames/constants.js';
import { auditFailure, connectH2, describeStream } from './h2-support.js';

/**
 * A response blocked on its stream window must resume when the client raises
 * SETTINGS_INITIAL_WINDOW_SIZE, with no WINDOW_UPDATE at all (RFC 9113 §6.9.2: the change
 * adjusts every open stream's window by the difference, and a window that becomes positive may
 * be used at once). The client opens the stream with a window of 0..2000 octets, reads what fits,
 * then raises the initial window to the whole body's size: the response must complete.
 */
export default defineScenario({
  name: 'h2/settings-grow-resumes-stream',
  description: 'a response blocked on a 0..2000-octet stream window completes once SETTINGS_INITIAL_WINDOW_SIZE grows, without any WINDOW_UPDATE',
  faults: { clientToServer: CHOPPY, serverToClient: CHOPPY },
  async run({ connect, sim, check, rng }) {
    const h = connectH2({ connect, sim });
    const initial = rng.int(0, 2000);
    const n = rng.int(initial + 1, 60_000);
    h.preface([[SettingId.INITIAL_WINDOW_SIZE, initial]]);
    h.request(1, 'GET', `/bytes/${n}`);
    const s = h.view(1);
    // Everything the first window allows, then a quiet moment: the stream is blocked.
    await h.until(() => s.flowReceived >= initial && s.status !== null);
    await sim.sleep(rng.int(1, 100));
    check(!s.ended && s.flowReceived === initial, `before the change: ${describeStream(s)}, window ${initial}`);
    h.settings([[SettingId.INITIAL_WINDOW_SIZE, n]]);
    const done = await h.within(10_000, () => !s.open);
    check(done, `10 s after SETTINGS_INITIAL_WINDOW_SIZE grew from ${initial} to ${n}, the response is stuck: ${describeStream(s)}`);
    check(s.status === 200 && s.ended && s.body().equals(patternBytes(0, n)), `GET /bytes/${n}: ${describeStream(s)}`);
    const audit = auditFailure(h);
    check(audit === null, audit!);
  },
});

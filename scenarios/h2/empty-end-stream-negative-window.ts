import { defineScenario } from '../../harness/runner/scenario.js';
import { CHOPPY, RELIABLE } from '../../harness/sim/faults.js';
import { patternBytes } from '../../server/demo/demo-routes.js';
import { SettingId } from '../../server/http2/frames/constants.js';
import { auditFailure, connectH2, describeStream } from './h2-support.js';

/**
 * A stream window made negative by a SETTINGS shrink must not hold back the final, empty DATA
 * frame with END_STREAM: such a frame carries no flow-controlled octets (RFC 9113 §6.9.1) and may
 * be sent whatever the windows. /bytes/81920 leaves its handler waiting for the output queue to
 * drain; the client then grants exactly the rest of the body and, in the same segment, shrinks
 * SETTINGS_INITIAL_WINDOW_SIZE, so the window is negative when the handler ends the response.
 * The client has all the body and waits for END_STREAM, granting nothing more.
 */
export default defineScenario({
  name: 'h2/empty-end-stream-negative-window',
  description: 'the body sent, the window pushed negative by SETTINGS: the empty END_STREAM DATA must still go out, nothing else',
  // The server's link never pushes back, so the rest of the body leaves in the flush the credit starts.
  faults: { clientToServer: { ...RELIABLE, latencyMs: [0, 10] }, serverToClient: { ...CHOPPY, windowBytes: [1 << 20, 1 << 20] } },
  async run({ connect, sim, check, rng }) {
    const h = connectH2({ connect, sim });
    const initial = rng.int(2, 1000);
    const n = 5 * 16_384;
    h.preface([[SettingId.INITIAL_WINDOW_SIZE, initial]]);
    h.grantConnection(1 << 20);
    h.request(1, 'GET', `/bytes/${n}`);
    const s = h.view(1);
    await h.until(() => s.flowReceived >= initial);
    await sim.sleep(rng.int(1, 50));
    const shrunk = rng.int(0, initial - 1);
    h.batch(() => {
      h.grant(1, n - initial);
      h.settings([[SettingId.INITIAL_WINDOW_SIZE, shrunk]]);
    });
    const done = await h.within(10_000, () => !s.open);
    check(done, `10 s after the last credit the response has not ended (window ${shrunk - initial} after SETTINGS ${initial} -> ${shrunk}): ${describeStream(s)}; last frames ${h.client.frames.slice(-4).map((f) => `${f.type}/${f.streamId}${f.type === 'DATA' ? `:${f.data.length}${f.endStream ? ' END' : ''}` : ''}`).join(', ')}`);
    check(s.status === 200 && s.ended && s.body().equals(patternBytes(0, n)), `GET /bytes/${n}: ${describeStream(s)}`);
    const audit = auditFailure(h);
    check(audit === null, audit!);
  },
});

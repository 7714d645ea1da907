import { defineScenario } from '../../harness/runner/scenario.js';
import { CHOPPY } from '../../harness/sim/faults.js';
import { patternBytes } from '../../server/demo/demo-routes.js';
import { SettingId } from '../../server/http2/frames/constants.js';
import { auditFailure, connectH2, describeStream } from './h2-support.js';

/**
 * SETTINGS_INITIAL_WINDOW_SIZE changed while responses are in flight (RFC 9113 §6.9.2): the
 * change applies to every open stream by the difference, and can leave a window negative. The
 * client starts with a window of 8..64 KiB and credits as it reads; then, 1..3 times, it stops
 * crediting and shrinks the initial window to 0 (or to 1..2000), waits for the ACK, holds for a
 * while, and grows it again (1..65535) while paying back what it read. The connection window is
 * never the limit. After each ACK the server must keep within the new window (the audit checks
 * every DATA frame against it, §6.9.1), and both responses must still complete byte-exact.
 */
export default defineScenario({
  name: 'h2/settings-window-shrink-grow',
  description: 'SETTINGS_INITIAL_WINDOW_SIZE shrunk (to 0 or small) and grown 1..3 times mid-response; the server keeps within each window, bodies byte-exact',
  faults: { clientToServer: CHOPPY, serverToClient: CHOPPY },
  async run({ connect, sim, check, rng }) {
    const h = connectH2({ connect, sim }, { credit: 'auto' });
    h.preface([[SettingId.INITIAL_WINDOW_SIZE, rng.int(8192, 65_535)]]);
    h.grantConnection(1 << 24);
    const big = rng.int(100_000, 250_000);
    const chunks = rng.int(10, 40);
    const size = rng.int(500, 2000);
    h.request(1, 'GET', `/bytes/${big}`);
    h.request(3, 'GET', `/stream?chunks=${chunks}&size=${size}&delay=${rng.int(1, 15)}`);
    const s1 = h.view(1);
    const s3 = h.view(3);
    const cycles = rng.int(1, 3);
    let shrinks = 0;
    for (let c = 1; c <= cycles; c++) {
      const threshold = Math.floor((big * c) / (cycles + 1)) - rng.int(0, 5000);
      await h.until(() => s1.bodyLength >= threshold || !s1.open);
      if (!s1.open) break;
      // Stop crediting, then shrink: what is in flight may now exceed the window (it goes negative).
      h.credit = 'manual';
      const small = rng.chance(0.5) ? 0 : rng.int(1, 2000);
      h.settings([[SettingId.INITIAL_WINDOW_SIZE, small]]);
      const sent = h.settingsFramesSent;
      check(await h.until(() => h.settingsAcks >= sent), `no ACK for SETTINGS_INITIAL_WINDOW_SIZE=${small}`);
      shrinks++;
      // Hold the small window (every DATA frame meanwhile is audited against it), then grow it.
      await sim.sleep(rng.int(10, 300));
      // Grow it again and pay back what was read (a stream with nothing owed gets no
      // WINDOW_UPDATE: the SETTINGS change alone must restart it, §6.9.2).
      h.settings([[SettingId.INITIAL_WINDOW_SIZE, rng.int(1, 65_535)]]);
      h.payBack();
      h.credit = 'auto';
    }
    const done = await h.within(20_000, () => !s1.open && !s3.open);
    check(done, `the responses did not complete: ${describeStream(s1)}; ${describeStream(s3)}; last frames: ${h.client.frames.slice(-6).map((f) => `${f.type}/${f.streamId}${f.type === 'DATA' ? `:${f.data.length}${f.endStream ? ' END' : ''}` : ''}`).join(', ')}`);
    check(shrinks > 0, 'the big response finished before the window was shrunk: nothing was tested');
    const audit = auditFailure(h);
    check(audit === null, audit!);
    check(s1.status === 200 && s1.ended && s1.body().equals(patternBytes(0, big)), `GET /bytes/${big}: ${describeStream(s1)}`);
    check(s3.status === 200 && s3.ended && s3.body().equals(patternBytes(0, chunks * size)), `GET /stream ${chunks}x${size}: ${describeStream(s3)}`);
    check(h.goaway === undefined, `the server sent GOAWAY: ${h.goaway?.debug.toString()}`);
  },
});

import { defineScenario } from '../../harness/runner/scenario.js';
import { CHOPPY } from '../../harness/sim/faults.js';
import { patternBytes } from '../../server/demo/demo-routes.js';
import { SettingId } from '../../server/http2/frames/constants.js';
import { auditFailure, connectH2, describeStream } from './h2-support.js';

/**
 * WINDOW_UPDATE racing DATA on choppy links. The client asks for an initial stream window of
 * 1..65535 and leaves the connection window at 65,535 (so either can be the tighter one), opens
 * 2..4 large downloads, and then,
 * every few milliseconds of virtual time, credits back some of what it has read on some streams
 * and the connection, now and then with extra credit ahead of need, and once a stream has ended,
 * one more WINDOW_UPDATE for it (racing its END_STREAM, which the server must ignore, §6.9).
 * Credit and DATA are always crossing on the wire. Every DATA frame is audited against the credit
 * granted (stream and connection, RFC 9113 §6.9.1); every body must arrive whole.
 */
export default defineScenario({
  name: 'h2/window-update-race',
  description: 'stream windows of 1..65535 and the connection window, 2..4 large downloads, WINDOW_UPDATEs crossing DATA at random; the server never exceeds the credit, bodies whole',
  faults: { clientToServer: CHOPPY, serverToClient: CHOPPY },
  async run({ connect, sim, check, rng }) {
    const h = connectH2({ connect, sim });
    const initial = rng.int(1, 65_535);
    h.preface([[SettingId.INITIAL_WINDOW_SIZE, initial]]);
    const sizes = Array.from({ length: rng.int(2, 4) }, () => rng.int(10_000, 80_000));
    const ids = sizes.map((_, i) => 1 + 2 * i);
    sizes.forEach((n, i) => h.request(ids[i]!, 'GET', `/bytes/${n}`));
    const lateUpdates = new Set<number>();
    let ticks = 0;
    while (ids.some((id) => h.view(id).open) && !h.closed) {
      await sim.sleep(rng.int(0, 15));
      ticks++;
      for (const id of ids) {
        const s = h.view(id);
        if (s.open) {
          if (rng.chance(0.5)) h.grant(id, s.owed + (rng.chance(0.2) ? rng.int(1, 4000) : 0));
        } else if (s.ended && !lateUpdates.has(id)) {
          lateUpdates.add(id);
          h.grant(id, rng.int(1, 1000));
        }
      }
      if (rng.chance(0.3)) h.grantConnection(h.connOwed + (rng.chance(0.2) ? rng.int(1, 8000) : 0));
      check(ticks < 20_000, `the downloads did not finish: ${ids.map((id) => describeStream(h.view(id))).join('; ')}`);
    }
    sizes.forEach((n, i) => {
      const s = h.view(ids[i]!);
      check(s.status === 200 && s.ended && s.body().equals(patternBytes(0, n)), `GET /bytes/${n} on stream ${ids[i]}: ${describeStream(s)}`);
    });
    const audit = auditFailure(h);
    check(audit === null, audit!);
    // The WINDOW_UPDATEs that raced the END_STREAMs must have been ignored, not punished.
    check(await h.roundTrip(), 'no PING ACK after the downloads: the connection is not usable');
    check(h.goaway === undefined, `the server sent GOAWAY: ${h.goaway?.debug.toString()}`);
    // The credit really was the limit: most streams needed several rounds of it.
    check(ids.some((id) => h.view(id).granted > 0), 'no stream credit was ever needed');
  },
});

import { defineScenario } from '../../harness/runner/scenario.js';
import { CHOPPY } from '../../harness/sim/faults.js';
import { patternBytes } from '../../server/demo/demo-routes.js';
import { SettingId } from '../../server/http2/frames/constants.js';
import { auditFailure, connectH2, describeStream, type H2StreamView } from './h2-support.js';

/**
 * Credit in drops: the client grants 1..100 octets at a time and waits until the server has used
 * them before granting more. First on the connection window (a 65,535-octet download uses it all
 * up, then a second download moves on connection credit alone), then on stream windows (the
 * initial window set to 0..100, two responses dribbled at once). Every DATA frame must fit the
 * credit (the audit), the server must use every drop it gets (it has output waiting: no
 * holding back for a bigger window), and the bodies must be exact. This is also within the
 * server's flood defence: small WINDOW_UPDATEs count as idle frames, but not this few.
 */
export default defineScenario({
  name: 'h2/tiny-window-dribble',
  description: 'connection then stream windows granted 1..100 octets at a time; the server uses each drop, frames fit the credit, bodies exact',
  faults: { clientToServer: CHOPPY, serverToClient: CHOPPY },
  async run({ connect, sim, check, rng }) {
    const h = connectH2({ connect, sim });
    h.preface([]);
    // 1. Use up the connection window exactly (stream credit only).
    h.request(1, 'GET', '/bytes/65535');
    const s1 = h.view(1);
    await h.until(() => !s1.open);
    check(s1.ended && s1.body().equals(patternBytes(0, 65_535)), `GET /bytes/65535: ${describeStream(s1)}`);
    check(h.connReceived === 65_535, `the connection window was ${h.connReceived} octets, not 65535`);

    // 2. Connection credit in drops.
    const n3 = rng.int(300, 2500);
    h.request(3, 'GET', `/bytes/${n3}`);
    const s3 = h.view(3);
    let drops = 0;
    while (s3.open && !h.closed) {
      const target = h.connGranted + 65_535;
      const used = await h.within(5_000, () => h.connReceived >= target || !s3.open);
      check(used, `the server left ${target - h.connReceived} octets of connection credit unused for 5 s: ${describeStream(s3)}`);
      if (!s3.open) break;
      h.grantConnection(rng.int(1, 100));
      drops++;
    }
    check(s3.ended && s3.body().equals(patternBytes(0, n3)), `GET /bytes/${n3} on connection credit: ${describeStream(s3)}`);
    check(s3.dataFrames >= Math.ceil(n3 / 100), `GET /bytes/${n3} came in ${s3.dataFrames} DATA frames over ${drops} drops of at most 100 octets`);

    // 3. Stream credit in drops, two streams at once.
    const initial = rng.int(0, 100);
    h.settings([[SettingId.INITIAL_WINDOW_SIZE, initial]]);
    const acked = h.settingsFramesSent;
    check(await h.until(() => h.settingsAcks >= acked), 'no ACK for SETTINGS_INITIAL_WINDOW_SIZE');
    h.grantConnection(1 << 20);
    const n5 = rng.int(300, 2500);
    const chunks = rng.int(1, 4);
    const size = rng.int(100, 600);
    h.request(5, 'GET', `/bytes/${n5}`);
    h.request(7, 'GET', `/stream?chunks=${chunks}&size=${size}&delay=${rng.int(0, 10)}`);
    const dribbled = [h.view(5), h.view(7)];
    const total = (s: H2StreamView) => (s.id === 5 ? n5 : chunks * size);
    // A stream has used its credit when all of it arrived (or all of its body did).
    const usedUp = (s: H2StreamView) => !s.open || s.flowReceived >= initial + s.granted || s.bodyLength >= total(s);
    while (dribbled.some((s) => s.open) && !h.closed) {
      const used = await h.within(5_000, () => dribbled.every(usedUp));
      check(used, `the server left stream credit unused for 5 s: ${dribbled.map(describeStream).join('; ')}`);
      for (const s of dribbled) if (s.open && s.flowReceived >= initial + s.granted) h.grant(s.id, rng.int(1, 100));
      // The last bytes are out but not END_STREAM: wait for it (an empty DATA needs no credit).
      if (dribbled.every((s) => !s.open || s.bodyLength >= total(s))) await h.within(5_000, () => dribbled.every((s) => !s.open));
    }
    for (const s of dribbled) {
      check(s.status === 200 && s.ended && s.body().equals(patternBytes(0, total(s))), `stream ${s.id}: ${describeStream(s)}, expected ${total(s)} octets`);
      check(s.dataFrames >= Math.ceil((total(s) - initial) / 100), `stream ${s.id} came in only ${s.dataFrames} DATA frames with drops of at most 100 octets`);
    }
    const audit = auditFailure(h);
    check(audit === null, audit!);
    check(h.goaway === undefined, `the server sent GOAWAY: ${h.goaway?.debug.toString()}`);
  },
});

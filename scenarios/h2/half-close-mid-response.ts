import { defineScenario } from '../../harness/runner/scenario.js';
import { CHOPPY } from '../../harness/sim/faults.js';
import { patternBytes } from '../../server/demo/demo-routes.js';
import { SettingId } from '../../server/http2/frames/constants.js';
import { randomText } from '../support.js';
import { auditFailure, connectH2, describeStream, untilServerForgets } from './h2-support.js';

/**
 * The client half-closes its TCP side (FIN) while responses are streaming: a large /bytes, a
 * /stream, and an upload to /echo whose response may still be on its way. Having granted windows
 * big enough for everything up front, the client needs to send nothing more. The server must
 * finish every response byte-exact (a FIN ends the client's sending, not the exchange), then
 * close its side cleanly: no reset, registry empty. (An upload left unfinished at the FIN is
 * h2/no-frames-after-reset's subject.)
 */
export default defineScenario({
  name: 'h2/half-close-mid-response',
  description: 'client FIN while /bytes, /stream and an /echo response are in flight: all complete byte-exact, then a clean close',
  faults: { clientToServer: CHOPPY, serverToClient: CHOPPY },
  async run({ connect, sim, check, rng, openConnections, sleep }) {
    const h = connectH2({ connect, sim });
    h.preface([[SettingId.INITIAL_WINDOW_SIZE, 1 << 20]]);
    h.grantConnection(1 << 20);
    const big = rng.int(50_000, 300_000);
    const chunks = rng.int(2, 8);
    const size = rng.int(100, 2000);
    h.request(1, 'GET', `/bytes/${big}`);
    h.request(3, 'GET', `/stream?chunks=${chunks}&size=${size}&delay=${rng.int(5, 40)}`);
    const upload = Buffer.from(randomText(rng.int(0, 30_000), rng), 'latin1');
    h.request(5, 'POST', '/echo', { endStream: false, extra: [['content-type', 'text/plain']] });
    await h.upload(5, upload, () => rng.int(1, 16_384));
    const [s1, s3, s5] = [h.view(1), h.view(3), h.view(5)];
    const finAt = rng.int(0, Math.floor(big / 2));
    await h.until(() => s1.bodyLength >= finAt);
    h.conn.client.end();

    check(await h.until(() => !s1.open && !s3.open && !s5.open), `the streams did not complete after the client's FIN: ${[s1, s3, s5].map(describeStream).join('; ')}`);
    check(s1.status === 200 && s1.ended && s1.body().equals(patternBytes(0, big)), `GET /bytes/${big} after the FIN: ${describeStream(s1)}`);
    check(s3.status === 200 && s3.ended && s3.body().equals(patternBytes(0, chunks * size)), `GET /stream after the FIN: ${describeStream(s3)}`);
    check(s5.status === 200 && s5.ended && s5.body().equals(upload), `POST /echo of ${upload.length} after the FIN: ${describeStream(s5)}`);
    // Nothing is left to do and the client sends nothing more: the server closes its side now.
    check(await h.within(2_000, () => h.serverEnded), 'the server did not close its side within 2 s of the last response after the client\'s FIN');
    await h.conn.client.untilClosed();
    check(h.closeError === null && !h.conn.isReset, `the connection was reset (${h.closeError}) instead of closed`);
    check(await untilServerForgets({ openConnections, sleep }), `the server still holds ${openConnections()} connection(s)`);
    const audit = auditFailure(h);
    check(audit === null, audit!);
  },
});

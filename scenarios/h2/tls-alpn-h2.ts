import { defineScenario } from '../../harness/runner/scenario.js';
import { CHOPPY } from '../../harness/sim/faults.js';
import { patternBytes } from '../../server/demo/demo-routes.js';
import { randomText, SIM_TLS } from '../support.js';
import { auditFailure, connectH2Tls, describeStream } from './h2-support.js';

/**
 * HTTP/2 over TLS chosen by ALPN, on choppy links: the client offers h2 and http/1.1, the server
 * must pick h2, and then the frame-level client speaks HTTP/2 inside the TLS session (TLS records
 * and TCP segments cut the frames independently). Three multiplexed streams: GET /hello, an
 * upload to /echo past the 64 KiB stream window, and GET /bytes/N; all byte-exact, within the
 * windows, and the session closes cleanly when the client ends it.
 */
export default defineScenario({
  name: 'h2/tls-alpn-h2',
  description: 'TLS with ALPN h2,http/1.1 picks h2; GET, POST /echo (up to 100 KB) and GET /bytes multiplexed inside TLS on CHOPPY links',
  faults: { clientToServer: CHOPPY, serverToClient: CHOPPY },
  server: { tls: SIM_TLS },
  async run(ctx) {
    const { check, rng } = ctx;
    const h = await connectH2Tls(ctx, { credit: 'auto' });
    const upload = Buffer.from(randomText(rng.int(1, 100_000), rng), 'latin1');
    const n = rng.int(0, 150_000);
    h.preface([]);
    h.request(1, 'GET', '/hello');
    h.request(3, 'POST', '/echo', { endStream: false, extra: [['content-type', 'application/x-upload']] });
    h.request(5, 'GET', `/bytes/${n}`);
    check(await h.upload(3, upload, () => rng.int(1, 16_384)), `the upload did not go out: ${describeStream(h.view(3))}`);
    const [s1, s3, s5] = [h.view(1), h.view(3), h.view(5)];
    check(await h.until(() => !s1.open && !s3.open && !s5.open), `the streams did not complete: ${[s1, s3, s5].map(describeStream).join('; ')}`);
    check(s1.status === 200 && s1.ended && s1.body().toString() === 'hello, world\n', `GET /hello: ${describeStream(s1)}`);
    check(s3.status === 200 && s3.ended && s3.body().equals(upload) && s3.header('content-type') === 'application/x-upload', `POST /echo of ${upload.length}: ${describeStream(s3)}`);
    check(s5.status === 200 && s5.ended && s5.body().equals(patternBytes(0, n)), `GET /bytes/${n}: ${describeStream(s5)}`);
    const audit = auditFailure(h);
    check(audit === null, audit!);
    check(h.goaway === undefined, `the server sent GOAWAY: ${h.goaway?.debug.toString()}`);
    h.tls.socket.end();
    await h.tls.conn.client.untilClosed();
    check(h.tls.error() === null && !h.tls.conn.isReset, `the TLS session ended with ${h.tls.error()}`);
  },
});

import { defineScenario } from '../../harness/runner/scenario.js';
import { CHOPPY } from '../../harness/sim/faults.js';
import { patternBytes } from '../../server/demo/demo-routes.js';
import { ErrorCode, SettingId } from '../../server/http2/frames/constants.js';
import { randomText } from '../support.js';
import { auditFailure, connectH2, describeStream } from './h2-support.js';

/**
 * The client cancels one stream mid-response (RST_STREAM CANCEL on /bytes/200000 after a random
 * number of its octets) while two others are in flight: a streamed /stream and an upload to
 * /echo. The cancelled stream must stop: once the server has answered a PING sent after the
 * RST_STREAM, no more DATA may arrive for it; what did arrive is a correct prefix. The others must
 * complete byte-exact, the connection must stay up (no GOAWAY), and the reset stream must no
 * longer count against the server's limit of 4 concurrent streams: 4 new streams are all served.
 */
export default defineScenario({
  name: 'h2/rst-stream-mid-response',
  description: 'RST_STREAM CANCEL mid /bytes/200000 with /stream and POST /echo in flight: it stops, the others complete, 4 new streams fit the limit of 4',
  faults: { clientToServer: CHOPPY, serverToClient: CHOPPY },
  server: { http2: { settings: { maxConcurrentStreams: 4 } } },
  async run({ connect, sim, check, rng, openConnections }) {
    const h = connectH2({ connect, sim }, { credit: 'auto' });
    const total = 200_000;
    const chunks = rng.int(5, 15);
    const size = rng.int(100, 3000);
    const upload = Buffer.from(randomText(rng.int(1, 30_000), rng), 'latin1');
    // A 16 KiB stream window credited as it is read: the server is never far ahead of the reader.
    h.preface([[SettingId.INITIAL_WINDOW_SIZE, 16_384]]);
    h.request(1, 'GET', `/bytes/${total}`);
    h.request(3, 'GET', `/stream?chunks=${chunks}&size=${size}&delay=${rng.int(1, 20)}`);
    h.request(5, 'POST', '/echo', { endStream: false, extra: [['content-type', 'text/plain']] });
    const uploaded = h.upload(5, upload, () => rng.int(1, 16_384));
    const [s1, s3, s5] = [h.view(1), h.view(3), h.view(5)];

    const resetAt = rng.int(1, 150_000);
    await h.until(() => s1.bodyLength >= resetAt || !s1.open);
    check(s1.open, `/bytes/${total} finished before the reset point ${resetAt}: ${describeStream(s1)}`);
    h.rst(1, ErrorCode.CANCEL);
    check(await h.roundTrip(), 'no PING ACK after the RST_STREAM');
    const afterPing = s1.bodyLength;
    check(await uploaded, `the upload on stream 5 did not go out: ${describeStream(s5)}`);
    const done = await h.until(() => !s3.open && !s5.open);
    check(done, `the other streams did not complete: ${describeStream(s3)}; ${describeStream(s5)}`);
    check(s3.status === 200 && s3.ended && s3.body().equals(patternBytes(0, chunks * size)), `GET /stream ${chunks}x${size}: ${describeStream(s3)}`);
    check(s5.status === 200 && s5.ended && s5.body().equals(upload), `POST /echo of ${upload.length}: ${describeStream(s5)}`);

    // The connection is still good, and the reset stream no longer counts against the limit of
    // 4 concurrent streams (RFC 9113 §5.1.2): four new streams at once are all served.
    const fresh = [7, 9, 11, 13];
    for (const id of fresh) h.request(id, 'GET', `/slow?ms=${rng.int(0, 50)}`);
    await h.until(() => fresh.every((id) => !h.view(id).open));
    for (const id of fresh) check(h.view(id).status === 200 && h.view(id).ended, `new stream ${id} after the reset (limit 4 concurrent): ${describeStream(h.view(id))}`);
    check(s1.bodyLength === afterPing, `stream 1 got ${s1.bodyLength - afterPing} more octets after the server answered a PING sent behind its RST_STREAM`);
    check(!s1.ended && s1.bodyLength < total, `the cancelled stream completed anyway: ${describeStream(s1)}`);
    check(s1.body().equals(patternBytes(0, s1.bodyLength)), 'the part of the cancelled response received is corrupt');
    check(s1.reset === null, `the server answered the client's RST_STREAM with its own (${s1.reset})`);
    check(h.goaway === undefined && !h.closed, `the connection did not survive the reset (GOAWAY ${h.goaway?.debug.toString()})`);
    check(openConnections() === 1, `the server holds ${openConnections()} connections, expected 1`);
    const audit = auditFailure(h);
    check(audit === null, audit!);
  },
});

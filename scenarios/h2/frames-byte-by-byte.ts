import { defineScenario } from '../../harness/runner/scenario.js';
import { CHOPPY } from '../../harness/sim/faults.js';
import { patternBytes } from '../../server/demo/demo-routes.js';
import { randomText } from '../support.js';
import { auditFailure, connectH2, describeStream, randomPieces } from './h2-support.js';

/**
 * Every frame boundary, and every boundary inside a frame (the 9-octet header, a field block, a
 * DATA payload), lands between two reads: the client's bytes arrive one per segment, and so do
 * the server's. The client sends the preface and four multiplexed requests at once, each field
 * block cut into HEADERS + CONTINUATION frames and the upload cut into small DATA frames
 * interleaved with the other streams' HEADERS, with a PING in the middle. Each stream must get
 * its own response, byte-exact, within the flow-control windows, and the PING its ACK.
 */
export default defineScenario({
  name: 'h2/frames-byte-by-byte',
  description: 'preface + 4 multiplexed requests (HEADERS+CONTINUATION, interleaved DATA, PING) over 1-byte segments both ways; responses intact per stream',
  faults: {
    clientToServer: { ...CHOPPY, maxSegment: [1, 1], coalesce: [0, 0], stallChance: [0, 0.01], latencyMs: [0, 5], jitterMs: [0, 3] },
    serverToClient: { ...CHOPPY, maxSegment: [1, 1], coalesce: [0, 0], stallChance: [0, 0.01], latencyMs: [0, 5], jitterMs: [0, 3] },
  },
  async run({ connect, sim, check, rng }) {
    const h = connectH2({ connect, sim }, { credit: 'auto' });
    // A block of n octets in at most 30 frames: the server caps a field block at 32 frames.
    const pieces = (n: number) => randomPieces(rng, n, Math.min(30, rng.int(1, 12)));
    const type = `text/x-${randomText(rng.int(1, 12), rng).toLowerCase()}`;
    const upload = Buffer.from(randomText(rng.int(1, 1500), rng), 'latin1');
    const bytesN = rng.int(1, 2500);
    const uploadFrames = randomPieces(rng, upload.length, 6);
    let at = 0;
    const nextUpload = (i: number) => {
      const n = uploadFrames[i]!;
      h.data(3, upload.subarray(at, at + n), i === uploadFrames.length - 1);
      at += n;
    };

    h.preface([]);
    h.request(1, 'GET', '/hello', { pieces, extra: [['x-padding', randomText(rng.int(0, 80), rng)]] });
    h.request(3, 'POST', '/echo', { endStream: false, pieces, extra: [['content-type', type], ['content-length', String(upload.length)]] });
    let sent = 0;
    if (uploadFrames.length > 1) nextUpload(sent++);
    h.request(5, 'GET', `/bytes/${bytesN}`, { pieces });
    const ping = h.roundTrip();
    while (sent < uploadFrames.length - 1) nextUpload(sent++);
    h.request(7, 'GET', '/stream?chunks=3&size=40&delay=5', { pieces });
    nextUpload(sent++);

    const done = await h.until(() => [1, 3, 5, 7].every((id) => !h.view(id).open));
    check(done, `the connection ended before all four responses (${[1, 3, 5, 7].map((id) => `${id}: ${describeStream(h.view(id))}`).join('; ')})`);
    check(await ping, 'the PING sent among the requests was not acknowledged');
    const [hello, echo, bytes, stream] = [1, 3, 5, 7].map((id) => h.view(id));
    check(hello!.status === 200 && hello!.ended && hello!.body().toString() === 'hello, world\n', `GET /hello: ${describeStream(hello!)}`);
    check(echo!.status === 200 && echo!.ended && echo!.body().equals(upload), `POST /echo of ${upload.length} octets: ${describeStream(echo!)}`);
    check(echo!.header('content-type') === type, `POST /echo answered content-type ${echo!.header('content-type')}, sent ${type}`);
    check(bytes!.status === 200 && bytes!.ended && bytes!.body().equals(patternBytes(0, bytesN)), `GET /bytes/${bytesN}: ${describeStream(bytes!)}`);
    check(bytes!.header('content-length') === String(bytesN), `GET /bytes/${bytesN} said content-length ${bytes!.header('content-length')}`);
    check(stream!.status === 200 && stream!.ended && stream!.body().equals(patternBytes(0, 120)), `GET /stream: ${describeStream(stream!)}`);
    const audit = auditFailure(h);
    check(audit === null, audit!);
    check(h.goaway === undefined, `the server sent GOAWAY ${h.goaway?.errorCode}: ${h.goaway?.debug.toString()}`);
  },
});

import { defineScenario } from '../../harness/runner/scenario.js';
import { CHOPPY } from '../../harness/sim/faults.js';
import { ErrorCode, FrameFlag, FrameType, errorCodeName } from '../../server/http2/frames/constants.js';
import { randomText } from '../support.js';
import { connectH2, describeStream, randomPieces, untilServerForgets } from './h2-support.js';

/**
 * RST_STREAM in the middle of a field block: HEADERS without END_HEADERS on stream 3, maybe a
 * CONTINUATION or two, then RST_STREAM (for stream 3 itself or for stream 1, whose request is in
 * flight), then the rest of the block. RFC 9113 §6.10: inside a field block only CONTINUATION
 * frames of the same stream may come; anything else is a connection error PROTOCOL_ERROR. The
 * server must send GOAWAY PROTOCOL_ERROR whose last-stream-id is 1 (stream 3 never opened), never
 * answer stream 3, close the connection without a reset, and go on serving new connections.
 */
export default defineScenario({
  name: 'h2/rst-inside-continuation',
  description: 'RST_STREAM between HEADERS and CONTINUATION: GOAWAY PROTOCOL_ERROR (last-stream-id 1), stream 3 unanswered, clean close, next connection served',
  faults: { clientToServer: CHOPPY, serverToClient: CHOPPY },
  async run({ connect, sim, check, rng, openConnections, sleep }) {
    const h = connectH2({ connect, sim }, { credit: 'auto' });
    h.preface([]);
    h.request(1, 'GET', `/slow?ms=${rng.int(0, 300)}`);
    // Stream 3's block, cut into 2..6 frames; the RST_STREAM goes after frame `at` (1 = right after HEADERS).
    const fields: Array<[string, string]> = [[':method', 'GET'], [':scheme', 'http'], [':authority', 'sim.test'], [':path', '/hello'], ['x-filler', randomText(rng.int(10, 200), rng)]];
    const block = h.client.encoder.encode(fields);
    const pieces = randomPieces(rng, block.length, 6);
    while (pieces.length < 2) pieces.push(0);
    const at = rng.int(1, pieces.length - 1);
    const target = rng.chance(0.5) ? 3 : 1;
    let offset = 0;
    pieces.forEach((size, i) => {
      if (i === at) h.rst(target, ErrorCode.CANCEL);
      const fragment = block.subarray(offset, offset + size);
      offset += size;
      if (i === 0) h.client.frame(FrameType.HEADERS, FrameFlag.END_STREAM, 3, fragment);
      else h.client.frame(FrameType.CONTINUATION, i === pieces.length - 1 ? FrameFlag.END_HEADERS : 0, 3, fragment);
    });

    check(await h.until(() => h.goaway !== undefined), `no GOAWAY after RST_STREAM(${target}) inside stream 3's field block`);
    const g = h.goaway!;
    check(g.errorCode === ErrorCode.PROTOCOL_ERROR, `GOAWAY ${errorCodeName(g.errorCode)} (${g.debug.toString()}), expected PROTOCOL_ERROR (RFC 9113 §6.10)`);
    check(g.lastStreamId === 1, `GOAWAY last-stream-id ${g.lastStreamId}: stream 1 was opened, stream 3's block never completed`);
    // The server closes its side (FIN, not a reset), and nothing is ever answered on stream 3.
    check(await h.until(() => h.serverEnded), 'the server did not close the connection after its GOAWAY');
    check(h.closeError === null && !h.conn.isReset, `the connection was reset (${h.closeError}) instead of closed after the GOAWAY`);
    const s3 = h.view(3);
    check(s3.status === null && s3.dataFrames === 0, `stream 3, whose block was interrupted, was answered: ${describeStream(s3)}`);
    h.conn.client.end();
    await h.conn.client.untilClosed();
    check(await untilServerForgets({ openConnections, sleep }), `the server still holds ${openConnections()} connection(s) after both sides closed`);

    const next = connectH2({ connect, sim }, { credit: 'auto' });
    next.preface([]).request(1, 'GET', '/hello');
    await next.until(() => !next.view(1).open);
    check(next.view(1).status === 200 && next.view(1).body().toString() === 'hello, world\n', `a new connection after the error: ${describeStream(next.view(1))}`);
  },
});

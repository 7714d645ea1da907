import { defineScenario } from '../../harness/runner/scenario.js';
import { CHOPPY } from '../../harness/sim/faults.js';
import { patternBytes } from '../../server/demo/demo-routes.js';
import { ErrorCode, errorCodeName } from '../../server/http2/frames/constants.js';
import { auditFailure, connectH2, describeStream } from './h2-support.js';

/**
 * Graceful drain of an HTTP/2 connection with work in flight: server.close({ deadlineMs: 5000 })
 * while /slow?ms=800 and a /stream (6 chunks, 150 ms apart) run on one connection. The server
 * must send GOAWAY NO_ERROR whose last-stream-id covers both (3), finish both byte-exact, refuse
 * a stream the client opens after reading the GOAWAY (id 5 > last-stream-id: REFUSED_STREAM, or
 * ignored, never answered, RFC 9113 §6.8), then close the connection cleanly (FIN, no reset);
 * close() resolves once it is gone, after the work and well before the deadline. A connection
 * attempted during the drain is refused.
 */
export default defineScenario({
  name: 'h2/goaway-drain-in-flight',
  description: 'server.close() with /slow and /stream in flight on one h2 connection: GOAWAY NO_ERROR last-stream-id 3, both complete, stream 5 refused, clean close, close() resolves',
  // No stalls on the request path: the requests are at the server before the drain starts.
  faults: { clientToServer: { ...CHOPPY, stallChance: [0, 0] }, serverToClient: CHOPPY },
  async run({ sim, server, connect, check, rng, openConnections }) {
    const h = connectH2({ connect, sim }, { credit: 'auto' });
    h.preface([]);
    h.request(1, 'GET', '/slow?ms=800');
    h.request(3, 'GET', '/stream?chunks=6&size=700&delay=150');
    await sim.sleep(rng.int(60, 250));
    let closedAt = -1;
    const closing = server.close({ deadlineMs: 5000 }).then(() => (closedAt = sim.clock.time));

    check(await h.until(() => h.goaway !== undefined), 'no GOAWAY after server.close()');
    const g = h.goaway!;
    check(g.errorCode === ErrorCode.NO_ERROR, `GOAWAY ${errorCodeName(g.errorCode)}, expected NO_ERROR for a drain`);
    check(g.lastStreamId === 3, `GOAWAY last-stream-id ${g.lastStreamId}; streams 1 and 3 are in flight`);
    const [s1, s3] = [h.view(1), h.view(3)];
    check(s1.open && s3.open, `a stream ended before the GOAWAY arrived; the drain did not find work in flight (${describeStream(s1)}; ${describeStream(s3)})`);
    // A new stream above last-stream-id: not to be processed.
    h.request(5, 'GET', '/hello');
    const refused = connect();
    await refused.client.untilClosed();
    check(refused.client.error !== null, 'a connection opened during the drain was not refused');

    check(await h.until(() => !s1.open && !s3.open), `the in-flight streams did not complete: ${describeStream(s1)}; ${describeStream(s3)}`);
    check(s1.status === 200 && s1.ended && s1.body().toString() === 'slept 800 ms\n', `/slow?ms=800: ${describeStream(s1)}`);
    check(s3.status === 200 && s3.ended && s3.body().equals(patternBytes(0, 6 * 700)), `/stream: ${describeStream(s3)}`);
    check(await h.until(() => h.serverEnded), 'the server did not close the connection after the drained streams');
    const s5 = h.view(5);
    check(s5.status === null && s5.dataFrames === 0, `stream 5, opened after the GOAWAY, was answered: ${describeStream(s5)}`);
    check(s5.reset === null || s5.reset === ErrorCode.REFUSED_STREAM, `stream 5 was reset with ${errorCodeName(s5.reset ?? 0)}, expected REFUSED_STREAM`);
    check(h.goaways.length === 1 || h.goaways.every((x) => x.lastStreamId <= 3), `a later GOAWAY raised last-stream-id to ${h.goaways.map((x) => x.lastStreamId).join(',')}`);
    h.conn.client.end();
    await h.conn.client.untilClosed();
    check(h.closeError === null && !h.conn.isReset, `the drained connection was reset (${h.closeError})`);
    await closing;
    check(closedAt >= 800 && closedAt < 5000, `close() resolved at ${closedAt} ms, expected after the work and before the deadline`);
    check(openConnections() === 0, `connections remain after the drain: ${openConnections()}`);
    const audit = auditFailure(h);
    check(audit === null, audit!);
  },
});

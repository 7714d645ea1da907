import { defineScenario } from '../../harness/runner/scenario.js';
import { CHOPPY } from '../../harness/sim/faults.js';
import { patternBytes } from '../../server/demo/demo-routes.js';
import { auditFailure, connectH2, describeStream, untilServerForgets } from './h2-support.js';

/**
 * A TCP reset from the client while an HTTP/2 connection is busy: /bytes/200000 streaming (its
 * handler blocked on flow control or the link), /slow sleeping, /stream between chunks. Every
 * handler must be released and the connection forgotten; what arrived before the reset must be a
 * correct prefix. A new connection is served. (That the server keeps no timer for the dead
 * connection is h2/reset-leaves-no-timer's subject.)
 */
export default defineScenario({
  name: 'h2/reset-mid-response',
  description: 'client RST while /bytes/200000, /slow and /stream are in flight on one h2 connection: prefix correct, registry empty, next connection served',
  faults: { clientToServer: CHOPPY, serverToClient: { ...CHOPPY, windowBytes: [1024, 16_384] } },
  async run({ connect, sim, check, rng, openConnections, sleep }) {
    const h = connectH2({ connect, sim }, { credit: 'auto' });
    const total = 200_000;
    h.preface([]);
    h.request(1, 'GET', `/bytes/${total}`);
    h.request(3, 'GET', `/slow?ms=${rng.int(50, 3000)}`);
    h.request(5, 'GET', `/stream?chunks=100&size=100&delay=${rng.int(1, 50)}`);
    const s1 = h.view(1);
    const resetAt = rng.int(1, 150_000);
    await h.until(() => s1.bodyLength >= resetAt);
    h.conn.client.reset();
    check(s1.status === 200, `no response head on stream 1 before the reset: ${describeStream(s1)}`);
    check(!s1.ended && s1.bodyLength < total, 'the whole body arrived before the reset; nothing was tested');
    check(s1.body().equals(patternBytes(0, s1.bodyLength)), 'the part of the body received before the reset is corrupt');
    const s5 = h.view(5);
    check(s5.body().equals(patternBytes(0, s5.bodyLength)), 'the part of /stream received before the reset is corrupt');
    const audit = auditFailure(h);
    check(audit === null, audit!);
    check(await untilServerForgets({ openConnections, sleep }), `the server still holds ${openConnections()} connection(s) after the reset`);

    const next = connectH2({ connect, sim }, { credit: 'auto', faults: {} });
    next.preface([]).request(1, 'GET', '/bytes/100');
    await next.until(() => !next.view(1).open);
    check(next.view(1).status === 200 && next.view(1).body().equals(patternBytes(0, 100)), `a new connection after the reset: ${describeStream(next.view(1))}`);
  },
});

import { defineScenario } from '../../harness/runner/scenario.js';
import { CHOPPY } from '../../harness/sim/faults.js';
import { get } from '../support.js';

/**
 * The classic `write EPIPE`: a client sends its request and its FIN, then resets while the
 * handler is still working (GET /slow). The RST reaches a socket nothing polls (an event loop
 * stops reading at EOF, and no write is pending), so the server cannot know until it writes the
 * response; that write fails with EPIPE (Linux: an RST in CLOSE_WAIT). The server must take that
 * as the end of the connection: close it once, settle the exchange, forget it, keep no timer, and
 * serve the next client.
 */
export default defineScenario({
  name: 'h1/reset-after-fin-write-epipe',
  description: 'request + FIN, then RST while /slow works: the response write fails with EPIPE, the connection closes once',
  faults: { clientToServer: CHOPPY, serverToClient: CHOPPY },
  differential: { skip: "reads aeronet's connection registry and the simulated socket's record of the errors it reported" },
  async run({ sim, server, connect, responses, check, rng }) {
    const conn = connect();
    const ms = rng.int(300, 3000);
    await conn.client.write(get(`/slow?ms=${ms}`));
    conn.client.end();
    // Once the FIN has reached the server it reads no more; then abort. (The FIN takes at most
    // latency + jitter + one stall, 230 ms with this profile: the handler is still sleeping.)
    while (!conn.c2s.finDelivered) await sim.sleep(1);
    conn.client.reset();
    await sim.sleep(conn.faults.clientToServer.latencyMs + 1);
    const told = () => sim.trace.lines.filter((l) => / c\d+ server (read|write) /.test(l) && l.includes(` c${conn.id} server `));
    check(told().length === 0, `the server was told of the reset before it wrote: ${told().join(' | ')}`);
    check(server.connectionCount === 1, `the connection left the registry (${server.connectionCount}) before the server could know of the reset`);
    await sim.sleep(ms + 1);
    check(told().length === 1 && told()[0]!.endsWith(`c${conn.id} server write EPIPE`), `expected one "write EPIPE" for c${conn.id}, the server was told: ${told().join(' | ') || 'nothing'}`);
    check(server.connectionCount === 0, `the server still holds ${server.connectionCount} connection(s) after its write failed with EPIPE`);
    check(conn.client.receivedBytes === 0, 'bytes reached a client that had reset');
    const next = connect();
    await next.client.write(get('/hello'));
    const [r] = await responses(next, 1);
    check(r?.status === 200 && r.body.toString() === 'hello, world\n', 'the server did not serve a new connection after the EPIPE');
  },
});

import { defineScenario } from '../../harness/runner/scenario.js';
import { CHOPPY } from '../../harness/sim/faults.js';
import { lateBoundUpstream, randomText, tunnelHead } from '../support.js';

/**
 * The target half-closes a CONNECT tunnel first. Its FIN must reach the client as a FIN (after
 * every byte the target sent before it), and the client's direction must stay open: what the
 * client sends afterwards still reaches the target. Only when the client half-closes too does
 * the tunnel close, cleanly, and leave the registry.
 */
const TARGET = 'echo.sim:7';
const upstream = lateBoundUpstream({ faults: { clientToServer: CHOPPY, serverToClient: CHOPPY } });

export default defineScenario({
  name: 'h1/connect-upstream-half-close',
  description: 'the target half-closes first: the client gets the FIN, can still send, then both close cleanly',
  faults: { clientToServer: CHOPPY, serverToClient: CHOPPY },
  server: { connect: { allow: [TARGET], dial: upstream.dial } },
  differential: { skip: "CONNECT goes through aeronet's connect option (allowlist, in-sim dialer); node:http leaves CONNECT to an application handler" },
  async run({ sim, server, connect, check, rng }) {
    const up = upstream.bind(sim);
    const conn = connect();
    const client = conn.client;
    const first = randomText(rng.int(1, 3000), rng);
    await client.write(`CONNECT ${TARGET} HTTP/1.1\r\nHost: ${TARGET}\r\n\r\n${first}`);
    await client.until(() => (tunnelHead(client.received)?.rest.length ?? 0) >= first.length || client.ended);
    check(tunnelHead(client.received)?.rest.toString('latin1') === first, 'the first echo did not come back through the tunnel');
    const session = up.sessions[0]!;
    session.end();
    await client.until(() => client.ended || client.closed);
    check(client.ended && !client.closed && client.error === null, `the target's FIN reached the client as ${client.error ?? (client.closed ? 'a close' : 'nothing')}`);
    check(tunnelHead(client.received)!.rest.toString('latin1') === first, 'bytes after the FIN, or missing before it');
    const after = randomText(rng.int(1, 3000), rng);
    await client.write(after);
    await session.until(() => session.receivedBytes >= first.length + after.length || session.closed);
    check(session.received.toString('latin1') === first + after, 'what the client sent after the target half-closed did not reach it');
    client.end();
    await client.untilClosed();
    await session.until(() => session.closed);
    check(client.error === null && session.error === null, `a reset during a clean teardown (client ${client.error}, upstream ${session.error})`);
    check(server.connectionCount === 0, 'the tunnel is still registered after both sides closed');
  },
});

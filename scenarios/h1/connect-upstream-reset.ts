import { defineScenario } from '../../harness/runner/scenario.js';
import { CHOPPY } from '../../harness/sim/faults.js';
import { lateBoundUpstream, randomText, tunnelHead } from '../support.js';

/**
 * The target aborts the tunnel with a reset (it crashed, or a firewall killed the flow). The
 * client must see its connection reset too — not a clean FIN, which would make a truncated
 * stream look complete — and the server must release both legs and forget the connection.
 */
const TARGET = 'echo.sim:7';
const upstream = lateBoundUpstream({ faults: { clientToServer: CHOPPY, serverToClient: CHOPPY } });

export default defineScenario({
  name: 'h1/connect-upstream-reset',
  description: 'the target resets an open tunnel: the client sees ECONNRESET, the registry empties',
  faults: { clientToServer: CHOPPY, serverToClient: CHOPPY },
  server: { connect: { allow: [TARGET], dial: upstream.dial } },
  differential: { skip: "CONNECT goes through aeronet's connect option (allowlist, in-sim dialer); node:http leaves CONNECT to an application handler" },
  async run({ sim, server, connect, check, rng }) {
    const up = upstream.bind(sim);
    const conn = connect();
    const client = conn.client;
    const msg = randomText(rng.int(1, 20_000), rng);
    await client.write(`CONNECT ${TARGET} HTTP/1.1\r\nHost: ${TARGET}\r\n\r\n${msg}`);
    await client.until(() => tunnelHead(client.received) !== null || client.ended);
    check(tunnelHead(client.received)?.head.startsWith('HTTP/1.1 200 ') === true, 'the tunnel did not open');
    const session = up.sessions[0]!;
    // Reset once the target has seen part (or all) of the message.
    const at = rng.int(0, msg.length);
    await session.until(() => session.receivedBytes >= at || session.closed);
    session.reset();
    await client.untilClosed();
    check(client.error === 'ECONNRESET', `the client saw ${client.error ?? 'a clean close'} when the target reset the tunnel`);
    const echoed = tunnelHead(client.received)!.rest.toString('latin1');
    check(msg.startsWith(echoed), 'the client received bytes that the target never echoed');
    await sim.sleep(100);
    check(server.connectionCount === 0, `the server still holds ${server.connectionCount} connection(s) after the target reset`);
  },
});

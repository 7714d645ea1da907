import { defineScenario } from '../../harness/runner/scenario.js';
import { CHOPPY } from '../../harness/sim/faults.js';
import { lateBoundUpstream, randomText, tunnelHead } from '../support.js';

/**
 * The client aborts an open CONNECT tunnel with a reset, possibly while a large echo is still
 * flowing through it. The tunnel must pass the abort on (the target sees its connection reset,
 * not a polite FIN: a half-close would tell it the stream ended normally), release both
 * transports and forget the connection.
 */
const TARGET = 'echo.sim:7';
const upstream = lateBoundUpstream({ faults: { clientToServer: CHOPPY, serverToClient: CHOPPY } });

export default defineScenario({
  name: 'h1/connect-client-reset',
  description: 'the client resets an open tunnel mid-transfer: the target sees a reset, the registry empties',
  faults: { clientToServer: CHOPPY, serverToClient: CHOPPY },
  server: { connect: { allow: [TARGET], dial: upstream.dial } },
  differential: { skip: "CONNECT goes through aeronet's connect option (allowlist, in-sim dialer); node:http leaves CONNECT to an application handler" },
  async run({ sim, server, connect, check, rng }) {
    const up = upstream.bind(sim);
    const conn = connect();
    const client = conn.client;
    await client.write(`CONNECT ${TARGET} HTTP/1.1\r\nHost: ${TARGET}\r\n\r\n`);
    await client.until(() => tunnelHead(client.received) !== null || client.ended);
    check(tunnelHead(client.received)?.head.startsWith('HTTP/1.1 200 ') === true, 'the tunnel did not open');
    const big = randomText(rng.int(1, 50_000), rng);
    await client.write(big);
    // Reset somewhere between "nothing echoed yet" and "all echoed".
    const at = rng.int(0, big.length);
    await client.until(() => (tunnelHead(client.received)?.rest.length ?? 0) >= at);
    client.reset();
    const session = up.sessions[0];
    check(session !== undefined, 'the target was never dialled');
    await session!.until(() => session!.closed);
    check(session!.error === 'ECONNRESET', `the target saw ${session!.error ?? 'a clean close'} when the client reset the tunnel`);
    await sim.sleep(100);
    check(server.connectionCount === 0, `the server still holds ${server.connectionCount} connection(s) after the tunnel was reset`);
  },
});

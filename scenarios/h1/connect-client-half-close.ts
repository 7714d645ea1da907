import { defineScenario } from '../../harness/runner/scenario.js';
import { CHOPPY } from '../../harness/sim/faults.js';
import { lateBoundUpstream, randomText, tunnelHead } from '../support.js';

/**
 * A CONNECT tunnel (RFC 9110 §9.3.6) to an in-sim echo service, torn down by the client with a
 * half-close. The 200 carries no framing fields; bytes pipelined in the same write as the
 * CONNECT and later messages round-trip exactly (both legs choppy); the client's FIN is passed
 * to the target as a FIN, the target's answering FIN comes back, and everything closes without
 * a reset, leaving the registry empty (the tunnel's connection stays registered until then).
 */
const TARGET = 'echo.sim:7';
const upstream = lateBoundUpstream({ faults: { clientToServer: CHOPPY, serverToClient: CHOPPY } });

export default defineScenario({
  name: 'h1/connect-client-half-close',
  description: 'CONNECT to an echo target over choppy links; echoes exact; the client FIN tears it down cleanly',
  faults: { clientToServer: CHOPPY, serverToClient: CHOPPY },
  server: { connect: { allow: [TARGET], dial: upstream.dial } },
  differential: { skip: "CONNECT goes through aeronet's connect option (allowlist, in-sim dialer); node:http leaves CONNECT to an application handler" },
  async run({ sim, server, connect, check, rng, sleep }) {
    const up = upstream.bind(sim);
    const conn = connect();
    const client = conn.client;
    const early = randomText(rng.int(0, 300), rng);
    let sent = early;
    await client.write(`CONNECT ${TARGET} HTTP/1.1\r\nHost: ${TARGET}\r\n\r\n${early}`);
    await client.until(() => tunnelHead(client.received) !== null || client.ended);
    const head = tunnelHead(client.received)?.head ?? '';
    check(/^HTTP\/1\.1 200 /.test(head), `CONNECT answered ${JSON.stringify(head.split('\r\n')[0])}`);
    check(!/content-length|transfer-encoding/i.test(head), 'the 2xx to CONNECT carries framing fields');
    for (let i = 0; i < rng.int(1, 5); i++) {
      const msg = `[${i}]` + randomText(rng.int(1, 4000), rng);
      sent += msg;
      await client.write(msg);
      await client.until(() => (tunnelHead(client.received)?.rest.length ?? 0) >= sent.length || client.closed);
      check(tunnelHead(client.received)!.rest.toString('latin1') === sent, `the echo through the tunnel differs after message ${i}`);
    }
    check(server.connectionCount === 1, `an open tunnel should keep its connection registered (count ${server.connectionCount})`);
    client.end();
    await client.untilClosed();
    const session = up.sessions[0]!;
    await session.until(() => session.closed);
    check(client.error === null && session.error === null, `a reset during a clean teardown (client ${client.error}, upstream ${session.error})`);
    check(session.ended, "the client's FIN did not reach the target");
    check(session.received.toString('latin1') === sent, 'the target did not receive exactly what the client sent');
    check(up.dials.length === 1 && up.dials[0] === TARGET, `dials: ${JSON.stringify(up.dials)}`);
    // The server's socket reports 'close' a turn after the last FIN, as a kernel socket does.
    await sleep(0);
    check(server.connectionCount === 0, 'the tunnel is still registered after both sides closed');
  },
});

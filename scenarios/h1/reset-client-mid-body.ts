import { defineScenario } from '../../harness/runner/scenario.js';
import { CHOPPY } from '../../harness/sim/faults.js';
import { get, randomText } from '../support.js';

/**
 * A client that resets (RST) while its request body is still arriving: the handler is blocked
 * reading the body. The server must fail that read, drop the exchange and forget the connection
 * (no crash, no timer left, an empty registry — the runner's invariants check all three), and
 * keep serving others: a new connection afterwards gets a normal answer.
 */
export default defineScenario({
  name: 'h1/reset-client-mid-body',
  description: 'RST from the client part-way through a POST body; the server cleans up and serves the next client',
  faults: { clientToServer: CHOPPY, serverToClient: CHOPPY },
  async run({ sim, openConnections, connect, responses, check, rng }) {
    const conn = connect();
    const declared = rng.int(1000, 200_000);
    const sentPart = rng.int(0, declared - 1);
    const chunked = rng.chance(0.3);
    const head = chunked
      ? `POST /echo HTTP/1.1\r\nHost: sim\r\nTransfer-Encoding: chunked\r\n\r\n${declared.toString(16)}\r\n`
      : `POST /echo HTTP/1.1\r\nHost: sim\r\nContent-Length: ${declared}\r\n\r\n`;
    await conn.client.write(head);
    await conn.client.write(randomText(sentPart, rng));
    // Give part of it time to reach the server (or not: both are legitimate), then abort.
    await sim.sleep(rng.int(0, 100));
    conn.client.reset();
    check(conn.client.closed, 'the client is not closed after its own reset');
    // The reset takes one link delay to reach the server.
    await sim.sleep(conn.faults.clientToServer.latencyMs + 1);
    check(openConnections() === 0, `the server still holds ${openConnections()} connection(s) after the client's reset`);
    check(!conn.client.received.toString('latin1').includes('HTTP/1.1 200'), 'a 200 came back for a body that was never completed');
    const next = connect();
    await next.client.write(get('/hello'));
    const [r] = await responses(next, 1);
    check(r?.status === 200 && r.body.toString() === 'hello, world\n', 'the server did not serve a new connection after the reset');
  },
});

import { defineScenario } from '../../harness/runner/scenario.js';
import { CHOPPY } from '../../harness/sim/faults.js';
import { SIM_TLS, tlsGet } from '../support.js';

/**
 * The connection is reset in the middle of the handshake, from either side (the seed picks the
 * direction and the byte): inside the ClientHello, or inside the server's first flight. The
 * client must see the handshake fail (never a hang), the server must forget the connection and
 * log the failed handshake, and a new TLS connection must still be served.
 */
export default defineScenario({
  name: 'tls/reset-mid-handshake',
  description: 'reset at a random byte of the ClientHello or of the server flight: handshake fails cleanly, server forgets it, next connection served',
  faults: { clientToServer: CHOPPY, serverToClient: CHOPPY },
  server: { tls: SIM_TLS },
  async run({ connectTls, check, rng, openConnections, sleep }) {
    const fromClient = rng.chance(0.5);
    // A ClientHello here is about 300 bytes and the server's first flight well over 1,000.
    const at = fromClient ? rng.int(1, 250) : rng.int(1, 900);
    const cut = { ...CHOPPY, resetAfterBytes: [at, at] as [number, number] };
    const t = connectTls({ faults: fromClient ? { clientToServer: cut, serverToClient: CHOPPY } : { clientToServer: CHOPPY, serverToClient: cut } });
    const secured = await t.handshake;
    check(!secured, `the handshake completed although the ${fromClient ? 'client' : 'server'} side was reset after ${at} bytes`);
    check(t.conn.isReset, 'the connection was not reset');
    await sleep(1000);
    check(openConnections() === 0, `the server still holds ${openConnections()} connection(s) or handshake(s) after the reset`);

    const next = connectTls();
    check(await next.handshake, `a new TLS connection after the reset failed: ${next.error()}`);
    next.socket.write(tlsGet('/hello', 'Connection: close\r\n'));
    await next.conn.client.until(() => next.conn.client.ended || next.conn.client.closed);
    check(next.received().toString('latin1').startsWith('HTTP/1.1 200 '), `the next connection got ${JSON.stringify(next.received().toString('latin1').slice(0, 40))}`);
  },
});

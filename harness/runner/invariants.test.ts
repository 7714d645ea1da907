import { describe, expect, it } from 'vitest';
import { checkInvariants } from './invariants.js';
import type { Sim } from '../sim/sim.js';

interface FakeLink { name: string; hostile: boolean; sentBytes: number; delivered: number }

/** Just what checkInvariants reads of a Sim: connections with their links and ends, the clock. */
function world(connections: Array<{ c2s: Partial<FakeLink>; s2c: Partial<FakeLink>; received?: string; isReset?: boolean }>): Sim {
  return {
    connections: connections.map((c, i) => ({
      id: i + 1,
      isReset: c.isReset ?? false,
      c2s: { name: `c${i + 1} c->s`, hostile: false, sentBytes: 10, delivered: 10, ...c.c2s },
      s2c: { name: `c${i + 1} s->c`, hostile: false, sentBytes: 10, delivered: 10, ...c.s2c },
      server: { closed: true },
      client: { closed: true, received: Buffer.from(c.received ?? '', 'latin1') },
    })),
    clock: { pendingTimers: 0 },
  } as unknown as Sim;
}

const OK_RESPONSE = 'HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok';

describe('checkInvariants', () => {
  it('flags bytes lost on a reliable link, but not on a hostile one (where the count means nothing)', () => {
    expect(checkInvariants(world([{ c2s: { delivered: 9 }, s2c: {} }]), { connectionCount: 0 })).toEqual([
      'c1 c->s: sent 10 bytes but delivered 9 on a link that was never reset',
    ]);
    expect(checkInvariants(world([{ c2s: { hostile: true, delivered: 17 }, s2c: {}, received: OK_RESPONSE }]), { connectionCount: 0 })).toEqual([]);
    // The other direction of a connection with one hostile link is still a reliable link.
    expect(checkInvariants(world([{ c2s: { hostile: true, delivered: 17 }, s2c: { delivered: 3 }, received: OK_RESPONSE }]), { connectionCount: 0 })).toEqual([
      'c1 s->c: sent 10 bytes but delivered 3 on a link that was never reset',
    ]);
  });

  it('on a hostile request path, requires what the server sent to be well-formed HTTP', () => {
    const check = (received: string, isReset = false) => checkInvariants(world([{ c2s: { hostile: true }, s2c: {}, received, isReset }]), { connectionCount: 0 });
    expect(check(OK_RESPONSE + 'HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\nconnection: close\r\n\r\n')).toEqual([]);
    expect(check('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n')[0]).toMatch(/^c1: the server sent a malformed response on a hostile link \(bad chunk-size line/);
    expect(check('HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nok')).toEqual(['c1: 40 byte(s) after the last complete response, on a connection closed without a reset']);
    // Cut short by a reset: a partial response is what a reset leaves.
    expect(check('HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nok', true)).toEqual([]);
  });

  it('does not judge responses that crossed a hostile response path (the client may get anything)', () => {
    expect(checkInvariants(world([{ c2s: {}, s2c: { hostile: true, delivered: 12 }, received: 'HTTP/1.1 2\x3000 garbage' }]), { connectionCount: 0 })).toEqual([]);
  });

  it('still requires closed ends, no timers and an empty registry', () => {
    const sim = world([{ c2s: { hostile: true }, s2c: {}, received: OK_RESPONSE }]);
    (sim.connections[0]!.server as { closed: boolean }).closed = false;
    (sim.clock as unknown as { pendingTimers: number }).pendingTimers = 2;
    expect(checkInvariants(sim, { connectionCount: 1 })).toEqual([
      "c1: the server's end is still open after teardown",
      'the server still has 1 connection(s) in its registry',
      '2 timer(s) left on the virtual clock',
    ]);
  });
});

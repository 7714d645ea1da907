import { describe, expect, it } from 'vitest';
import { simH2World } from './test-support/sim-h2.js';
import { SimUpstream } from '../../harness/sim/sim-upstream.js';
import { ErrorCode } from './frames/constants.js';

const TARGET = 'echo.sim:7';
const connectFields = (authority = TARGET): Array<[string, string]> => [[':method', 'CONNECT'], [':authority', authority]];

function world(seed: number, options: ConstructorParameters<typeof SimUpstream>[1] = {}) {
  let upstream!: SimUpstream;
  const w = simH2World(seed, (sim) => {
    upstream = new SimUpstream(sim, options);
    return { connect: { allow: [TARGET], dial: upstream.dial } };
  });
  return { ...w, upstream: () => upstream };
}

describe('CONNECT over HTTP/2 (RFC 9113 §8.5)', () => {
  it('tunnels bytes both ways on one stream, END_STREAM and FIN mapped onto each other', async () => {
    const w = world(1);
    const h = w.open();
    await w.run((async () => {
      await h.handshake();
      h.client.headers(1, connectFields(), { endStream: false });
      await h.until(() => h.client.response(1).status !== null);
      h.client.data(1, Buffer.from('ping\x00\xff', 'latin1'));
      await h.until(() => h.client.response(1).body.length === 6);
      h.client.data(1, Buffer.alloc(0), true);
      await h.until(() => h.client.response(1).ended);
    })());
    const r = h.client.response(1);
    expect(r.status).toBe(200);
    expect(r.fields.some(([n]) => n === 'content-length')).toBe(false);
    expect(w.upstream().sessions[0]!.received.toString('latin1')).toBe('ping\x00\xff');
    expect(w.upstream().sessions[0]!.ended).toBe(true);
    expect(w.server.connectionCount).toBe(0);
  });

  it('refuses a target off the allowlist with 403, and a failed dial with 502', async () => {
    const w = world(2, { refuse: true });
    const h = w.open();
    await w.run((async () => {
      await h.handshake();
      h.client.headers(1, connectFields('evil.sim:22'), { endStream: false });
      h.client.headers(3, connectFields(), { endStream: false });
      await h.until(() => h.client.response(1).ended && h.client.response(3).ended);
    })());
    expect(h.client.response(1).status).toBe(403);
    expect(h.client.response(3).status).toBe(502);
    expect(w.upstream().dials).toEqual([TARGET]);
  });

  it('a reset of the target connection resets the stream with CONNECT_ERROR', async () => {
    const w = world(3);
    const h = w.open();
    await w.run((async () => {
      await h.handshake();
      h.client.headers(1, connectFields(), { endStream: false });
      await h.until(() => h.client.response(1).status !== null);
      w.upstream().sessions[0]!.reset();
      await h.until(() => h.client.rstOn(1) !== undefined);
    })());
    expect(h.client.rstOn(1)?.errorCode).toBe(ErrorCode.CONNECT_ERROR);
  });

  it('the client resetting the stream resets the target connection', async () => {
    const w = world(4);
    const h = w.open();
    await w.run((async () => {
      await h.handshake();
      h.client.headers(1, connectFields(), { endStream: false });
      await h.until(() => h.client.response(1).status !== null);
      h.client.rst(1, ErrorCode.CANCEL);
      const session = w.upstream().sessions[0]!;
      await session.until(() => session.closed);
    })());
    expect(w.upstream().sessions[0]!.error).toBe('ECONNRESET');
  });

  it('CONNECT is 501 when tunnelling is off', async () => {
    const w = simH2World(5);
    const h = w.open();
    await w.run((async () => {
      await h.handshake();
      h.client.headers(1, connectFields(), { endStream: false });
      await h.until(() => h.client.response(1).ended);
    })());
    expect(h.client.response(1).status).toBe(501);
  });
});

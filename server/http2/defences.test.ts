import { describe, expect, it } from 'vitest';
import { simH2World } from './test-support/sim-h2.js';
import { ErrorCode, FrameType } from './frames/constants.js';

const CALM = ErrorCode.ENHANCE_YOUR_CALM;

describe('HTTP/2 defences: each abuse gets a bounded outcome', () => {
  it('rapid reset (CVE-2023-44487): streams opened and reset past the budget end the connection with ENHANCE_YOUR_CALM', async () => {
    const world = simH2World(1, { http2: { defences: { maxPeerResets: 50 } } });
    const other = world.open();
    const h = world.open();
    await world.run((async () => {
      await h.handshake();
      for (let i = 0; i < 60; i++) h.client.request(1 + 2 * i, '/slow?ms=1000').rst(1 + 2 * i, ErrorCode.CANCEL);
      await h.until(() => h.client.goawayFrame !== undefined);
      // Another connection is unaffected.
      await other.handshake();
      other.client.request(1, '/hello');
      await other.until(() => other.client.response(1).ended);
    })());
    expect(h.client.goawayFrame?.errorCode).toBe(CALM);
    expect(other.client.response(1).status).toBe(200);
    expect(world.server.connectionCount).toBe(0);
  });

  it('CONTINUATION flood, zero-length frames included: GOAWAY ENHANCE_YOUR_CALM after the frame cap', async () => {
    const world = simH2World(2);
    const h = world.open();
    await world.run((async () => {
      await h.handshake();
      h.client.request(1, '/hello', { leaveOpen: true });
      for (let i = 0; i < 100 && h.client.goawayFrame === undefined; i++) h.client.continuation(1, Buffer.alloc(0), false);
      await h.until(() => h.client.goawayFrame !== undefined);
    })());
    expect(h.client.goawayFrame?.errorCode).toBe(CALM);
  });

  it('a header block past the byte cap is cut off before it is decoded', async () => {
    const world = simH2World(3, { http2: { defences: { maxHeaderBlockBytes: 8192 } } });
    const h = world.open();
    await world.run((async () => {
      await h.handshake();
      h.client.request(1, '/hello', { leaveOpen: true });
      for (let i = 0; i < 10; i++) h.client.continuation(1, Buffer.alloc(1000, 0x40), false);
      await h.until(() => h.client.goawayFrame !== undefined);
    })());
    expect(h.client.goawayFrame?.errorCode).toBe(CALM);
  });

  it('HPACK bomb: a request whose decoded list passes the limit gets 431, and the connection stays usable', async () => {
    const world = simH2World(4, { http2: { settings: { maxHeaderListSize: 16_384 } } });
    const h = world.open();
    await world.run((async () => {
      await h.handshake();
      // Hand-encoded (RFC 7541 §6): the first block inserts a 3,000-byte field into the dynamic
      // table; the second references it (index 62) 100 times, 1 byte each: ~300 KB decoded.
      const pseudo = Buffer.from([0x82, 0x86, 0x84]); // :method GET, :scheme http, :path /
      const big = Buffer.concat([Buffer.from([0x40, 0x05]), Buffer.from('x-big'), Buffer.from([0x7f, 0xb9, 0x16]) /* 3000 = 127 + 57 + 22·128 */, Buffer.alloc(3000, 0x78)]);
      h.client.headerBlock(1, Buffer.concat([pseudo, big]), { endStream: true });
      h.client.headerBlock(3, Buffer.concat([pseudo, Buffer.alloc(100, 0x80 | 62)]), { endStream: true });
      h.client.request(5, '/hello');
      await h.until(() => h.client.response(5).ended);
    })());
    expect(h.client.response(1).status).toBe(404); // GET / is not a demo route
    expect(h.client.response(3).status).toBe(431);
    expect(h.client.response(5).status).toBe(200);
  });

  it('PING flood from a peer that does not read: the connection is cut, the queue stays bounded', async () => {
    const world = simH2World(5, { http2: { defences: { maxOutboundQueueBytes: 64 * 1024, maxIdleFrames: 1_000_000 } } });
    const h = world.open({ serverToClient: { windowBytes: [4096, 4096] } });
    let peak = 0;
    await world.run((async () => {
      await h.handshake();
      h.conn.client.pause();
      for (let i = 0; i < 20_000 && !h.conn.client.closed; i++) {
        h.client.ping();
        peak = Math.max(peak, h.conn.server.writableLength);
        if (i % 100 === 0) await world.sim.sleep(1);
      }
      await h.until(() => h.conn.client.closed, 10_000);
    })());
    expect(h.conn.client.closed).toBe(true);
    expect(peak).toBeLessThan(64 * 1024 + 4096);
  });

  it('SETTINGS flood past the idle-frame budget: GOAWAY ENHANCE_YOUR_CALM', async () => {
    const world = simH2World(6, { http2: { defences: { maxIdleFrames: 500 } } });
    const h = world.open();
    await world.run((async () => {
      await h.handshake();
      for (let i = 0; i < 600 && h.client.goawayFrame === undefined; i++) h.client.settings([]);
      await h.until(() => h.client.goawayFrame !== undefined);
    })());
    expect(h.client.goawayFrame?.errorCode).toBe(CALM);
  });

  it('empty DATA frames without END_STREAM past the budget: GOAWAY ENHANCE_YOUR_CALM', async () => {
    const world = simH2World(7, { http2: { defences: { maxIdleFrames: 300 } } });
    const h = world.open();
    await world.run((async () => {
      await h.handshake();
      h.client.request(1, '/echo', { method: 'POST', endStream: false });
      for (let i = 0; i < 400 && h.client.goawayFrame === undefined; i++) h.client.data(1, Buffer.alloc(0));
      await h.until(() => h.client.goawayFrame !== undefined);
    })());
    expect(h.client.goawayFrame?.errorCode).toBe(CALM);
  });

  it('provoked resets (MadeYouReset, CVE-2025-8671): WINDOW_UPDATE 0 on streams past the budget', async () => {
    const world = simH2World(8, { http2: { defences: { maxProvokedResets: 20 } } });
    const h = world.open();
    await world.run((async () => {
      await h.handshake();
      for (let i = 0; i < 30 && h.client.goawayFrame === undefined; i++) h.client.request(1 + 2 * i, '/slow?ms=500').frame(FrameType.WINDOW_UPDATE, 0, 1 + 2 * i, Buffer.alloc(4));
      await h.until(() => h.client.goawayFrame !== undefined);
    })());
    expect(h.client.framesOf('RST_STREAM').length).toBeGreaterThanOrEqual(20);
    expect(h.client.goawayFrame?.errorCode).toBe(CALM);
  });

  it('a peer that never reads a large response: bounded buffering, then the send-stall timeout closes it', async () => {
    const world = simH2World(9, { timeouts: { sendStallMs: 5_000 } });
    const h = world.open({ serverToClient: { windowBytes: [16_384, 16_384] } });
    let peak = 0;
    await world.run((async () => {
      await h.handshake([[4, 0x7fffffff - 1]]);
      h.client.windowUpdate(0, 0x7fffffff - 65_535);
      h.conn.client.pause();
      h.client.request(1, '/bytes/50000000');
      for (let t = 0; t < 60 && !h.conn.client.closed; t++) {
        await world.sim.sleep(100);
        peak = Math.max(peak, h.conn.server.writableLength);
      }
      h.conn.client.resume();
      await h.until(() => h.conn.client.closed, 30_000);
    })());
    // The demo route writes 16 KiB at a time and waits for room: the server holds little.
    expect(peak).toBeLessThan(256 * 1024);
    expect(h.conn.client.closed).toBe(true);
    expect(world.logger.records.some((r) => r.event === 'http2.send-stall')).toBe(true);
  });

  it('unknown frame types are ignored outside a field block', async () => {
    const world = simH2World(10);
    const h = world.open();
    await world.run((async () => {
      await h.handshake();
      h.client.frame(0xfa, 0, 0, Buffer.from('extension')).request(1, '/hello');
      await h.until(() => h.client.response(1).ended);
    })());
    expect(h.client.response(1).status).toBe(200);
  });
});

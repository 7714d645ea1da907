/**
 * HTTP/2 counters, exactly, on the simulated network: every frame the server queues is one the
 * client receives (the client counts them by type), every reset and GOAWAY is counted once by
 * code and direction, each defence that trips is counted once by its budget's name, and HPACK
 * octets match what went over the wire.
 */
import { describe, expect, it } from 'vitest';
import { simH2World, type SimH2Conn } from '../http2/test-support/sim-h2.js';
import { ErrorCode, FrameType } from '../http2/frames/constants.js';
import { HpackEncoder } from '../http2/hpack/index.js';
import type { ServerOptions } from '../server-options.js';
import { FRAME_TYPES, DEFENCES } from './labels.js';
import type { ServerMetrics } from './server-metrics.js';

function metricsOf(world: { server: { metrics: ServerMetrics | null } }): ServerMetrics {
  const m = world.server.metrics;
  if (m === null) throw new Error('metrics are off');
  return m;
}

/** What the client received, by frame type, in the snapshot's shape. */
function received(h: SimH2Conn): Record<string, number> {
  return Object.fromEntries(FRAME_TYPES.map((t) => [t, h.client.counts.get(t) ?? 0]));
}

const octets = (fields: ReadonlyArray<readonly [string, string]>) => fields.reduce((n, [a, b]) => n + a.length + b.length, 0);

describe('HTTP/2 metrics on the sim', () => {
  it('counts each frame in and out by type, the HPACK octets both ways, streams and their lifetimes', async () => {
    const world = simH2World(41, { metrics: true });
    const h = world.open();
    const requests: Array<Array<[string, string]>> = [
      [[':method', 'GET'], [':scheme', 'http'], [':authority', 'localhost'], [':path', '/hello']],
      [[':method', 'GET'], [':scheme', 'http'], [':authority', 'localhost'], [':path', '/slow?ms=250']],
      [[':method', 'GET'], [':scheme', 'http'], [':authority', 'localhost'], [':path', '/hello']],
    ];
    await world.run((async () => {
      await h.handshake();
      requests.forEach((fields, i) => h.client.headers(1 + 2 * i, fields, { endStream: true }));
      await h.until(() => [1, 3, 5].every((id) => h.client.response(id).ended));
    })());
    const m = metricsOf(world).snapshot();
    // In: the preface's SETTINGS, the ACK of ours, three HEADERS; nothing else.
    expect(m.h2.framesIn).toEqual({ ...Object.fromEntries(FRAME_TYPES.map((t) => [t, 0])), SETTINGS: 2, HEADERS: 3 });
    // Out: exactly what reached the client (the connection closed cleanly: nothing queued was lost).
    expect(m.h2.framesOut).toEqual(received(h));
    expect(m.h2.framesOut).toMatchObject({ SETTINGS: 2, WINDOW_UPDATE: 1, HEADERS: 3, DATA: 3, GOAWAY: 1 });
    // HPACK in: the same blocks the client's encoder made (a mirror encoder makes them again).
    const mirror = new HpackEncoder({ huffman: 'never' });
    const inBlocks = requests.reduce((n, f) => n + mirror.encode(f).length, 0);
    expect(m.h2.hpack.in).toEqual({ blockBytes: inBlocks, fieldBytes: requests.reduce((n, f) => n + octets(f), 0), ratio: inBlocks / requests.reduce((n, f) => n + octets(f), 0) });
    // HPACK out: the HEADERS fragments the client received, and the fields they decode to.
    const headers = h.client.framesOf('HEADERS');
    expect(m.h2.hpack.out.blockBytes).toBe(headers.reduce((n, f) => n + f.fragment.length, 0));
    expect(m.h2.hpack.out.fieldBytes).toBe(headers.reduce((n, f) => n + octets(f.fields!), 0));
    expect(m.h2.hpack.out.ratio).toBeLessThan(1); // repeated response fields come from the dynamic table
    expect(m.h2.streamsOpen).toBe(0);
    expect(m.h2.streamsClosed).toBe(3);
    expect(m.h2.rstStreamOut).toEqual({});
    expect(m.h2.goawayOut).toEqual({ NO_ERROR: 1 });
    const text = metricsOf(world).expose();
    // Stream lifetimes on virtual time: 0, 250 and 0 ms exactly.
    expect(text).toContain('aeronet_h2_stream_duration_seconds_sum 0.25\n');
    expect(text).toContain('aeronet_h2_stream_duration_seconds_count 3\n');
    expect(text).toContain('aeronet_h2_streams_per_connection_bucket{le="2"} 0\n');
    expect(text).toContain('aeronet_h2_streams_per_connection_bucket{le="5"} 1\n');
    expect(text).toContain('aeronet_h2_streams_per_connection_sum 3\n');
    expect(text).toContain('aeronet_http_request_duration_seconds_sum{route="/slow",status_class="2xx"} 0.25\n');
    expect(metricsOf(world).requestCounts()).toEqual({ 'GET /hello 2xx': 2, 'GET /slow 2xx': 1 });
    expect(m.requests.inFlight).toBe(0);
    expect(m.connections).toMatchObject({ open: 0, opened: 2, accepted: 1 }); // h1 read the preface, then h2
  });

  it('counts RST_STREAM and GOAWAY by error code and direction', async () => {
    const world = simH2World(42, { metrics: true });
    const h = world.open();
    await world.run((async () => {
      await h.handshake();
      h.client.request(1, '/slow?ms=1000').rst(1, ErrorCode.CANCEL);
      h.client.request(3, '/hello');
      await h.until(() => h.client.response(3).ended);
      // A WINDOW_UPDATE of 0 on the closed stream 3: a stream error PROTOCOL_ERROR (§6.9).
      h.client.frame(FrameType.WINDOW_UPDATE, 0, 3, Buffer.alloc(4));
      await h.until(() => h.client.rstOn(3) !== undefined);
      h.client.goaway(3, ErrorCode.NO_ERROR);
      await h.until(() => h.client.goawayFrame !== undefined);
    })());
    const m = metricsOf(world).snapshot();
    expect(m.h2.rstStreamIn).toEqual({ CANCEL: 1 });
    expect(m.h2.rstStreamOut).toEqual({ PROTOCOL_ERROR: 1 });
    expect(m.h2.goawayIn).toEqual({ NO_ERROR: 1 });
    expect(m.h2.goawayOut).toEqual({ NO_ERROR: 1 });
    expect(m.h2.framesOut).toEqual(received(h));
    // The reset stream is an aborted exchange with no response head: status class "none".
    expect(metricsOf(world).requestCounts()).toEqual({ 'GET /slow none': 1, 'GET /hello 2xx': 1 });
    expect(m.requests.aborted).toBe(1);

    const world2 = simH2World(43, { metrics: true });
    const h2 = world2.open();
    await world2.run((async () => {
      await h2.handshake();
      h2.client.data(7, 'no such stream');
      await h2.until(() => h2.client.goawayFrame !== undefined);
    })());
    expect(metricsOf(world2).snapshot().h2.goawayOut).toEqual({ PROTOCOL_ERROR: 1 });
  });

  const defenceCases: Array<{ defence: (typeof DEFENCES)[number]; options: Partial<ServerOptions>; attack(h: SimH2Conn): Promise<void>; faults?: Parameters<ReturnType<typeof simH2World>['open']>[0] }> = [
    {
      defence: 'maxPeerResets',
      options: { http2: { defences: { maxPeerResets: 10 } } },
      async attack(h) {
        for (let i = 0; i < 20; i++) h.client.request(1 + 2 * i, '/slow?ms=1000').rst(1 + 2 * i, ErrorCode.CANCEL);
        await h.until(() => h.client.goawayFrame !== undefined);
      },
    },
    {
      defence: 'maxProvokedResets',
      options: { http2: { defences: { maxProvokedResets: 5 } } },
      async attack(h) {
        for (let i = 0; i < 10; i++) h.client.request(1 + 2 * i, '/slow?ms=500').frame(FrameType.WINDOW_UPDATE, 0, 1 + 2 * i, Buffer.alloc(4));
        await h.until(() => h.client.goawayFrame !== undefined);
      },
    },
    {
      defence: 'maxIdleFrames',
      options: { http2: { defences: { maxIdleFrames: 50 } } },
      async attack(h) {
        for (let i = 0; i < 80; i++) h.client.ping();
        await h.until(() => h.client.goawayFrame !== undefined);
      },
    },
    {
      defence: 'maxHeaderBlockFrames',
      options: {},
      async attack(h) {
        h.client.request(1, '/hello', { leaveOpen: true });
        for (let i = 0; i < 40; i++) h.client.continuation(1, Buffer.alloc(0), false);
        await h.until(() => h.client.goawayFrame !== undefined);
      },
    },
    {
      defence: 'maxHeaderBlockBytes',
      options: { http2: { defences: { maxHeaderBlockBytes: 4096 } } },
      async attack(h) {
        h.client.request(1, '/hello', { leaveOpen: true });
        for (let i = 0; i < 6; i++) h.client.continuation(1, Buffer.alloc(1000, 0x40), false);
        await h.until(() => h.client.goawayFrame !== undefined);
      },
    },
    {
      defence: 'maxOutboundQueueBytes',
      options: { http2: { defences: { maxOutboundQueueBytes: 16 * 1024, maxIdleFrames: 1_000_000 } } },
      faults: { serverToClient: { windowBytes: [4096, 4096] } },
      async attack(h) {
        h.conn.client.pause();
        for (let i = 0; i < 5000 && !h.conn.client.closed; i++) h.client.ping();
        await h.until(() => h.conn.client.closed, 10_000);
      },
    },
  ];

  it.each(defenceCases)('counts a $defence trip once, and no other defence', async ({ defence, options, attack, faults }) => {
    const world = simH2World(44, { metrics: true, ...options });
    const h = world.open(faults);
    await world.run((async () => {
      await h.handshake();
      await attack(h);
    })());
    const m = metricsOf(world).snapshot();
    expect(m.h2.defenceTrips).toEqual({ ...Object.fromEntries(DEFENCES.map((d) => [d, 0])), [defence]: 1 });
    // The outbound-queue cut resets the connection; every other trip is GOAWAY ENHANCE_YOUR_CALM.
    if (defence !== 'maxOutboundQueueBytes') expect(m.h2.goawayOut).toEqual({ ENHANCE_YOUR_CALM: 1 });
    expect(m.connections.open).toBe(0);
    expect(m.requests.inFlight).toBe(0);
    expect(m.h2.streamsOpen).toBe(0);
  });

  it('counts nothing, and builds no counters, when metrics are off', async () => {
    const world = simH2World(45);
    const h = world.open();
    await world.run((async () => {
      await h.handshake();
      h.client.request(1, '/hello');
      await h.until(() => h.client.response(1).ended);
    })());
    expect(world.server.metrics).toBeNull();
    expect(h.client.response(1).status).toBe(200);
  });
});

/**
 * Amplification budgets for HTTP/2: for each known attack class, drive a sizable attack over the
 * simulated network and bound the server's work (bytes and frames queued, handler calls, memory
 * held) per attacker byte, as the connection's WorkMeter counts it. defences.test.ts checks the
 * outcome of each defence (GOAWAY, RST_STREAM); these check that what the server does before the
 * defence fires is bounded, so a defence that fires late, or a reply that grows, shows up as a
 * ratio past its bound. CPU time is printed, never asserted (a shared machine's timing is noise).
 */
import { describe, expect, it } from 'vitest';
import { simH2World, type SimH2Conn, type SimH2World } from './test-support/sim-h2.js';
import { ErrorCode, FrameType, SettingId } from './frames/constants.js';
import { DEFAULT_HTTP2_DEFENCES, DEFAULT_HTTP2_SETTINGS } from './http2-options.js';
import { amplification, type WorkCounts } from '../core/work-meter.js';
import type { ServerOptions } from '../server-options.js';

const D = DEFAULT_HTTP2_DEFENCES;

/** Injected into the server so the meter can report CPU time; the tests only print it. */
const cpuClock = (): number => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

/** Frame sizes on the wire (RFC 9113 §4.1: a 9-octet header, then the payload). */
const FRAME_HEADER = 9;
const RST_STREAM_BYTES = FRAME_HEADER + 4;
const PING_BYTES = FRAME_HEADER + 8;
const SETTINGS_ACK_BYTES = FRAME_HEADER;
/** GOAWAY with its debug text (we send at most 200 octets of it) and our FIN. */
const GOAWAY_MAX_BYTES = FRAME_HEADER + 8 + 200;
/**
 * What a connection holds with nothing going on: both HPACK tables at their 4,096-octet cap
 * (RFC 7541 §4.2) and a partial frame header in the reader. Retention bounds are stated on top of it.
 */
const IDLE_RETAINED_BYTES = 2 * DEFAULT_HTTP2_SETTINGS.headerTableSize + FRAME_HEADER;

interface Measured {
  /** Work during the attack (after the handshake), with bytesIn = the attacker's bytes. */
  work: WorkCounts;
  ratios: ReturnType<typeof amplification>;
  h: SimH2Conn;
}

/** Handshake, run the attack, let the connection end, and report the work done for the attack's bytes. */
async function measure(name: string, seed: number, options: Partial<ServerOptions>, attack: (h: SimH2Conn, world: SimH2World) => Promise<void>, handshake: Array<[number, number]> = []): Promise<Measured> {
  const world = simH2World(seed, { cpuClock, ...options });
  const h = world.open();
  const meter = h.meter!;
  let before: WorkCounts | null = null;
  let sentBefore = 0;
  await world.run((async () => {
    await h.handshake(handshake);
    before = meter.snapshot();
    sentBefore = h.bytesSent;
    await attack(h, world);
  })());
  const after = meter.snapshot();
  const b = before!;
  const work: WorkCounts = {
    bytesIn: h.bytesSent - sentBefore,
    bytesOut: after.bytesOut - b.bytesOut,
    framesOut: after.framesOut - b.framesOut,
    handlerCalls: after.handlerCalls - b.handlerCalls,
    retainedBytes: after.retainedBytes,
    peakRetainedBytes: after.peakRetainedBytes,
    cpuMicros: after.cpuMicros - b.cpuMicros,
  };
  const ratios = amplification(work);
  console.log(`[amplification h2] ${name}: in ${work.bytesIn} B, out ${work.bytesOut} B (${ratios.outPerIn.toFixed(3)}/B), ${work.framesOut} frames (${ratios.framesPerKiB.toFixed(2)}/KiB), ${work.handlerCalls} handler calls (${ratios.handlerCallsPerKiB.toFixed(3)}/KiB), peak held ${work.peakRetainedBytes} B (${ratios.peakRetainedPerIn.toFixed(3)}/B), cpu ${work.cpuMicros} µs (${ratios.cpuMicrosPerKiB.toFixed(1)} µs/KiB)`);
  // The meter counted the bytes the server read: never more than the client sent.
  expect(after.bytesIn).toBeLessThanOrEqual(h.bytesSent);
  expect(after.retainedBytes).toBe(0); // the connection has ended: it holds nothing
  expect(world.server.connectionCount).toBe(0);
  return { work, ratios, h };
}

/** Skip recording flood replies (they are counted in client.counts), so a 20,000-frame flood stays cheap. */
function recordOnly(h: SimH2Conn, ...types: string[]): void {
  h.client.recordFilter = (f) => types.includes(f.type);
}

describe('HTTP/2 amplification budgets: server work per attacker byte', () => {
  it('Rapid Reset (CVE-2023-44487): HEADERS + RST_STREAM pairs cost at most the reset budget in handler calls', async () => {
    const PAIRS = 10 * D.maxPeerResets;
    const { work, ratios, h } = await measure('rapid reset', 101, {}, async (h) => {
      recordOnly(h, 'GOAWAY');
      for (let i = 0; i < PAIRS; i++) {
        h.client.request(1 + 2 * i, '/slow?ms=1000').rst(1 + 2 * i, ErrorCode.CANCEL);
        if (i % 50 === 49) await h.until(() => false, 1);
      }
      await h.until(() => h.client.goawayFrame !== undefined);
    });
    expect(h.client.goawayFrame?.errorCode).toBe(ErrorCode.ENHANCE_YOUR_CALM);
    // Every stream the peer opens runs the handler once (that is a request), but past
    // maxPeerResets unfinished streams reset in the window the connection ends: 200 handler calls
    // (+1 for the stream whose reset crossed the budget) whatever the attacker sends. Without the
    // budget the count grows with PAIRS (1 per pair), ten times the bound here.
    const HANDLER_CALLS_BOUND = D.maxPeerResets + 1;
    expect(work.handlerCalls).toBeLessThanOrEqual(HANDLER_CALLS_BOUND);
    // A reset stream gets nothing back (the peer asked us to stop), so all the server sends is
    // GOAWAY: answering each RST_STREAM with one of ours (13 B per ~60 B pair) would be 0.2/B.
    const OUT_PER_IN_BOUND = 0.02;
    expect(ratios.outPerIn).toBeLessThanOrEqual(OUT_PER_IN_BOUND);
    expect(work.bytesOut).toBeLessThanOrEqual(GOAWAY_MAX_BYTES);
  });

  describe('MadeYouReset (CVE-2025-8671): frames that make the server reset streams', () => {
    // Each variant opens many streams and provokes a server RST_STREAM on each. The provoked-reset
    // budget ends the connection after maxProvokedResets, so the server's frames are at most one
    // RST_STREAM per provoked stream up to the budget, plus GOAWAY; a server that answered each
    // provocation twice, or kept answering past the budget, breaks the frame bound.
    const STREAMS = 5 * D.maxProvokedResets;
    // +1 RST_STREAM: the one that crosses the budget is sent before the budget is checked.
    const FRAMES_BOUND = D.maxProvokedResets + 2;
    const BYTES_BOUND = (D.maxProvokedResets + 1) * RST_STREAM_BYTES + GOAWAY_MAX_BYTES;
    /** Connection credit for DATA nobody reads goes back at once, one WINDOW_UPDATE per 16 KiB (MIN_CREDIT_UPDATE). */
    const creditFrames = (bytesIn: number) => Math.ceil(bytesIn / (16 * 1024));

    async function provoke(name: string, seed: number, options: Partial<ServerOptions>, each: (h: SimH2Conn, id: number) => void, handshake: Array<[number, number]> = []): Promise<Measured> {
      const m = await measure(`MadeYouReset: ${name}`, seed, options, async (h) => {
        recordOnly(h, 'GOAWAY');
        for (let i = 0; i < STREAMS; i++) {
          each(h, 1 + 2 * i);
          if (i % 20 === 19) await h.until(() => false, 1);
        }
        await h.until(() => h.client.goawayFrame !== undefined);
      }, handshake);
      expect(m.h.client.goawayFrame?.errorCode).toBe(ErrorCode.ENHANCE_YOUR_CALM);
      expect(m.h.client.counts.get('RST_STREAM') ?? 0).toBeGreaterThanOrEqual(D.maxProvokedResets);
      expect(m.work.framesOut).toBeLessThanOrEqual(FRAMES_BOUND + creditFrames(m.work.bytesIn));
      expect(m.work.bytesOut).toBeLessThanOrEqual(BYTES_BOUND + creditFrames(m.work.bytesIn) * RST_STREAM_BYTES);
      // A stream runs the handler at most once, and the streams stop at the budget.
      expect(m.work.handlerCalls).toBeLessThanOrEqual(D.maxProvokedResets + 1);
      return m;
    }

    it('WINDOW_UPDATE with increment 0 on an open stream (§6.9)', async () => {
      await provoke('WINDOW_UPDATE 0', 102, {}, (h, id) => {
        h.client.request(id, '/slow?ms=1000').frame(FrameType.WINDOW_UPDATE, 0, id, Buffer.alloc(4));
      });
    });

    it('DATA on a half-closed (remote) stream (§5.1)', async () => {
      await provoke('DATA after END_STREAM', 103, {}, (h, id) => {
        h.client.request(id, '/slow?ms=1000').data(id, 'x');
      });
    });

    it('PRIORITY with a self-dependency (§5.3.1)', async () => {
      const m = await provoke('PRIORITY self-dependency', 104, {}, (h, id) => {
        h.client.priority(id, { dependency: id, weight: 16, exclusive: false });
      });
      // No stream is opened: no handler runs at all.
      expect(m.work.handlerCalls).toBe(0);
    });

    it('DATA past the stream window (§6.9.1)', async () => {
      const WINDOW = 1024;
      await provoke('over-window DATA', 105, { http2: { settings: { initialWindowSize: WINDOW } } }, (h, id) => {
        h.client.request(id, '/echo', { method: 'POST', endStream: false }).data(id, Buffer.alloc(WINDOW + 1));
      });
    });
  });

  it('CONTINUATION flood of zero-length frames (CVE-2024-27316 class): no growth, no output, no handler', async () => {
    const FRAMES = 20_000;
    const { work, ratios, h } = await measure('CONTINUATION zero-length flood', 106, {}, async (h) => {
      h.client.request(1, '/hello', { leaveOpen: true });
      for (let i = 0; i < FRAMES; i++) {
        h.client.continuation(1, Buffer.alloc(0), false);
        if (i % 500 === 499) await h.until(() => false, 1);
      }
      await h.until(() => h.client.goawayFrame !== undefined);
    });
    expect(h.client.goawayFrame?.errorCode).toBe(ErrorCode.ENHANCE_YOUR_CALM);
    // The block never completes: no handler, and the only frame out is GOAWAY.
    expect(work.handlerCalls).toBe(0);
    expect(work.framesOut).toBeLessThanOrEqual(1);
    // What an unbounded block would cost is memory per frame: the server cuts it at
    // maxHeaderBlockFrames, so what it holds is the idle baseline plus the HEADERS fragment and
    // one frame being read, whatever FRAMES is (a list of 20,000 empty fragments would not fit).
    const PEAK_RETAINED_BOUND = IDLE_RETAINED_BYTES + 2 * 1024;
    expect(work.peakRetainedBytes).toBeLessThanOrEqual(PEAK_RETAINED_BOUND);
    expect(work.bytesOut).toBeLessThanOrEqual(GOAWAY_MAX_BYTES);
    expect(ratios.outPerIn).toBeLessThanOrEqual(GOAWAY_MAX_BYTES / (FRAMES * FRAME_HEADER));
  });

  it('CONTINUATION with content: a block is held once, cut at maxHeaderBlockBytes', async () => {
    const { work, ratios } = await measure('CONTINUATION content flood', 107, {}, async (h) => {
      h.client.request(1, '/hello', { leaveOpen: true });
      for (let i = 0; i < 30; i++) {
        h.client.continuation(1, Buffer.alloc(16_384, 0x40), false);
        await h.until(() => false, 1);
      }
      await h.until(() => h.client.goawayFrame !== undefined);
    });
    // Each fragment octet is held once (a copy, the transport's chunk is not kept): held per
    // attacker byte ≤ 1, and never past the byte cap plus one frame in the reader. Holding the
    // fragments twice (say, the chunks and a joined copy) would pass 1.0.
    const PEAK_RETAINED_PER_IN_BOUND = 1.0;
    expect(ratios.peakRetainedPerIn).toBeLessThanOrEqual(PEAK_RETAINED_PER_IN_BOUND);
    expect(work.peakRetainedBytes).toBeLessThanOrEqual(D.maxHeaderBlockBytes + 16_384 + FRAME_HEADER + IDLE_RETAINED_BYTES);
    expect(work.handlerCalls).toBe(0);
  });

  it('HPACK bomb (RFC 7541 §7.3): small blocks referencing a big table entry get a small 431 each', async () => {
    const BOMBS = 500;
    const REFERENCES = 100;
    const { work, ratios, h } = await measure('HPACK bomb', 108, {}, async (h) => {
      // Hand-encoded (RFC 7541 §6): stream 1 inserts a 4,000-octet field (the table's cap is
      // 4,096), then each bomb references it (index 62, 1 octet) 100 times: 400 KB decoded from
      // ~110 octets, past maxHeaderListSize (64 KiB).
      const pseudo = Buffer.from([0x82, 0x86, 0x84]); // :method GET, :scheme http, :path /
      const big = Buffer.concat([Buffer.from([0x40, 0x05]), Buffer.from('x-big'), Buffer.from([0x7f, 0xa1, 0x1e]) /* 4000 = 127 + 33 + 30·128 */, Buffer.alloc(4000, 0x78)]);
      h.client.headerBlock(1, Buffer.concat([pseudo, big]), { endStream: true });
      const bomb = Buffer.concat([pseudo, Buffer.alloc(REFERENCES, 0x80 | 62)]);
      for (let i = 1; i <= BOMBS; i++) {
        h.client.headerBlock(1 + 2 * i, bomb, { endStream: true });
        if (i % 50 === 0) await h.until(() => false, 1);
      }
      await h.until(() => h.client.response(1 + 2 * BOMBS).ended || h.client.rstOn(1 + 2 * BOMBS) !== undefined);
    });
    expect(h.client.goawayFrame?.errorCode ?? ErrorCode.NO_ERROR).toBe(ErrorCode.NO_ERROR);
    // The decoded list is never built past the limit and never reaches the application: only
    // the inserting request (404: GET / is not a demo route) runs a handler.
    expect(work.handlerCalls).toBe(1);
    // Each bomb gets one 431: HEADERS, DATA and RST_STREAM(NO_ERROR). Three frames per bomb;
    // a fourth would break it.
    const FRAMES_PER_BOMB_BOUND = 3;
    expect(work.framesOut).toBeLessThanOrEqual(FRAMES_PER_BOMB_BOUND * (BOMBS + 1) + 1);
    // The 431 is ~70 octets once HPACK has indexed its fields, for a 112-octet bomb: out/in
    // about 0.6. Bounded at 0.8, so answering each bomb with twice the bytes fails.
    const OUT_PER_IN_BOUND = 0.8;
    expect(ratios.outPerIn).toBeLessThanOrEqual(OUT_PER_IN_BOUND);
    // Memory: the tables (the 4 KB entry lives in the decoder's table) and what is in flight.
    expect(work.peakRetainedBytes).toBeLessThanOrEqual(IDLE_RETAINED_BYTES + 64 * 1024);
  });

  it('SETTINGS flood: one 9-octet ACK per SETTINGS, and none past the idle-frame budget', async () => {
    const FRAMES = 2 * D.maxIdleFrames;
    const { work, ratios, h } = await measure('SETTINGS flood', 109, {}, async (h) => {
      recordOnly(h, 'GOAWAY');
      for (let i = 0; i < FRAMES; i++) {
        h.client.settings([[SettingId.MAX_CONCURRENT_STREAMS, 100]]); // 15 octets
        if (i % 500 === 499) await h.until(() => false, 1);
      }
      await h.until(() => h.client.goawayFrame !== undefined);
    });
    expect(h.client.goawayFrame?.errorCode).toBe(ErrorCode.ENHANCE_YOUR_CALM);
    // One ACK per SETTINGS up to maxIdleFrames, then GOAWAY: frames out per frame in ≤ 1/2 for a
    // flood twice the budget (two ACKs per SETTINGS, or ACKs past the budget, would reach 1).
    expect(work.framesOut).toBeLessThanOrEqual(D.maxIdleFrames + 1);
    // In bytes: 9-octet ACKs for 15-octet SETTINGS, half of them answered: 0.3/B.
    const OUT_PER_IN_BOUND = (SETTINGS_ACK_BYTES / 15) * 0.5 + 0.01;
    expect(ratios.outPerIn).toBeLessThanOrEqual(OUT_PER_IN_BOUND);
  });

  it('PING flood: one PING ACK of the same size per PING, none past the budget, bounded queue for a non-reader', async () => {
    const FRAMES = 2 * D.maxIdleFrames;
    const { work, ratios, h } = await measure('PING flood', 110, {}, async (h) => {
      recordOnly(h, 'GOAWAY');
      for (let i = 0; i < FRAMES; i++) {
        h.client.ping();
        if (i % 500 === 499) await h.until(() => false, 1);
      }
      await h.until(() => h.client.goawayFrame !== undefined);
    });
    expect(h.client.goawayFrame?.errorCode).toBe(ErrorCode.ENHANCE_YOUR_CALM);
    // Each PING is answered by one PING ACK of the same size (§6.7) until maxIdleFrames, then
    // GOAWAY: out/in ≤ 1/2 for twice the budget, plus GOAWAY. A doubled answer would be ~1.0.
    const OUT_PER_IN_BOUND = 0.5 + GOAWAY_MAX_BYTES / (FRAMES * PING_BYTES);
    expect(ratios.outPerIn).toBeLessThanOrEqual(OUT_PER_IN_BOUND);
    expect(work.framesOut).toBeLessThanOrEqual(D.maxIdleFrames + 1);
  });

  it('PING flood from a peer that never reads: what the server holds stops at maxOutboundQueueBytes', async () => {
    const QUEUE = 64 * 1024;
    const FRAMES = 20_000; // 340 KB of PINGs, answers for all of them would be 5 times the queue bound
    const { work } = await measure('PING flood, peer not reading', 111, { http2: { defences: { maxOutboundQueueBytes: QUEUE, maxIdleFrames: 1_000_000 } } }, async (h) => {
      recordOnly(h);
      h.conn.client.pause();
      for (let i = 0; i < FRAMES && !h.conn.client.closed; i++) {
        h.client.ping();
        if (i % 100 === 99) await h.until(() => false, 1);
      }
      await h.until(() => h.conn.client.closed, 10_000);
    });
    // Queued output is cut at the bound (the connection is reset past it), plus one reply and
    // the baseline; the link's window is part of what the transport reports as queued.
    const PEAK_RETAINED_BOUND = QUEUE + PING_BYTES + IDLE_RETAINED_BYTES + 16_384;
    expect(work.peakRetainedBytes).toBeLessThanOrEqual(PEAK_RETAINED_BOUND);
  });

  it('1-byte windows: one DATA frame per 1-octet WINDOW_UPDATE at most, and none past the idle-frame budget', async () => {
    const UPDATES = 2 * D.maxIdleFrames;
    const { work, h } = await measure('1-byte windows', 112, {}, async (h) => {
      recordOnly(h, 'GOAWAY', 'RST_STREAM');
      h.client.request(1, '/bytes/1000000');
      await h.until(() => (h.client.counts.get('HEADERS') ?? 0) > 0);
      for (let i = 0; i < UPDATES && !h.conn.client.closed; i++) {
        h.client.windowUpdate(1, 1);
        if (i % 200 === 199) await h.until(() => false, 1);
      }
      await h.until(() => h.client.goawayFrame !== undefined || h.conn.client.closed);
    }, [[SettingId.INITIAL_WINDOW_SIZE, 1]]);
    // The server cuts a frame per credit it gets (it must not hold a response forever), but a
    // dribble of small updates is an idle-frame flood: past maxIdleFrames it ends. Frames out ≤
    // one per update up to the budget, plus the response HEADERS and GOAWAY; frames per update
    // stay ≤ 1/2 for twice the budget. Sending on with no end, or two frames per update, fails.
    const FRAMES_BOUND = D.maxIdleFrames + 3;
    expect(work.framesOut).toBeLessThanOrEqual(FRAMES_BOUND);
    expect(h.client.goawayFrame?.errorCode).toBe(ErrorCode.ENHANCE_YOUR_CALM);
    // Frames per attacker KiB: a 13-octet WINDOW_UPDATE each, half of them answered.
    const FRAMES_PER_KIB_BOUND = (1024 / (FRAME_HEADER + 4)) * 0.5 + 1;
    expect(amplification(work).framesPerKiB).toBeLessThanOrEqual(FRAMES_PER_KIB_BOUND);
  });

  it('empty frames: zero-length DATA without END_STREAM is an idle-frame flood', async () => {
    const FRAMES = 2 * D.maxIdleFrames;
    const { work, ratios, h } = await measure('empty DATA flood', 113, {}, async (h) => {
      recordOnly(h, 'GOAWAY');
      h.client.request(1, '/echo', { method: 'POST', endStream: false });
      for (let i = 0; i < FRAMES; i++) {
        h.client.data(1, Buffer.alloc(0));
        if (i % 500 === 499) await h.until(() => false, 1);
      }
      await h.until(() => h.client.goawayFrame !== undefined);
    });
    expect(h.client.goawayFrame?.errorCode).toBe(ErrorCode.ENHANCE_YOUR_CALM);
    // Nothing answers an empty DATA frame: one handler (the stream), at most its response
    // HEADERS and GOAWAY (a RST_STREAM or WINDOW_UPDATE per frame would be 20,000).
    expect(work.handlerCalls).toBeLessThanOrEqual(1);
    expect(work.framesOut).toBeLessThanOrEqual(3);
    expect(ratios.outPerIn).toBeLessThanOrEqual(0.01);
  });

  it('empty frames: zero-length HEADERS blocks, each a malformed request, stop at the provoked-reset budget', async () => {
    const STREAMS = 5 * D.maxProvokedResets;
    const { work, h } = await measure('empty HEADERS flood', 114, {}, async (h) => {
      recordOnly(h, 'GOAWAY');
      for (let i = 0; i < STREAMS; i++) {
        h.client.headerBlock(1 + 2 * i, Buffer.alloc(0), { endStream: true });
        if (i % 50 === 49) await h.until(() => false, 1);
      }
      await h.until(() => h.client.goawayFrame !== undefined);
    });
    expect(h.client.goawayFrame?.errorCode).toBe(ErrorCode.ENHANCE_YOUR_CALM);
    // A 9-octet empty HEADERS gets a 13-octet RST_STREAM(PROTOCOL_ERROR) (§8.3: no pseudo-headers),
    // out/in 1.4 per frame, so the budget is what bounds it: maxProvokedResets RST_STREAMs + GOAWAY.
    expect(work.handlerCalls).toBe(0);
    // (+1: the RST_STREAM that crosses the budget is sent before the check.)
    expect(work.framesOut).toBeLessThanOrEqual(D.maxProvokedResets + 2);
    expect(work.bytesOut).toBeLessThanOrEqual((D.maxProvokedResets + 1) * RST_STREAM_BYTES + GOAWAY_MAX_BYTES);
  });

  it('slowloris: a HEADERS frame one octet at a time holds at most one frame, runs nothing, and ends at idleMs', async () => {
    const IDLE_MS = 20_000;
    let closedAt = -1;
    const { work, ratios, h } = await measure('slowloris', 115, { http2: { timeouts: { idleMs: IDLE_MS } } }, async (h, world) => {
      recordOnly(h, 'GOAWAY');
      const frame = Buffer.concat([Buffer.from([0x00, 0x10, 0x00, FrameType.HEADERS, 0x05, 0, 0, 0, 1]), Buffer.alloc(4096, 0x40)]);
      const start = world.sim.clock.time;
      for (let i = 0; i < frame.length && !h.conn.client.closed; i++) {
        h.client.raw(frame.subarray(i, i + 1));
        await h.until(() => false, 50);
      }
      await h.until(() => h.conn.client.closed, 30_000);
      closedAt = world.sim.clock.time - start;
    });
    // No stream was ever opened: nothing ran, and the idle timeout closed the connection.
    expect(work.handlerCalls).toBe(0);
    expect(h.client.goawayFrame?.errorCode).toBe(ErrorCode.NO_ERROR);
    // idleMs from the connection's start (before this attack began), then at most lingerMs (2 s).
    expect(closedAt).toBeLessThanOrEqual(IDLE_MS + 2_000);
    // What it holds is the partial frame, each octet once: peak ≤ baseline + octets sent.
    expect(work.peakRetainedBytes).toBeLessThanOrEqual(IDLE_RETAINED_BYTES + work.bytesIn);
    // GOAWAY is the only frame: an answer per octet (or per partial frame) would be hundreds.
    expect(work.framesOut).toBeLessThanOrEqual(1);
    expect(ratios.framesPerKiB).toBeLessThanOrEqual(1024 / work.bytesIn);
  });
});

import { defineScenario } from '../../harness/runner/scenario.js';
import { CHOPPY } from '../../harness/sim/faults.js';
import { patternBytes } from '../../server/demo/demo-routes.js';
import { randomText } from '../support.js';
import { auditFailure, connectH2, describeStream, randomPieces } from './h2-support.js';

type Expect = { id: number; what: string; body: Buffer; type?: string };

/**
 * The opposite of byte by byte: the client writes every frame on its own, and the links merge
 * writes (coalesce 0.6..1) into large segments, so one read holds many frames of many streams,
 * often ending inside one. 6..12 streams are opened at once: GETs, /bytes and /stream responses,
 * and uploads whose tiny DATA frames (1..64 octets) are interleaved round-robin across streams.
 * The client credits every DATA frame back at once, so WINDOW_UPDATEs ride in the same segments.
 * Every stream must get its own bytes, in order, within the windows.
 */
export default defineScenario({
  name: 'h2/frames-coalesced',
  description: '6..12 streams with interleaved tiny DATA frames, written frame by frame and coalesced by the links both ways; responses intact per stream',
  faults: {
    clientToServer: { ...CHOPPY, coalesce: [0.6, 1], maxSegment: [512, 8192] },
    serverToClient: { ...CHOPPY, coalesce: [0.6, 1], maxSegment: [512, 16384] },
  },
  async run({ connect, sim, check, rng }) {
    const segments = (link: string) => sim.trace.lines.filter((l) => l.includes(` ${link} data `)).length;
    const h = connectH2({ connect, sim }, { credit: 'auto' });
    h.preface([]);
    const expected: Expect[] = [];
    const uploads: Array<{ id: number; body: Buffer; frames: number[]; at: number; next: number }> = [];
    const count = rng.int(6, 12);
    for (let i = 0; i < count; i++) {
      const id = 1 + 2 * i;
      const pieces = (n: number) => randomPieces(rng, n, 4);
      switch (rng.int(0, 3)) {
        case 0:
          h.request(id, 'GET', '/hello', { pieces });
          expected.push({ id, what: 'GET /hello', body: Buffer.from('hello, world\n') });
          break;
        case 1: {
          const n = rng.int(0, 40_000);
          h.request(id, 'GET', `/bytes/${n}`, { pieces });
          expected.push({ id, what: `GET /bytes/${n}`, body: patternBytes(0, n) });
          break;
        }
        case 2: {
          const chunks = rng.int(1, 6);
          const size = rng.int(1, 3000);
          h.request(id, 'GET', `/stream?chunks=${chunks}&size=${size}&delay=${rng.int(0, 20)}`, { pieces });
          expected.push({ id, what: `GET /stream ${chunks}x${size}`, body: patternBytes(0, chunks * size) });
          break;
        }
        default: {
          const body = Buffer.from(`#${id}:${randomText(rng.int(0, 2000), rng)}`, 'latin1');
          const type = `application/x-${id}`;
          h.request(id, 'POST', '/echo', { endStream: false, pieces, extra: [['content-type', type]] });
          uploads.push({ id, body, frames: [], at: 0, next: 0 });
          expected.push({ id, what: `POST /echo of ${body.length}`, body, type });
        }
      }
    }
    // Round-robin tiny DATA frames across the uploads, each frame its own write.
    for (const u of uploads) {
      for (let left = u.body.length; left > 0; ) {
        const n = Math.min(left, rng.int(1, 64));
        u.frames.push(n);
        left -= n;
      }
    }
    for (let active = uploads.filter((u) => u.next <= u.frames.length); active.length > 0; active = active.filter((u) => u.next <= u.frames.length)) {
      for (const u of active) {
        if (u.next === u.frames.length) {
          // The last frame carries END_STREAM; an empty body ends with an empty DATA frame.
          if (u.frames.length === 0) h.data(u.id, Buffer.alloc(0), true);
          u.next++;
          continue;
        }
        const n = u.frames[u.next]!;
        h.data(u.id, u.body.subarray(u.at, u.at + n), u.next === u.frames.length - 1);
        u.at += n;
        u.next += u.next === u.frames.length - 1 ? 2 : 1;
      }
    }

    const done = await h.until(() => expected.every((e) => !h.view(e.id).open));
    check(done, `the connection ended before every response: ${expected.map((e) => `${e.what}: ${describeStream(h.view(e.id))}`).join('; ')}`);
    for (const e of expected) {
      const s = h.view(e.id);
      check(s.status === 200 && s.ended && s.body().equals(e.body), `stream ${e.id} ${e.what}: ${describeStream(s)}, expected ${e.body.length} octets`);
      if (e.type !== undefined) check(s.header('content-type') === e.type, `stream ${e.id} ${e.what}: content-type ${s.header('content-type')}`);
    }
    const audit = auditFailure(h);
    check(audit === null, audit!);
    // The link did merge writes: far fewer segments than frames reached the server.
    const c2s = segments(`c${h.conn.id} c->s`);
    check(c2s < h.writes, `${h.writes} frames were written but ${c2s} segments delivered: nothing was coalesced`);
    check(h.goaway === undefined, `the server sent GOAWAY: ${h.goaway?.debug.toString()}`);
  },
});

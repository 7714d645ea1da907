import { describe, expect, it } from 'vitest';
import { Link, MAX_SYSCALL_FAILURES } from './link.js';
import { CHOPPY, RELIABLE, deriveLinkFaults, type LinkFaults } from './faults.js';
import { Rng } from './rng.js';
import { Trace } from './trace.js';
import { VirtualClock } from './virtual-clock.js';

/** The reliable link's parameters, with `over` on top. */
function faults(over: Partial<LinkFaults>): LinkFaults {
  return { ...deriveLinkFaults({}, new Rng('unused')), ...over };
}

/** One Link into a recording receiver; `events` lists deliveries in order ('end' for the FIN). */
function rig(over: Partial<LinkFaults>, seed = 'link-test') {
  const clock = new VirtualClock();
  const trace = new Trace();
  const chunks: Buffer[] = [];
  const events: string[] = [];
  let reading = true;
  let drains = 0;
  const link = new Link('c1 c->s', clock, new Rng(seed), faults(over), trace, {
    get reading() { return reading; },
    deliverData: (chunk) => { chunks.push(chunk); events.push(`data ${chunk.length}`); },
    deliverEnd: () => events.push('end'),
  }, () => drains++, () => { throw new Error('no reset point in these tests'); });
  return {
    clock, trace, chunks, events, link,
    get drains() { return drains; },
    received: () => Buffer.concat(chunks),
    pause: () => { reading = false; },
    resume: () => { reading = true; link.receiverResumed(); },
    runAll: () => { while (clock.fireNext()); },
    count: (text: string) => trace.lines.filter((l) => l.endsWith(text)).length,
  };
}

/** `n` bytes from a seeded stream: distinct enough that a lost, doubled or moved byte shows. */
function bytes(n: number, rng: Rng): Buffer {
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i++) out[i] = rng.int(0, 255);
  return out;
}

describe('Link: syscall-style errors (EAGAIN, EINTR) are retried below the Transport', () => {
  it('delivers exactly the bytes sent, in order, with eagainChance 0.5 and eintrChance 0.5, and traces both on reads and writes', () => {
    const seen = new Map<string, number>();
    for (let seed = 1; seed <= 20; seed++) {
      const r = rig({ maxSegment: 64, coalesce: 0.3, latencyMs: 3, eagainChance: 0.5, eintrChance: 0.5 }, `s${seed}`);
      const data = new Rng(`data-${seed}`);
      const sent: Buffer[] = [];
      for (let i = 0; i < 40; i++) {
        const b = bytes(data.int(1, 300), data);
        sent.push(b);
        r.link.send(b);
        // Interleave deliveries, pauses and resumes with the writes.
        if (i % 7 === 3) r.pause();
        if (i % 7 === 5) r.resume();
        if (i % 5 === 0) r.clock.fireNext();
      }
      r.resume();
      r.link.sendFin();
      const lastSend = r.clock.time;
      r.runAll();
      expect(r.received().equals(Buffer.concat(sent)), `seed ${seed}: the byte stream differs`).toBe(true);
      expect(r.events[r.events.length - 1], `seed ${seed}`).toBe('end');
      expect(r.events.filter((e) => e === 'end')).toHaveLength(1);
      expect(r.link.delivered).toBe(r.link.sentBytes);
      expect(r.link.inFlight).toBe(0);
      expect(r.count('fault EAGAIN read'), `seed ${seed}`).toBeGreaterThan(0);
      expect(r.count('fault EINTR read'), `seed ${seed}`).toBeGreaterThan(0);
      for (const fault of ['fault EAGAIN write', 'fault EINTR write']) seen.set(fault, (seen.get(fault) ?? 0) + r.count(fault));
      // Retries happen within the instant: virtual time is what the latency alone gives.
      expect(r.clock.time).toBe(lastSend + 3);
    }
    // Writes queued behind a blocked one make no syscall, so fewer writes fail: count over all seeds.
    expect(seen.get('fault EAGAIN write')).toBeGreaterThan(0);
    expect(seen.get('fault EINTR write')).toBeGreaterThan(0);
  });

  it('gives up failing after MAX_SYSCALL_FAILURES attempts in a row, so certain failure still makes progress', () => {
    const eintr = rig({ maxSegment: 10, eintrChance: 1 });
    eintr.link.send(Buffer.alloc(100, 1));
    eintr.runAll();
    expect(eintr.received().length).toBe(100);
    // Every read of a segment, and the one write, fail MAX times first.
    expect(eintr.count('fault EINTR read')).toBe(eintr.chunks.length * MAX_SYSCALL_FAILURES);
    expect(eintr.count('fault EINTR write')).toBe(MAX_SYSCALL_FAILURES);

    const eagain = rig({ maxSegment: 10, eagainChance: 1 });
    eagain.link.send(Buffer.alloc(100, 2));
    eagain.runAll();
    expect(eagain.received().equals(Buffer.alloc(100, 2))).toBe(true);
    expect(eagain.count('fault EAGAIN read')).toBe(eagain.chunks.length * MAX_SYSCALL_FAILURES);
    // A write that met EAGAIN waits for the next poll; it is not retried MAX times in a row.
    expect(eagain.count('fault EAGAIN write')).toBe(1);
    expect(eagain.clock.time).toBe(0);
  });

  it('keeps writes and the FIN queued behind a write that met EAGAIN, in order', () => {
    const r = rig({ maxSegment: 7, eagainChance: 1 });
    r.link.send(Buffer.from('first write;'));
    r.link.send(Buffer.from('second write;'));
    r.link.sendFin();
    // Only the first write attempted the syscall: the second queued behind it in user space.
    expect(r.count('fault EAGAIN write')).toBe(1);
    r.runAll();
    expect(r.received().toString()).toBe('first write;second write;');
    expect(r.events[r.events.length - 1]).toBe('end');
  });

  it('leaves virtual time and the byte stream as they are, and the same seed gives the same trace', () => {
    const run = (seed: string) => {
      const r = rig({ ...deriveLinkFaults(CHOPPY, new Rng(seed)), eagainChance: 0.3, eintrChance: 0.3 }, seed);
      const data = new Rng('same data');
      for (let i = 0; i < 20; i++) r.link.send(bytes(data.int(1, 2000), data));
      r.runAll();
      return r;
    };
    const a = run('seed-a');
    const b = run('seed-a');
    expect(a.trace.lines).toEqual(b.trace.lines);
    expect(a.trace.hash()).toBe(b.trace.hash());
    expect(run('seed-b').trace.hash()).not.toBe(a.trace.hash());
  });

  it('costs no random draws when the chances are 0 (the reliable profile), so traces are as before', () => {
    expect(deriveLinkFaults(RELIABLE, new Rng('r'))).toMatchObject({ eagainChance: 0, eintrChance: 0, hostile: null });
    const a = rig({ maxSegment: 50, coalesce: 0.5, jitterMs: 5 }, 'same');
    const b = rig({ maxSegment: 50, coalesce: 0.5, jitterMs: 5, eagainChance: 0, eintrChance: 0, hostile: { duplicate: 0, reorder: 0, corrupt: 0 } }, 'same');
    for (const r of [a, b]) {
      r.link.send(Buffer.alloc(1000, 7));
      r.runAll();
    }
    expect(b.trace.lines).toEqual(a.trace.lines);
    expect(a.trace.lines.some((l) => l.includes('fault'))).toBe(false);
  });
});

describe('fault derivation', () => {
  it('draws syscall chances within the profile and hostile faults only for a profile that opts in', () => {
    for (let seed = 0; seed < 50; seed++) {
      const choppy = deriveLinkFaults(CHOPPY, new Rng(`d${seed}`));
      expect(choppy.hostile).toBeNull();
      expect(choppy.eagainChance).toBeGreaterThanOrEqual(0);
      expect(choppy.eagainChance).toBeLessThanOrEqual(0.1);
      expect(choppy.eintrChance).toBeLessThanOrEqual(0.05);
      const hostile = deriveLinkFaults({ ...CHOPPY, hostile: { duplicate: [0.1, 0.2], corrupt: [0.5, 0.5] } }, new Rng(`d${seed}`));
      expect(hostile.hostile).toEqual({ duplicate: expect.any(Number), reorder: 0, corrupt: 0.5 });
      expect(hostile.hostile!.duplicate).toBeGreaterThanOrEqual(0.1);
      expect(hostile.hostile!.duplicate).toBeLessThanOrEqual(0.2);
      // Opting in changes nothing the seed gives the other parameters.
      const { hostile: _h, ...rest } = hostile;
      const { hostile: _c, ...choppyRest } = choppy;
      expect(rest).toEqual(choppyRest);
    }
  });
});

describe('Link: hostile-link mode (broken middleboxes)', () => {
  it('duplication delivers each duplicated segment twice, traced, without disturbing backpressure', () => {
    const r = rig({ maxSegment: 16, windowBytes: 64, hostile: { duplicate: 1, reorder: 0, corrupt: 0 } });
    const sent = bytes(200, new Rng('dup'));
    expect(r.link.send(sent)).toBe(false); // over the window: wait for drain
    r.runAll();
    expect(r.chunks.length % 2).toBe(0);
    for (let i = 0; i < r.chunks.length; i += 2) {
      expect(r.chunks[i + 1]!.equals(r.chunks[i]!)).toBe(true);
      expect(r.chunks[i + 1]).not.toBe(r.chunks[i]); // each delivery is the receiver's own buffer
    }
    expect(Buffer.concat(r.chunks.filter((_, i) => i % 2 === 0)).equals(sent)).toBe(true);
    expect(r.count(`fault duplicate ${r.chunks[0]!.length}`)).toBeGreaterThan(0);
    expect(r.link.delivered).toBe(2 * r.link.sentBytes);
    // The copies were never in flight: the window empties and the sender hears about it.
    expect(r.link.inFlight).toBe(0);
    expect(r.drains).toBe(1);
  });

  it('reordering swaps neighbouring segments and never moves the FIN before data', () => {
    const r = rig({ maxSegment: 1, hostile: { duplicate: 0, reorder: 1, corrupt: 0 } });
    r.link.send(Buffer.from('abcdef'));
    r.link.sendFin();
    r.runAll();
    expect(r.received().toString()).toBe('badcfe');
    expect(r.events[r.events.length - 1]).toBe('end');
    expect(r.count('fault reorder 1 before 1')).toBe(3);
    expect(r.link.inFlight).toBe(0);
  });

  it('corruption flips exactly one bit of a corrupted segment', () => {
    const sent = bytes(1000, new Rng('corrupt'));
    const r = rig({ maxSegment: 100, hostile: { duplicate: 0, reorder: 0, corrupt: 1 } });
    r.link.send(sent);
    r.runAll();
    const got = r.received();
    expect(got.length).toBe(sent.length);
    let offset = 0;
    for (const chunk of r.chunks) {
      let flipped = 0;
      for (let i = 0; i < chunk.length; i++) {
        let x = chunk[i]! ^ sent[offset + i]!;
        for (; x !== 0; x &= x - 1) flipped++;
      }
      expect(flipped).toBe(1);
      offset += chunk.length;
    }
    expect(r.count('fault corrupt')).toBe(0); // the line names the byte and bit
    expect(r.trace.lines.filter((l) => / fault corrupt byte \d+ bit [0-7]$/.test(l))).toHaveLength(r.chunks.length);
  });

  it('is deterministic: the same seed gives the same faults, bytes and trace', () => {
    const run = () => {
      const r = rig({ maxSegment: 40, jitterMs: 3, hostile: { duplicate: 0.3, reorder: 0.3, corrupt: 0.3 } }, 'hostile-seed');
      r.link.send(bytes(3000, new Rng('h')));
      r.runAll();
      return r;
    };
    const a = run();
    const b = run();
    expect(a.received().equals(b.received())).toBe(true);
    expect(a.trace.lines).toEqual(b.trace.lines);
    expect(a.trace.lines.some((l) => l.includes('fault duplicate'))).toBe(true);
    expect(a.trace.lines.some((l) => l.includes('fault reorder'))).toBe(true);
    expect(a.trace.lines.some((l) => l.includes('fault corrupt'))).toBe(true);
  });
});

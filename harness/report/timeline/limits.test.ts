import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ipv4Tcp, pcapFile } from '../../replay/test-support/build-pcap.js';
import { emptyTimeline } from './build-timeline.js';
import { readCaptureHead } from './read-capture.js';
import { capTimeline, collapseLabels } from './timeline-caps.js';
import type { TimelineArrow } from './timeline.js';

const root = mkdtempSync(path.join(tmpdir(), 'aeronet-timeline-limits-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function arrow(id: number, labels: string[] = []): TimelineArrow {
  return { id, connection: 1, from: id % 2 === 0 ? 'client' : 'server', sendMs: id, sendTiming: 'flat', arriveMs: id, length: 10, flags: [], offset: id * 10, labels };
}

describe('capTimeline', () => {
  it('keeps the first and last arrows, marks where the rest were, and drops the faults that rode on them', () => {
    const t = emptyTimeline({ layer: 'sim', scenario: 's', seed: 1 });
    t.arrows = Array.from({ length: 1000 }, (_, i) => arrow(i));
    t.faults = [
      { kind: 'stall', atMs: 3, text: 'kept: on a kept arrow', arrow: 3 },
      { kind: 'split', atMs: 500, text: 'gone: on an elided arrow', arrow: 500 },
      { kind: 'toxic', atMs: 600, text: 'gone: no arrow, inside the elided stretch' },
      { kind: 'reset', atMs: 990, text: 'kept: near the end', arrow: 990 },
    ];
    t.log = Array.from({ length: 500 }, (_, i) => `line ${i}`);
    capTimeline(t, { arrows: 100, faults: 50, labelsPerArrow: 3, logLines: 20 });
    expect(t.arrows).toHaveLength(100);
    expect(t.arrows[49]!.id).toBe(49);
    expect(t.arrows[50]!.id).toBe(950);
    expect(t.elided).toMatchObject({ arrows: 900, faults: 2, gapAfterArrow: 49, logLines: 480 });
    expect(t.faults.map((f) => f.text)).toEqual(['kept: on a kept arrow', 'kept: near the end']);
    expect(t.log).toHaveLength(21);
    expect(t.log[10]).toBe('... 480 line(s) left out ...');
    expect(t.endMs).toBe(999);
    expect(t.notes.at(-1)).toBe('left out to keep the page small: 900 arrow(s), 2 fault mark(s), 480 log line(s)');
  });

  it('caps the labels on one arrow, after folding runs of DATA frames and TLS records', () => {
    expect(collapseLabels(['HEADERS s1 :status 200', 'DATA s1 100 B', 'DATA s1 200 B', 'DATA s1 5 B END_STREAM', 'DATA s3 7 B', 'TLS app data 10 B', 'TLS app data 20 B'])).toEqual([
      'HEADERS s1 :status 200', 'DATA s1 ×3 (305 B) END_STREAM', 'DATA s3 7 B', 'TLS app data ×2 (30 B)',
    ]);
    const t = emptyTimeline({ layer: 'sim', scenario: 's', seed: 1 });
    t.arrows = [arrow(0, ['a', 'b', 'c', 'd', 'e'])];
    capTimeline(t, { arrows: 10, faults: 10, labelsPerArrow: 3, logLines: 10 });
    expect(t.arrows[0]!.labels).toEqual(['a', 'b', '+3 more']);
    expect(t.elided.labels).toBe(3);
  });
});

describe('readCaptureHead', () => {
  it('reads only the head of a large capture, cut at a whole record, and keeps the first record\'s clock', async () => {
    const records = Array.from({ length: 200 }, (_, i) => ({
      seconds: 1_000 + Math.floor(i / 10),
      fraction: (i % 10) * 1000,
      data: ipv4Tcp('10.0.0.2', '10.0.0.1', { srcPort: 40001, dstPort: 80, seq: 1 + i * 100, ack: 1, flags: 0x18, payload: Buffer.alloc(100, 0x61) }),
    }));
    const file = path.join(root, 'big.pcap');
    const bytes = pcapFile(101, records);
    writeFileSync(file, bytes);
    const recordBytes = 16 + records[0]!.data.length;
    // The limit lands inside record 51.
    const read = await readCaptureHead(file, 24 + 50 * recordBytes + 30);
    expect(read).toMatchObject({ truncated: true, fileBytes: bytes.length, bytesRead: 24 + 50 * recordBytes, firstRecordMs: 1_000_000 });
    expect(read.capture.packets).toBe(50);
    const whole = await readCaptureHead(file);
    expect(whole.truncated).toBe(false);
    expect(whole.capture.packets).toBe(200);
  });
});

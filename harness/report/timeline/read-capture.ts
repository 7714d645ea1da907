import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { readPcap, type PcapCapture } from '../../replay/pcap-reader.js';

/** Past this many bytes only the head of a capture is read: a report must not need 1 GiB of memory. */
export const DEFAULT_CAPTURE_READ_LIMIT = 64 * 1024 * 1024;

const GLOBAL_HEADER = 24;
const RECORD_HEADER = 16;

export interface CaptureRead {
  capture: PcapCapture;
  /**
   * The first record's timestamp in ms since the Unix epoch (the sim writes virtual ms there).
   * readPcap gives times relative to the first record; this puts them back on the writer's clock.
   */
  firstRecordMs: number;
  /** The file was larger than the limit and only its first `bytesRead` bytes were read. */
  truncated: boolean;
  bytesRead: number;
  fileBytes: number;
}

/**
 * Read `file` with the repo's pcap reader (harness/replay/pcap-reader.ts), at most `limit` bytes
 * of it: a larger file is cut at the last whole record before the limit, so the reader sees a
 * well-formed shorter capture. Throws what readPcap throws (PcapError) for a file it cannot read.
 */
export async function readCaptureHead(file: string, limit = DEFAULT_CAPTURE_READ_LIMIT): Promise<CaptureRead> {
  const fileBytes = statSync(file).size;
  const bytes = readHead(file, Math.min(fileBytes, limit));
  const cut = fileBytes > limit ? wholeRecords(bytes) : bytes;
  const capture = await readPcap(cut, file);
  return { capture, firstRecordMs: firstRecordMs(cut), truncated: cut.length < fileBytes, bytesRead: cut.length, fileBytes };
}

function readHead(file: string, n: number): Buffer {
  const buf = Buffer.alloc(n);
  const fd = openSync(file, 'r');
  try {
    let at = 0;
    while (at < n) {
      const got = readSync(fd, buf, at, n - at, at);
      if (got === 0) break;
      at += got;
    }
    return buf.subarray(0, at);
  } finally {
    closeSync(fd);
  }
}

/** Which of the four classic magics, or null (readPcap will then say what the file is). */
function format(bytes: Buffer): { le: boolean; nano: boolean } | null {
  if (bytes.length < 4) return null;
  switch (bytes.readUInt32BE(0)) {
    case 0xd4c3b2a1: return { le: true, nano: false };
    case 0xa1b2c3d4: return { le: false, nano: false };
    case 0x4d3cb2a1: return { le: true, nano: true };
    case 0xa1b23c4d: return { le: false, nano: true };
    default: return null;
  }
}

/** The prefix of `bytes` that ends on a record boundary (only record lengths are read). */
export function wholeRecords(bytes: Buffer): Buffer {
  const f = format(bytes);
  if (f === null || bytes.length < GLOBAL_HEADER) return bytes;
  let at = GLOBAL_HEADER;
  for (;;) {
    if (at + RECORD_HEADER > bytes.length) break;
    const captured = f.le ? bytes.readUInt32LE(at + 8) : bytes.readUInt32BE(at + 8);
    if (at + RECORD_HEADER + captured > bytes.length) break;
    at += RECORD_HEADER + captured;
  }
  return bytes.subarray(0, at);
}

/** The first record's timestamp in epoch ms; 0 when there is no record. */
export function firstRecordMs(bytes: Buffer): number {
  const f = format(bytes);
  if (f === null || bytes.length < GLOBAL_HEADER + RECORD_HEADER) return 0;
  const read = (at: number) => (f.le ? bytes.readUInt32LE(at) : bytes.readUInt32BE(at));
  const seconds = read(GLOBAL_HEADER);
  const fraction = read(GLOBAL_HEADER + 4);
  return seconds * 1000 + fraction / (f.nano ? 1e6 : 1e3);
}

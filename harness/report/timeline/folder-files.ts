import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import { PcapError } from '../../replay/pcap-reader.js';
import { captureConnections, type CaptureConnections } from './capture-connections.js';
import { DEFAULT_CAPTURE_READ_LIMIT, readCaptureHead } from './read-capture.js';

/** events.log, proxy-events.log and the like are read up to this many bytes. */
export const TEXT_READ_LIMIT = 16 * 1024 * 1024;

/** A text file's lines (the head of it past the limit), or null when it is absent or unreadable. */
export function readLines(dir: string, name: string, limit = TEXT_READ_LIMIT): { lines: string[]; truncated: boolean } | null {
  const file = path.join(dir, name);
  try {
    const size = statSync(file).size;
    const n = Math.min(size, limit);
    const buf = Buffer.alloc(n);
    const fd = openSync(file, 'r');
    try {
      readSync(fd, buf, 0, n, 0);
    } finally {
      closeSync(fd);
    }
    let text = buf.toString('utf8');
    // A cut file ends mid-line: drop the partial last line.
    if (size > n) text = text.slice(0, Math.max(0, text.lastIndexOf('\n')));
    return { lines: text.split('\n').filter((l) => l.trim() !== ''), truncated: size > n };
  } catch {
    return null;
  }
}

export interface FolderCapture {
  cc: CaptureConnections;
  firstRecordMs: number;
}

/**
 * capture.pcap (or another capture) read into connections, or null with the reason in `notes`:
 * absent, empty (netem writes an empty one when the guest failed), not a pcap, cut short.
 */
export async function readFolderCapture(dir: string, name: string, notes: string[], limit = DEFAULT_CAPTURE_READ_LIMIT): Promise<FolderCapture | null> {
  const file = path.join(dir, name);
  if (!existsSync(file)) {
    notes.push(`no ${name} in the artifact folder`);
    return null;
  }
  try {
    if (statSync(file).size === 0) {
      notes.push(`${name} is empty (nothing was captured)`);
      return null;
    }
    const read = await readCaptureHead(file, limit);
    if (read.truncated) notes.push(`${name} is ${mib(read.fileBytes)}: only its first ${mib(read.bytesRead)} (${read.capture.packets} records) were read`);
    const skipped = Object.entries(read.capture.skipped);
    if (skipped.length > 0) notes.push(`${name}: not TCP, skipped: ${skipped.map(([k, v]) => `${v} ${k}`).join(', ')}`);
    return { cc: captureConnections(read.capture.segments), firstRecordMs: read.firstRecordMs };
  } catch (err) {
    notes.push(`${name} could not be read: ${err instanceof PcapError ? err.message : (err as Error).message}`);
    return null;
  }
}

function mib(n: number): string {
  return n >= 1024 * 1024 ? `${(n / (1024 * 1024)).toFixed(1)} MiB` : `${(n / 1024).toFixed(1)} KiB`;
}

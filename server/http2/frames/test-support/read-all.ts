import { DEFAULT_MAX_FRAME_SIZE } from '../constants.js';
import { FrameReader } from '../frame-reader.js';
import type { Frame, FrameDecodeError } from '../frame.js';

/** A decoded result with every Buffer replaced by its hex, so that results compare by content. */
export type Plain = Record<string, unknown>;

export function plain(result: Frame | FrameDecodeError): Plain {
  const out: Plain = {};
  for (const [key, value] of Object.entries(result)) {
    if (Buffer.isBuffer(value)) out[key] = `hex:${value.toString('hex')}`;
    else if (key === 'frame' && value !== null) out[key] = plain(value as Frame);
    else out[key] = value;
  }
  return out;
}

export interface ReadOptions {
  maxFrameSize?: number;
  /** Call `next` until null after each push (true, the default) or only after the last one. */
  drainEachPush?: boolean;
}

/** Feed `chunks` to a fresh FrameReader and collect every result, Buffers kept as they came. */
export function readRaw(chunks: Buffer[], options: ReadOptions = {}): Array<Frame | FrameDecodeError> {
  const reader = new FrameReader({ maxFrameSize: options.maxFrameSize ?? DEFAULT_MAX_FRAME_SIZE });
  const out: Array<Frame | FrameDecodeError> = [];
  const drain = () => {
    for (let r = reader.next(); r !== null; r = reader.next()) out.push(r);
  };
  for (const chunk of chunks) {
    reader.push(chunk);
    if (options.drainEachPush !== false) drain();
  }
  drain();
  return out;
}

/** Like readRaw, with results made comparable. */
export function readAll(chunks: Buffer[], options: ReadOptions = {}): Plain[] {
  return readRaw(chunks, options).map(plain);
}

/** Every way of cutting `input` in two, plus one byte at a time. */
export function splits(input: Buffer): Buffer[][] {
  const out: Buffer[][] = [[input]];
  for (let k = 1; k < input.length; k++) out.push([input.subarray(0, k), input.subarray(k)]);
  out.push([...input].map((b) => Buffer.from([b])));
  return out;
}

/** Every way of cutting `input` in three (quadratic: keep inputs short). */
export function threeWaySplits(input: Buffer): Buffer[][] {
  const out: Buffer[][] = [];
  for (let i = 1; i < input.length; i++) {
    for (let j = i + 1; j < input.length; j++) out.push([input.subarray(0, i), input.subarray(i, j), input.subarray(j)]);
  }
  return out;
}

export const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

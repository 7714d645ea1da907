/**
 * Attribute values Toxiproxy 2.12 accepts but cannot survive (reference §7 "bandwidth",
 * "slicer"): we answer 400 instead. This is a deliberate divergence, applied on create and on
 * PATCH after the partial attributes are merged. Everything the reference lists as merely odd but
 * working (negative latency, `rate 0`, `timeout 0`, `bytes 0`, toxicity outside [0, 1]) is kept.
 *
 *  - bandwidth `rate < 0`: the upstream server panics.
 *  - slicer `average_size < 1`: the upstream slicer recurses forever.
 *  - slicer `size_variation >= average_size` (when > 0): a chunk of average_size+size_variation+1
 *    bytes can be cut at len/2 - size_variation <= 0, which panics (negative slice) or recurses
 *    forever (empty piece). Below average_size every cut keeps both halves non-empty.
 *  - latency `jitter`, slicer `size_variation` above 2^62-1: Go doubles them into rand.Int63n /
 *    rand.Intn, which overflows to a negative bound and panics.
 */
import type { ToxicType } from '../model.js';
import { ApiError } from './api-error.js';
import type { ToxicAttributes } from './request-bodies.js';

const MAX_DOUBLED = 2n ** 62n - 1n;

function invalid(type: ToxicType, why: string): ApiError {
  return new ApiError(`invalid ${type} attributes: ${why}`, 400);
}

/** Throws the 400 for values the real server would crash on; returns quietly otherwise. */
export function checkToxicAttributes(type: ToxicType, attributes: ToxicAttributes): void {
  const a = (name: string): bigint => attributes[name] ?? 0n;
  if (type === 'bandwidth' && a('rate') < 0n) {
    throw invalid(type, `rate must not be negative, got ${a('rate')} (Toxiproxy 2.12 crashes on a negative rate)`);
  }
  if (type === 'latency' && a('jitter') > MAX_DOUBLED) {
    throw invalid(type, `jitter must be at most ${MAX_DOUBLED}, got ${a('jitter')} (Toxiproxy 2.12 crashes when 2*jitter overflows)`);
  }
  if (type === 'slicer') {
    const average = a('average_size');
    const variation = a('size_variation');
    if (average < 1n) {
      throw invalid(type, `average_size must be at least 1, got ${average} (Toxiproxy 2.12 recurses forever)`);
    }
    if (variation > 0n && variation >= average) {
      throw invalid(type, `size_variation must be less than average_size, got size_variation ${variation} and average_size ${average} (Toxiproxy 2.12 can cut a chunk at a negative offset and crash)`);
    }
    if (variation > MAX_DOUBLED) {
      throw invalid(type, `size_variation must be at most ${MAX_DOUBLED}, got ${variation}`);
    }
  }
}

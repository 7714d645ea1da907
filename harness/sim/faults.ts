import type { Rng } from './rng.js';

/**
 * What one direction of a simulated connection does to the bytes sent on it. In the default
 * (reliable) mode a link never loses, duplicates or reorders bytes: it only cuts them up, groups
 * them, delays them and stalls. Only an explicit reset fails a connection.
 */
export interface LinkFaults {
  /** Each write is cut into segments of 1..maxSegment bytes (1 = byte by byte). */
  maxSegment: number;
  /** Chance that a segment waits to be merged with the next write (write coalescing). */
  coalesce: number;
  /** One-way delay, plus a uniform extra of up to jitterMs, on virtual time. */
  latencyMs: number;
  jitterMs: number;
  /** Chance, per delivered segment, that the receiver stops reading for stallMs (zero window). */
  stallChance: number;
  stallMs: number;
  /** Bytes in flight (sent, not yet read) above which the sender sees backpressure. */
  windowBytes: number;
  /** Reset the connection once this many bytes have been sent in this direction. */
  resetAfterBytes: number | null;
}

/** A fault profile as a scenario states it: ranges that a seed turns into exact LinkFaults. */
export interface FaultProfile {
  maxSegment?: [number, number];
  coalesce?: [number, number];
  latencyMs?: [number, number];
  jitterMs?: [number, number];
  stallChance?: [number, number];
  stallMs?: [number, number];
  windowBytes?: [number, number];
  resetAfterBytes?: [number, number] | null;
}

export const RELIABLE: Required<Omit<FaultProfile, 'resetAfterBytes'>> & { resetAfterBytes: null } = {
  maxSegment: [65536, 65536],
  coalesce: [0, 0],
  latencyMs: [0, 0],
  jitterMs: [0, 0],
  stallChance: [0, 0],
  stallMs: [0, 0],
  windowBytes: [65536, 65536],
  resetAfterBytes: null,
};

/** The default PR-gate profile: everything a kind network does to a byte stream. */
export const CHOPPY: FaultProfile = {
  maxSegment: [1, 1500],
  coalesce: [0, 0.5],
  latencyMs: [0, 20],
  jitterMs: [0, 10],
  stallChance: [0, 0.05],
  stallMs: [1, 200],
  windowBytes: [1024, 65536],
};

/** Draw exact link faults from a profile, with the direction's own random stream. */
export function deriveLinkFaults(profile: FaultProfile, rng: Rng): LinkFaults {
  const base = { ...RELIABLE, ...profile };
  const pickInt = ([lo, hi]: [number, number]) => rng.int(lo, hi);
  const pickFloat = ([lo, hi]: [number, number]) => Math.round((lo + rng.float() * (hi - lo)) * 1000) / 1000;
  return {
    maxSegment: pickInt(base.maxSegment),
    coalesce: pickFloat(base.coalesce),
    latencyMs: pickInt(base.latencyMs),
    jitterMs: pickInt(base.jitterMs),
    stallChance: pickFloat(base.stallChance),
    stallMs: pickInt(base.stallMs),
    windowBytes: pickInt(base.windowBytes),
    resetAfterBytes: base.resetAfterBytes === null || base.resetAfterBytes === undefined ? null : pickInt(base.resetAfterBytes),
  };
}

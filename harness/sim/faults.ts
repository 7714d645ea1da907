import type { Rng } from './rng.js';

/**
 * What a broken middlebox does to the segments of one direction, per delivered data segment:
 * deliver its bytes twice, swap it with the segment after it, or flip one bit in it.
 */
export interface HostileFaults {
  duplicate: number;
  reorder: number;
  corrupt: number;
}

/**
 * What one direction of a simulated connection does to the bytes sent on it. In the default
 * (reliable) mode a link never loses, duplicates or reorders bytes: it only cuts them up, groups
 * them, delays them and stalls, and its syscalls may fail with EAGAIN or EINTR, which are retried
 * below the Transport and never seen by the server. Only an explicit reset fails a connection.
 * `hostile` (null unless a scenario asks for it) adds duplication, reordering and corruption.
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
  /**
   * Chance, per syscall moving bytes (the sender's write of a write, the receiver's read of a
   * segment), that it fails with EAGAIN (would block: retried on the event loop's next poll, in
   * the same virtual instant) ...
   */
  eagainChance: number;
  /** ... or with EINTR (interrupted by a signal: retried at once). Both are traced, never surfaced. */
  eintrChance: number;
  /** The hostile-link mode (broken middleboxes); null on every link that did not opt in. */
  hostile: HostileFaults | null;
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
  eagainChance?: [number, number];
  eintrChance?: [number, number];
  /** Opt in to the hostile-link mode; a missing range is 0 (that fault never happens). */
  hostile?: HostileProfile | null;
}

/** Ranges for HostileFaults, as a scenario states them. */
export interface HostileProfile {
  duplicate?: [number, number];
  reorder?: [number, number];
  corrupt?: [number, number];
}

export const RELIABLE: Required<Omit<FaultProfile, 'resetAfterBytes' | 'hostile'>> & { resetAfterBytes: null; hostile: null } = {
  maxSegment: [65536, 65536],
  coalesce: [0, 0],
  latencyMs: [0, 0],
  jitterMs: [0, 0],
  stallChance: [0, 0],
  stallMs: [0, 0],
  windowBytes: [65536, 65536],
  resetAfterBytes: null,
  eagainChance: [0, 0],
  eintrChance: [0, 0],
  hostile: null,
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
  eagainChance: [0, 0.1],
  eintrChance: [0, 0.05],
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
    // Drawn after the older fields, so adding them did not change what a seed gives those.
    eagainChance: pickFloat(base.eagainChance ?? [0, 0]),
    eintrChance: pickFloat(base.eintrChance ?? [0, 0]),
    hostile: base.hostile === null || base.hostile === undefined ? null : {
      duplicate: pickFloat(base.hostile.duplicate ?? [0, 0]),
      reorder: pickFloat(base.hostile.reorder ?? [0, 0]),
      corrupt: pickFloat(base.hostile.corrupt ?? [0, 0]),
    },
  };
}

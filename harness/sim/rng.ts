import seedrandom from 'seedrandom';

/**
 * A seeded random stream. Every decision in a simulation comes from one of these, never from
 * Math.random. `fork(label)` derives an independent stream from the root seed and a label
 * ("conn-3/client->server"), so adding a connection does not change what another one sees.
 */
export class Rng {
  private readonly next: () => number;

  constructor(readonly seed: string) {
    // alea: fast, good enough statistically, and identical on every platform.
    this.next = seedrandom.alea(seed);
  }

  /** A float in [0, 1). */
  float(): number {
    return this.next();
  }

  /** An integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    if (max < min) throw new RangeError(`Rng.int: max ${max} < min ${min}`);
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return p > 0 && this.next() < p;
  }

  fork(label: string): Rng {
    return new Rng(`${this.seed}/${label}`);
  }
}

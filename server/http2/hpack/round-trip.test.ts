import { describe, expect, it } from 'vitest';
import { entrySize } from './dynamic-table.js';
import { HpackDecoder } from './hpack-decoder.js';
import { HpackEncoder, type HuffmanMode } from './hpack-encoder.js';
import type { FieldIndexing, IndexingPolicy } from './indexing-policy.js';
import { STATIC_NAMES, STATIC_VALUES } from './static-table.js';

/** xorshift32: a tiny deterministic PRNG so every failure replays from its seed. */
function xorshift(seed: number): () => number {
  let x = seed | 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

type Rng = () => number;
const int = (rng: Rng, n: number) => Math.floor(rng() * n);
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[int(rng, xs.length)]!;

const NAMES = [...STATIC_NAMES.slice(1), 'x-request-id', 'x-trace', 'custom-key', 'cookie', 'authorization', 'x-a', 'x-b'];
const VALUES = [...STATIC_VALUES.slice(1), '', 'text/html', 'no-cache', 'gzip', '0', '302'];

function randomOctets(rng: Rng, length: number): string {
  const kind = int(rng, 3);
  let s = '';
  for (let i = 0; i < length; i++) {
    // Mostly printable (Huffman wins), sometimes any octet (Huffman loses, long codes, EOS-ish bits).
    s += String.fromCharCode(kind === 0 ? int(rng, 256) : kind === 1 ? 0x20 + int(rng, 95) : 0x61 + int(rng, 26));
  }
  return s;
}

function randomLength(rng: Rng): number {
  const r = rng();
  if (r < 0.6) return int(rng, 20);
  if (r < 0.95) return int(rng, 300);
  return int(rng, 5000);
}

function randomField(rng: Rng, recent: Array<[string, string]>): [string, string] {
  const r = rng();
  if (r < 0.3 && recent.length > 0) return pick(rng, recent); // repeats hit the dynamic table
  if (r < 0.45) {
    const i = 1 + int(rng, 61);
    return [STATIC_NAMES[i]!, STATIC_VALUES[i]!];
  }
  const name = rng() < 0.7 ? pick(rng, NAMES) : randomOctets(rng, 1 + int(rng, 30)).toLowerCase();
  const value = rng() < 0.3 ? pick(rng, VALUES) : randomOctets(rng, randomLength(rng));
  return [name, value];
}

const POLICIES: ReadonlyArray<(rng: Rng) => IndexingPolicy | undefined> = [
  () => undefined, // the default policy
  () => () => 'incremental',
  (rng) => () => pick<FieldIndexing>(rng, ['incremental', 'without', 'never']),
];

describe('HpackEncoder → HpackDecoder round trip on random header lists', () => {
  for (let seed = 1; seed <= 24; seed++) {
    it(`seed ${seed}`, () => {
      const rng = xorshift(seed * 0x9e3779b1);
      const huffman = pick<HuffmanMode>(rng, ['shorter', 'always', 'never']);
      const cap = pick(rng, [0, 64, 256, 4096, 4096, 16384]);
      const maxHeaderListSize = pick(rng, [4096, 16384, 65536, 1 << 20]);
      const encoder = new HpackEncoder({ maxTableSize: cap, huffman, indexing: pick(rng, POLICIES)(rng) });
      const decoder = new HpackDecoder({ maxTableSize: 4096, maxHeaderListSize });
      const recent: Array<[string, string]> = [];
      let rejected = 0;

      for (let block = 0; block < 250; block++) {
        if (rng() < 0.03) {
          // Our SETTINGS_HEADER_TABLE_SIZE changes (decoder side) and the peer's encoder learns of it.
          const setting = pick(rng, [0, 1, 100, 256, 1000, 4096, 4096, 8192]);
          decoder.setMaxTableSize(setting);
          encoder.setPeerMaxTableSize(setting);
        }
        const fields: Array<[string, string]> = [];
        const count = int(rng, 25);
        for (let i = 0; i < count; i++) fields.push(randomField(rng, recent));
        for (const f of fields) if (recent.push(f) > 50) recent.shift();

        const bytes = encoder.encode(fields);
        const listSize = fields.reduce((sum, [n, v]) => sum + entrySize(n, v), 0);
        if (listSize > maxHeaderListSize) {
          expect(() => decoder.decode(bytes)).toThrow(expect.objectContaining({ kind: 'header-list-too-large' }));
          rejected++;
        } else {
          expect(decoder.decode(bytes)).toEqual(fields);
        }
        // Whether or not the list was accepted, both tables must agree.
        expect(decoder.table.size).toBe(encoder.table.size);
        expect(decoder.table.entries()).toEqual(encoder.table.entries());
      }
      expect(rejected).toBeLessThan(250);
    });
  }
});

/**
 * A target whose one property is false for any input containing the octets "AERO": it proves the
 * pipeline end to end (Jazzer finds the input through its comparison hooks, writes it into
 * findings/, `aeronet fuzz` exits 1 and prints the replay command). Not part of `all`.
 */
import { check, type FuzzTarget } from '../fuzz-target.js';

export const MAGIC = Buffer.from('AERO');

export const target: FuzzTarget = {
  name: 'selftest-magic',
  description: 'selftest: fails on any input containing "AERO" (proves findings are caught and replayable)',
  run(data) {
    // Octet by octet, in nested branches: each matched octet is new coverage, which is how a
    // coverage-guided fuzzer climbs to the whole word (one native indexOf would give it nothing).
    for (let i = 0; i + MAGIC.length <= data.length; i++) {
      if (data[i] === MAGIC[0]) {
        if (data[i + 1] === MAGIC[1]) {
          if (data[i + 2] === MAGIC[2]) {
            check(data[i + 3] !== MAGIC[3], () => `input contains ${JSON.stringify(MAGIC.toString())} at ${i}`);
          }
        }
      }
    }
  },
  async: false,
  dictionary: 'json.dict',
  instrument: ['fuzz/targets/'],
  ratio: 'none',
  async seeds() {
    return [{ name: 'near-miss', data: Buffer.from('AER!') }];
  },
};

/**
 * The module Jazzer loads: it exports `fuzz`, the target named by AERONET_FUZZ_TARGET (set by
 * run-jazzer.ts). One entry for all targets keeps the target files free of Jazzer's conventions.
 */
import { loadTarget } from './targets/index.js';

const name = process.env['AERONET_FUZZ_TARGET'];
if (name === undefined) throw new Error('AERONET_FUZZ_TARGET is not set: run fuzzing with `aeronet fuzz <target>`');
const target = await loadTarget(name);

export const fuzz = (data: Buffer): void | Promise<void> => target.run(data);

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ElfFormatError, loosenSymbolVersions } from './elf-symbol-versions.js';
import { COMPAT_SYMBOLS } from './native-addon.js';

/** Jazzer's shipped addon as npm installed it (the .orig copy once native-addon.ts has patched it). */
function shippedAddon(): Buffer {
  const pkg = dirname(createRequire(import.meta.url).resolve('@jazzer.js/fuzzer/package.json'));
  const file = join(pkg, 'prebuilds', 'fuzzer-linux-x64.node');
  try {
    return readFileSync(`${file}.orig`);
  } catch {
    return readFileSync(file);
  }
}

describe('loosenSymbolVersions', () => {
  it("makes the shipped addon's three newer-glibc references unversioned and their version needs weak", () => {
    const elf = shippedAddon();
    const before = Buffer.from(elf);
    const result = loosenSymbolVersions(elf, COMPAT_SYMBOLS);
    expect(result).toEqual({ symbols: ['_ZSt21ios_base_library_initv', '__isoc23_strtol', '__isoc23_strtoul'], weakened: ['GLIBCXX_3.4.32', 'GLIBC_2.38'], stillNeeded: [] });
    // In place, same length, and only a handful of octets: 3 version indices (2 octets each) and 2 flags.
    expect(elf.length).toBe(before.length);
    let changed = 0;
    for (let i = 0; i < elf.length; i++) if (elf[i] !== before[i]) changed++;
    expect(changed).toBeGreaterThan(0);
    expect(changed).toBeLessThanOrEqual(8);
    // Nothing is left to loosen a second time.
    expect(loosenSymbolVersions(elf, COMPAT_SYMBOLS)).toEqual({ symbols: [], weakened: [], stillNeeded: [] });
  });

  it('leaves a version need alone while other symbols still use it', () => {
    const elf = shippedAddon();
    // strtol alone: GLIBC_2.38 is still needed by strtoul, so it must not be marked weak.
    const result = loosenSymbolVersions(elf, new Set(['__isoc23_strtol']));
    expect(result).toEqual({ symbols: ['__isoc23_strtol'], weakened: [], stillNeeded: ['GLIBC_2.38'] });
  });

  it('refuses what is not a 64-bit little-endian ELF file, with the reason', () => {
    expect(() => loosenSymbolVersions(Buffer.from('not an elf file at all, but long enough to have a header.........'), COMPAT_SYMBOLS)).toThrow(new ElfFormatError('not an ELF file'));
    const elf32 = Buffer.from(shippedAddon());
    elf32[4] = 1;
    expect(() => loosenSymbolVersions(elf32, COMPAT_SYMBOLS)).toThrow(/only 64-bit little-endian/);
    const truncated = shippedAddon().subarray(0, 4096);
    expect(() => loosenSymbolVersions(truncated, COMPAT_SYMBOLS)).toThrow(ElfFormatError);
  });
});

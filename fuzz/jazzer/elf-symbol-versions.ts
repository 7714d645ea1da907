/**
 * Loosens the symbol-version needs of a prebuilt ELF shared object, so that a library built
 * against a newer glibc/libstdc++ loads on an older one when the few symbols it names from the
 * newer version are supplied by a preloaded shim (see glibc-compat.cpp).
 *
 * Why: @jazzer.js/fuzzer 4.0.0 ships one linux-x64 addon, linked on a glibc 2.38 system. Debian 12
 * has glibc 2.36, and the addon names just three symbols it lacks: the C23 `strtol`/`strtoul`
 * entry points (GLIBC_2.38) and GCC 13's iostream-init anchor (GLIBCXX_3.4.32). The dynamic loader
 * refuses any object whose version needs (`.gnu.version_r`) name a version the library does not
 * define, unless the need is marked weak (VER_FLG_WEAK; glibc's dl-version.c only warns then).
 *
 * The change is two fields per symbol, in place, same length: the symbol's `.gnu.version` entry
 * becomes VER_NDX_GLOBAL (an unversioned reference, which any definition satisfies, the shim's
 * included), and a version need is marked weak once no remaining symbol refers to it. Layouts
 * from the System V gABI (ELF64) and the LSB's symbol versioning chapter.
 */

const SHT_DYNSYM = 11;
const SHT_GNU_VERNEED = 0x6ffffffe;
const SHT_GNU_VERSYM = 0x6fffffff;
const SHN_UNDEF = 0;
const VER_NDX_GLOBAL = 1;
const VER_FLG_WEAK = 0x2;
const VERSYM_HIDDEN = 0x8000;

export interface VersionLoosening {
  /** The symbols whose versioned reference became unversioned. */
  symbols: string[];
  /** The version needs now marked weak (no symbol refers to them any more). */
  weakened: string[];
  /** Version needs that some of the named symbols used but other symbols still need. */
  stillNeeded: string[];
}

interface Section {
  type: number;
  offset: number;
  size: number;
  link: number;
  entsize: number;
}

export class ElfFormatError extends Error {}

function sections(elf: Buffer): Section[] {
  if (elf.length < 64 || elf.readUInt32BE(0) !== 0x7f454c46) throw new ElfFormatError('not an ELF file');
  if (elf[4] !== 2 || elf[5] !== 1) throw new ElfFormatError('only 64-bit little-endian ELF is handled');
  const shoff = Number(elf.readBigUInt64LE(0x28));
  const shentsize = elf.readUInt16LE(0x3a);
  const shnum = elf.readUInt16LE(0x3c);
  if (shentsize < 64 || shoff + shentsize * shnum > elf.length) throw new ElfFormatError('section header table out of bounds');
  const out: Section[] = [];
  for (let i = 0; i < shnum; i++) {
    const at = shoff + i * shentsize;
    const section = {
      type: elf.readUInt32LE(at + 4),
      offset: Number(elf.readBigUInt64LE(at + 0x18)),
      size: Number(elf.readBigUInt64LE(at + 0x20)),
      link: elf.readUInt32LE(at + 0x28),
      entsize: Number(elf.readBigUInt64LE(at + 0x38)),
    };
    if (section.type !== 8 /* SHT_NOBITS */ && section.offset + section.size > elf.length) {
      throw new ElfFormatError(`section ${i} out of bounds`);
    }
    out.push(section);
  }
  return out;
}

function cString(elf: Buffer, table: Section, at: number): string {
  const start = table.offset + at;
  const end = elf.indexOf(0, start);
  if (at >= table.size || end < 0 || end >= table.offset + table.size) throw new ElfFormatError('string outside its table');
  return elf.toString('latin1', start, end);
}

function only(all: Section[], type: number, what: string): Section {
  const found = all.filter((s) => s.type === type);
  if (found.length !== 1) throw new ElfFormatError(`expected one ${what} section, found ${found.length}`);
  return found[0]!;
}

/** Rewrites `elf` in place so the undefined references to `names` carry no version. */
export function loosenSymbolVersions(elf: Buffer, names: ReadonlySet<string>): VersionLoosening {
  const all = sections(elf);
  const dynsym = only(all, SHT_DYNSYM, '.dynsym');
  const versym = only(all, SHT_GNU_VERSYM, '.gnu.version');
  const verneed = only(all, SHT_GNU_VERNEED, '.gnu.version_r');
  const dynstr = all[dynsym.link];
  const verstr = all[verneed.link];
  if (!dynstr || !verstr) throw new ElfFormatError('string table link out of range');
  const count = dynsym.size / (dynsym.entsize || 24);

  const touched = new Set<number>();
  const stillUsed = new Set<number>();
  const symbols: string[] = [];
  for (let i = 1; i < count; i++) {
    const sym = dynsym.offset + i * 24;
    const slot = versym.offset + i * 2;
    const index = elf.readUInt16LE(slot) & ~VERSYM_HIDDEN;
    if (index <= VER_NDX_GLOBAL) continue;
    const name = cString(elf, dynstr, elf.readUInt32LE(sym));
    if (elf.readUInt16LE(sym + 6) === SHN_UNDEF && names.has(name)) {
      elf.writeUInt16LE(VER_NDX_GLOBAL, slot);
      touched.add(index);
      symbols.push(name);
    } else {
      stillUsed.add(index);
    }
  }

  const weakened: string[] = [];
  const stillNeeded: string[] = [];
  let need = verneed.offset;
  for (;;) {
    let aux = need + elf.readUInt32LE(need + 8);
    for (let k = elf.readUInt16LE(need + 2); k > 0; k--) {
      const index = elf.readUInt16LE(aux + 6);
      if (touched.has(index)) {
        const version = cString(elf, verstr, elf.readUInt32LE(aux + 8));
        if (stillUsed.has(index)) {
          stillNeeded.push(version);
        } else {
          elf.writeUInt16LE(elf.readUInt16LE(aux + 4) | VER_FLG_WEAK, aux + 4);
          weakened.push(version);
        }
      }
      const next = elf.readUInt32LE(aux + 12);
      if (next === 0) break;
      aux += next;
    }
    const next = elf.readUInt32LE(need + 12);
    if (next === 0) break;
    need += next;
  }
  return { symbols: symbols.sort(), weakened: weakened.sort(), stillNeeded: stillNeeded.sort() };
}

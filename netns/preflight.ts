import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { which } from 'zx';
import { $ } from './shell.js';

export type Backend = 'host' | 'uml';

/** What the netem layer needs, what this machine has, and the backend that will run. */
export interface Preflight {
  root: boolean;
  ip: boolean;
  tc: boolean;
  tcpdump: boolean;
  /** The host kernel runs `tc qdisc ... netem` (checked in a scratch namespace), and why not. */
  hostNetem: { ok: boolean; detail: string };
  /** User-Mode Linux with veth, netem and tbf modules, and why not. */
  uml: { ok: boolean; detail: string; kernel: string | null };
  /** The running tc takes `netem ... seed N` (iproute2 >= 6.2; 6.1 does not). */
  tcSeed: boolean;
  backend: Backend | null;
  /** Why no backend can run, one line each (empty when one can). */
  missing: string[];
}

export const UML_MODULES = '/usr/lib/uml/modules';

async function has(cmd: string): Promise<boolean> {
  return (await which(cmd, { nothrow: true })) !== null;
}

async function hostNetem(): Promise<{ ok: boolean; detail: string }> {
  const ns = `aeronet-pf-${process.pid}`;
  const q = $;
  const add = await q`ip netns add ${ns}`;
  if (add.exitCode !== 0) return { ok: false, detail: `ip netns add failed: ${add.stderr.trim()}` };
  try {
    const r = await q`tc -n ${ns} qdisc add dev lo root netem delay 1ms`;
    return r.exitCode === 0 ? { ok: true, detail: 'the host kernel has sch_netem' } : { ok: false, detail: `the host kernel has no netem (tc: ${r.stderr.trim()})` };
  } finally {
    await q`ip netns del ${ns}`;
  }
}

function umlModules(): { ok: boolean; detail: string; kernel: string | null } {
  if (!existsSync(UML_MODULES)) return { ok: false, detail: `no ${UML_MODULES} (Debian: apt-get install user-mode-linux kmod)`, kernel: null };
  for (const kernel of readdirSync(UML_MODULES)) {
    const k = path.join(UML_MODULES, kernel, 'kernel');
    const need = ['drivers/net/veth.ko', 'net/sched/sch_netem.ko', 'net/sched/sch_tbf.ko'].map((m) => path.join(k, m));
    const absent = need.filter((f) => !existsSync(f));
    if (absent.length === 0) return { ok: true, detail: `User-Mode Linux ${kernel} with veth, sch_netem and sch_tbf`, kernel };
    return { ok: false, detail: `User-Mode Linux ${kernel} lacks ${absent.join(', ')}`, kernel };
  }
  return { ok: false, detail: `${UML_MODULES} is empty`, kernel: null };
}

/**
 * Say exactly what is missing and which backend will run: `host` when the host kernel has netem,
 * `uml` when it does not and User-Mode Linux is installed, as `requested` allows.
 */
export async function preflight(requested: Backend | 'auto'): Promise<Preflight> {
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  const [ip, tc, tcpdump, linux] = await Promise.all([has('ip'), has('tc'), has('tcpdump'), has('linux')]);
  const missing: string[] = [];
  if (!root) missing.push('root: namespaces, veth pairs and qdiscs need it (run as root, e.g. sudo)');
  if (!ip) missing.push('ip (Debian: iproute2)');
  if (!tc) missing.push('tc (Debian: iproute2)');
  if (!tcpdump) missing.push('tcpdump (Debian: tcpdump): every run keeps a capture of both namespaces');
  const net = root && ip && tc ? await hostNetem() : { ok: false, detail: 'not checked (needs root, ip and tc)' };
  const umlMods = umlModules();
  const uml = linux ? umlMods : { ok: false, detail: 'no `linux` binary (Debian: apt-get install user-mode-linux kmod)', kernel: null };
  const help = tc ? await $`tc qdisc add dev lo root netem help` : null;
  const tcSeed = help !== null && /\bseed\b/.test(help.stdout + help.stderr);
  let backend: Backend | null = null;
  if (missing.length === 0) {
    if (requested === 'host' || (requested === 'auto' && net.ok)) {
      if (net.ok) backend = 'host';
      else missing.push(`--backend host: ${net.detail}`);
    }
    if (backend === null && (requested === 'uml' || requested === 'auto')) {
      if (uml.ok) backend = 'uml';
      else missing.push(`${requested === 'uml' ? '--backend uml' : 'no netem backend'}: ${net.detail}; ${uml.detail}`);
    }
  }
  return { root, ip, tc, tcpdump, hostNetem: net, uml, tcSeed, backend, missing };
}

/** The preflight as lines for a person. */
export function describePreflight(p: Preflight): string[] {
  const yes = (b: boolean): string => (b ? 'yes' : 'NO');
  return [
    `root: ${yes(p.root)}, ip: ${yes(p.ip)}, tc: ${yes(p.tc)}, tcpdump: ${yes(p.tcpdump)}`,
    `host netem: ${p.hostNetem.detail}`,
    `user-mode linux: ${p.uml.detail}`,
    `tc netem seed: ${p.tcSeed ? 'supported (passed per direction)' : 'not supported by this tc (netem draws from the kernel; the exact parameters are recorded instead)'}`,
    p.backend ? `backend: ${p.backend}` : `backend: none: ${p.missing.join('; ')}`,
  ];
}

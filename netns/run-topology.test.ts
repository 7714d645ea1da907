import { describe, expect, it } from 'vitest';
import { $ } from './shell.js';
import { topology } from './topology.js';
import { leftovers, TopologyError, withTopology } from './run-topology.js';
import { preflight } from './preflight.js';

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/**
 * The topology on the host kernel, without netem (this machine's kernel has none; ip netns and
 * veth work everywhere as root): it comes up, carries traffic, and leaves nothing behind, also
 * when a step fails. Not root: namespaces cannot be made, and the preflight must say so.
 */
describe('withTopology on the host', () => {
  // Namespaces need root: as another user these two cannot run at all (the third test covers that case).
  it.runIf(isRoot)('builds two namespaces joined by a veth pair that carries traffic, then removes every trace', async () => {
    const t = topology(`t${process.pid % 100000}`, 7);
    const ping = await withTopology(t, {}, async (applied) => {
      expect(applied.every((a) => a.ok)).toBe(true);
      expect(await leftovers(t)).toEqual([`namespace ${t.client.ns}`, `namespace ${t.server.ns}`]);
      return $`ip netns exec ${t.client.ns} ping -c 1 -W 2 ${t.server.address}`;
    });
    expect(ping.exitCode, ping.stderr).toBe(0);
    expect(await leftovers(t)).toEqual([]);
  });

  it.runIf(isRoot)('a failed step still tears everything down, and names the command', async () => {
    const t = topology(`u${process.pid % 100000}`, 8);
    // The client namespace exists already: `ip netns add` fails.
    await $`ip netns add ${t.client.ns}`;
    let ran = false;
    await expect(withTopology(t, {}, async () => void (ran = true))).rejects.toThrow(TopologyError);
    expect(ran).toBe(false);
    expect(await leftovers(t)).toEqual([]);
  });

  it('the preflight knows whether it may: root is found, or named first among what is missing', async () => {
    const p = await preflight('auto');
    expect(p.root).toBe(isRoot);
    if (!isRoot) {
      expect(p.backend).toBeNull();
      expect(p.missing[0]).toMatch(/^root: /);
    } else {
      expect(p.missing.some((m) => m.startsWith('root'))).toBe(false);
    }
  });
});

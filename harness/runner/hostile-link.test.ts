import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defineScenario } from './scenario.js';
import { shrink } from './shrink.js';
import { runScenario } from './run-scenario.js';
import { CHOPPY } from '../sim/faults.js';
import { readManifest, writeArtifact } from '../artifacts/write-artifact.js';
import { captureToPcap } from '../artifacts/capture-to-pcap.js';
import { lines, removeTsharkConfigDir, tshark } from '../artifacts/test-support/tshark.js';
import { ALL_SCENARIOS } from '../../scenarios/index.js';

const root = mkdtempSync(path.join(tmpdir(), 'aeronet-hostile-'));
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  removeTsharkConfigDir();
});

/**
 * Fails whenever a request segment is corrupted on its way: a stand-in for a bug only corruption
 * exposes. Duplication, reordering and the syscall errors are irrelevant to it.
 */
const failsOnCorruption = defineScenario({
  name: 'test/fails-on-corruption',
  description: 'fails when the hostile link corrupted a request segment',
  faults: {
    clientToServer: { ...CHOPPY, maxSegment: [16, 64], eagainChance: [0.2, 0.2], eintrChance: [0.2, 0.2], hostile: { duplicate: [0.3, 0.3], reorder: [0.3, 0.3], corrupt: [0.3, 0.3] } },
    serverToClient: CHOPPY,
  },
  async run({ sim, connect, check }) {
    const conn = connect();
    await conn.client.write(`POST /echo HTTP/1.1\r\nHost: sim\r\nContent-Length: 2000\r\n\r\n${'z'.repeat(2000)}`);
    await sim.sleep(100);
    check(!sim.trace.lines.some((l) => l.includes('c->s fault corrupt')), 'a request segment was corrupted');
  },
});

describe('hostile links in the failure pipeline', () => {
  it('shrink keeps only the hostile fault a failure needs, and drops the syscall errors', async () => {
    const first = await runScenario(failsOnCorruption, 1);
    expect(first.ok).toBe(false);
    const outcome = await shrink(failsOnCorruption, 1);
    expect(outcome).not.toBeNull();
    const c2s = outcome!.result.faults[0]!.clientToServer;
    expect(c2s.hostile).toEqual({ duplicate: 0, reorder: 0, corrupt: 0.3 });
    expect(c2s).toMatchObject({ eagainChance: 0, eintrChance: 0 });
    expect(outcome!.steps).toContain('c1 clientToServer: hostile {"duplicate":0.3,"reorder":0.3,"corrupt":0.3} -> {"duplicate":0,"reorder":0.3,"corrupt":0.3}');
    // The overrides alone reproduce the shrunk run, through a manifest written and read back.
    const dir = writeArtifact(outcome!.result, root);
    const manifest = readManifest(dir);
    expect(manifest.faults[0]!.clientToServer.hostile).toEqual({ duplicate: 0, reorder: 0, corrupt: 0.3 });
    const replay = await runScenario(failsOnCorruption, 1, manifest.overrides);
    expect(replay.traceHash).toBe(outcome!.result.traceHash);
  }, 60_000);

  it('a manifest with an impossible hostile or syscall fault value is refused, naming it', async () => {
    const dir = writeArtifact(await runScenario(failsOnCorruption, 2), root);
    const file = path.join(dir, 'manifest.json');
    const original = readFileSync(file, 'utf8');
    const attempt = (clientToServer: unknown) => {
      const manifest = JSON.parse(original);
      manifest.overrides = { '1': { clientToServer } };
      writeFileSync(file, JSON.stringify(manifest));
      return () => readManifest(dir);
    };
    expect(attempt({ hostile: null, eagainChance: 0.5, eintrChance: 1 })).not.toThrow();
    expect(attempt({ hostile: { duplicate: 0, reorder: 0.1, corrupt: 1 } })).not.toThrow();
    expect(attempt({ eagainChance: 2 })).toThrow(/overrides\.1\.clientToServer\.eagainChance = 2: expected a number from 0 to 1/);
    expect(attempt({ hostile: { duplicate: 0, reorder: -1, corrupt: 0 } })).toThrow(/overrides\.1\.clientToServer\.hostile\.reorder = -1: expected a number from 0 to 1/);
    expect(attempt({ hostile: { duplicate: 0, reorder: 0 } })).toThrow(/hostile\.corrupt = undefined/);
    expect(attempt({ hostile: { duplicate: 0, reorder: 0, corrupt: 0, drop: 1 } })).toThrow(/unknown hostile fault "drop"/);
    expect(attempt({ hostile: 0.5 })).toThrow(/hostile = 0\.5: expected null or an object/);
  });

  it('the synthesized capture of a hostile run is still a clean TCP stream (bytes as the receiver got them)', async () => {
    for (const scenario of ALL_SCENARIOS.filter((s) => s.name.startsWith('hostile/'))) {
      let checked = 0;
      for (let seed = 1; seed <= 10 && checked < 2; seed++) {
        const result = await runScenario(scenario, seed);
        if (!result.trace.some((l) => /fault (duplicate|reorder|corrupt)/.test(l))) continue;
        checked++;
        const { pcap, warnings } = captureToPcap(result.capture);
        expect(warnings, `${scenario.name} ${seed}`).toEqual([]);
        const file = path.join(root, `${scenario.name.replace('/', '_')}-${seed}.pcap`);
        writeFileSync(file, pcap);
        // Duplicated and reordered bytes show as the stream the receiver read, not as
        // retransmissions or out-of-order segments: TCP analysis finds nothing to flag.
        expect(lines(tshark(['-r', file, '-Y', 'tcp.analysis.flags'])), `${scenario.name} ${seed}`).toEqual([]);
        expect(lines(tshark(['-r', file, '-T', 'fields', '-e', 'tcp.analysis.acks_frame'])).length).toBeGreaterThan(0);
      }
      expect(checked, `${scenario.name}: no seed in 1..10 with a hostile fault`).toBe(2);
    }
  }, 60_000);
});

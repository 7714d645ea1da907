import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { artifactDir, manifestBase, writeArtifactFolder, type ManifestBase } from '../artifacts/artifact-folder.js';
import type { NetemRunResult } from './run-netem-scenario.js';
import { replayCommand } from '../runner/replay-command.js';

/** The netem layer's manifest: the shared base and what re-creates the link. */
export interface NetemManifest extends ManifestBase {
  layer: 'netem';
  backend: NetemRunResult['backend'];
  kernel: string;
  tls: boolean;
  link: NetemRunResult['link'];
  /** Every ip/tc command, in order, as run (commands.sh has them as a script). */
  commands: NetemRunResult['commands'];
  serverCommand: string[];
  durationMs: number;
  registry: NetemRunResult['registry'];
  /** Kernel-level runs are not bit-for-bit repeatable: netem and TCP draw from the kernel. */
  determinism: string;
}

/**
 * Write a failed netem run's folder, the shape every layer writes: manifest.json, events.log (the
 * run's steps and what the client saw), server.log, capture.pcap (tcpdump on the server's veth
 * end: what the server's kernel saw), plus client.pcap (the client's end) and commands.sh (the
 * exact ip and tc commands, to rebuild the link by hand).
 */
export function writeNetemArtifact(result: NetemRunResult, root: string, now = new Date()): string {
  const dir = artifactDir(root, result.scenario, result.seed, now);
  const warnings: string[] = [];
  const read = (file: string | null, what: string): Buffer | null => {
    if (file !== null && existsSync(file)) return readFileSync(file);
    warnings.push(`no ${what}: ${result.captures.note}`);
    return null;
  };
  const server = read(result.captures.server, 'server-side capture');
  const client = read(result.captures.client, 'client-side capture');
  const manifest: NetemManifest = {
    ...manifestBase('netem', result.scenario, result.seed, result.ok, result.failure, dir, replayCommand('netem', result.scenario, result.seed, result.backend), warnings, now),
    layer: 'netem',
    backend: result.backend,
    kernel: result.kernel,
    tls: result.tls,
    link: result.link,
    commands: result.commands,
    serverCommand: result.serverCommand,
    durationMs: result.durationMs,
    registry: result.registry,
    determinism: 'not bit-for-bit: netem and the kernel\'s TCP make their own random choices; the parameters are exact, so a rerun re-creates the same link',
  };
  const extra: Record<string, string | Buffer> = {
    'commands.sh': `#!/bin/sh\n# The link of ${result.scenario} seed ${result.seed}, as applied (${result.backend}, kernel ${result.kernel}).\n${result.commands.map((c) => c.line + (c.ok ? '' : `   # failed: ${c.error ?? ''}`)).join('\n')}\n`,
  };
  if (client !== null) extra['client.pcap'] = client;
  return writeArtifactFolder(dir, manifest, { events: result.notes, serverLog: result.serverLog, pcap: server ?? Buffer.alloc(0), extra, keyLog: result.keyLog ?? null });
}

export function artifactName(dir: string): string {
  return path.relative(process.cwd(), dir) || dir;
}

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { artifactDir, manifestBase, readManifestBase, writeArtifactFolder, type ManifestBase } from '../../artifacts/artifact-folder.js';
import { wireToPcap } from '../../artifacts/wire-to-pcap.js';
import { TOXIC_ATTRIBUTES, type ToxicDecision } from '../model.js';
import type { ToxicSpec } from './proxy-scenario.js';
import { discardLoopbackCapture, type AppliedToxic, type ProxyRunResult } from './run-proxy-scenario.js';
import { replayCommand } from '../../runner/replay-command.js';

/** The proxy layer's manifest: the shared base and what replays a proxy run. */
export interface ProxyManifest extends ManifestBase {
  layer: 'proxy';
  proxy: ProxyRunResult['proxy'];
  tls: boolean;
  /** Every toxic the run added, in order, with when. */
  toxics: AppliedToxic[];
  /** The scenario's starting toxics were replaced by these (a shrunk run); null otherwise. repro uses them. */
  toxicsOverride: ToxicSpec[] | null;
  /** Every random choice the proxy's toxics made (null on a real Toxiproxy, which cannot report them). */
  decisions: ToxicDecision[] | null;
  serverCommand: string[];
  durationMs: number;
  registry: ProxyRunResult['registry'];
  /** The real loopback addresses of each leg (the capture shows them as 10.0.1.x). */
  legs: Array<{ connection: number; leg: 'client' | 'server'; clientAddress: string; clientPort: number; serverAddress: string; serverPort: number }>;
  /** tcpdump.pcap: the kernel's capture on loopback (real addresses and ports), or why there is none. */
  tcpdump: string;
}

/**
 * Write a proxy run's artifact folder, the same shape as the sim layer's: manifest.json,
 * events.log (the run's steps and the client's observations), server.log (aeronet serve's JSON
 * log), capture.pcap (both legs of every proxied connection, from the bytes the proxy relayed),
 * proxy-events.log (the proxy's API changes and toxic decisions, JSON lines, in time order), and
 * tcpdump.pcap when tcpdump could capture on loopback.
 */
export function writeProxyArtifact(result: ProxyRunResult, root = path.join(process.cwd(), 'artifacts'), now = new Date()): string {
  const dir = artifactDir(root, result.scenario, result.seed, now);
  const { pcap, warnings } = wireToPcap(result.wire ?? [], { serverPort: result.tls ? 443 : 80 });
  if (result.wire === null) warnings.push(`no capture: a ${result.proxy.kind} proxy does not report what it relays`);
  const legs: ProxyManifest['legs'] = [];
  for (const e of result.wire ?? []) if (e.kind === 'open' && e.endpoints) legs.push({ connection: e.connection, leg: e.leg, ...e.endpoints });
  const manifest: ProxyManifest = {
    ...manifestBase('proxy', result.scenario, result.seed, result.ok, result.failure, dir, replayCommand('proxy', result.scenario, result.seed), warnings, now),
    layer: 'proxy',
    proxy: result.proxy,
    tls: result.tls,
    toxics: result.toxics,
    toxicsOverride: result.toxicsOverride,
    decisions: result.decisions,
    serverCommand: result.serverCommand,
    durationMs: result.durationMs,
    registry: result.registry,
    legs,
    tcpdump: result.tcpdump.file !== null && existsSync(result.tcpdump.file) ? 'tcpdump.pcap' : `none: ${result.tcpdump.note}`,
  };
  const proxyLog = [
    ...(result.proxyEvents ?? []).map((e) => ({ ...e, log: 'event' })),
    ...(result.decisions ?? []).map((d) => ({ ...d, log: 'decision' })),
  ].sort((a, b) => a.at - b.at).map((e) => JSON.stringify(e));
  const extra: Record<string, string | Buffer> = { 'proxy-events.log': proxyLog.join('\n') + (proxyLog.length ? '\n' : '') };
  if (manifest.tcpdump === 'tcpdump.pcap') extra['tcpdump.pcap'] = readFileSync(result.tcpdump.file!);
  const written = writeArtifactFolder(dir, manifest, { events: result.notes, serverLog: result.serverLog, pcap, extra, keyLog: result.keyLog ?? null });
  discardLoopbackCapture(result);
  return written;
}

/** Read a proxy artifact's manifest; a hand-edited toxicsOverride is checked toxic by toxic. */
export function readProxyManifest(dir: string): ProxyManifest {
  const { file, data } = readManifestBase(dir);
  if (data.layer !== 'proxy') throw new Error(`${file} is a ${data.layer}-layer artifact, not a proxy one`);
  const override = data['toxicsOverride'];
  if (override !== null && override !== undefined) {
    if (!Array.isArray(override)) throw new Error(`${file}: toxicsOverride must be null or an array of toxics`);
    override.forEach((t, i) => checkToxicSpec(t, `${file}: toxicsOverride[${i}]`));
  }
  return data as unknown as ProxyManifest;
}

function checkToxicSpec(t: unknown, where: string): asserts t is ToxicSpec {
  if (t === null || typeof t !== 'object' || Array.isArray(t)) throw new Error(`${where} must be an object`);
  const spec = t as Record<string, unknown>;
  const type = spec['type'];
  if (typeof type !== 'string' || !(type in TOXIC_ATTRIBUTES)) throw new Error(`${where}.type must be one of ${Object.keys(TOXIC_ATTRIBUTES).join(', ')}, got ${JSON.stringify(type)}`);
  if (spec['stream'] !== undefined && spec['stream'] !== 'upstream' && spec['stream'] !== 'downstream') throw new Error(`${where}.stream must be "upstream" or "downstream"`);
  if (spec['toxicity'] !== undefined && (typeof spec['toxicity'] !== 'number' || !Number.isFinite(spec['toxicity']))) throw new Error(`${where}.toxicity must be a number`);
  const attrs = spec['attributes'];
  if (attrs === null || typeof attrs !== 'object' || Array.isArray(attrs)) throw new Error(`${where}.attributes must be an object`);
  const known = TOXIC_ATTRIBUTES[type as keyof typeof TOXIC_ATTRIBUTES] as readonly string[];
  for (const [k, v] of Object.entries(attrs as object)) {
    if (!known.includes(k)) throw new Error(`${where}.attributes: ${type} has no attribute "${k}" (it has ${known.join(', ') || 'none'})`);
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new Error(`${where}.attributes.${k} must be an integer, got ${JSON.stringify(v)}`);
  }
}

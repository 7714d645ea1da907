/**
 * Run tshark for the pcap integration tests. A missing tshark is a test failure, not a skip: CI
 * installs it (Debian package `tshark`), and a skipped check would let broken captures through.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * An empty personal configuration directory: a developer's own Wireshark preferences (disabled
 * TCP analysis, checksum validation turned on globally...) must not change what the tests see.
 */
let configDir: string | undefined;

export const TSHARK_MISSING =
  'tshark is not installed or not on PATH. The pcap integration tests open the synthesized ' +
  'capture with it: install the Debian/Ubuntu package "tshark" ' +
  '(DEBIAN_FRONTEND=noninteractive apt-get install -y tshark).';

/** tshark's stdout. Its stderr (e.g. the warning about running as root) is not part of it. */
export function tshark(args: readonly string[]): string {
  configDir ??= mkdtempSync(join(tmpdir(), 'aeronet-wireshark-config-'));
  try {
    return execFileSync('tshark', args, {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, WIRESHARK_CONFIG_DIR: configDir },
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(TSHARK_MISSING);
    const stderr = String((error as { stderr?: unknown }).stderr ?? '');
    throw new Error(`tshark ${args.join(' ')} failed: ${(error as Error).message}\n${stderr}`);
  }
}

/** Non-empty output lines, trailing CR/LF stripped but tabs kept (fields output is tab-separated). */
export function lines(output: string): string[] {
  return output.split('\n').map((line) => line.replace(/\r$/, '')).filter((line) => line !== '');
}

/** Remove the configuration directory tshark() created, if any (call from afterAll). */
export function removeTsharkConfigDir(): void {
  if (configDir !== undefined) rmSync(configDir, { recursive: true, force: true });
  configDir = undefined;
}

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * Headless Chromium for the report's browser test, with no npm dependency: `--dump-dom` prints
 * the DOM after the page's scripts ran (`--virtual-time-budget` lets them), `--screenshot` writes
 * a PNG. Each run gets its own profile folder and is killed, with its child processes, if it
 * overruns.
 */

/** The Chromium binary ($CHROMIUM, or chromium / chromium-browser on PATH), or null. */
export function findChromium(): string | null {
  const candidates = [process.env['CHROMIUM'], 'chromium', 'chromium-browser', 'google-chrome'].filter((c): c is string => typeof c === 'string' && c !== '');
  for (const c of candidates) {
    const found = spawnSync('sh', ['-c', `command -v "$0"`, c], { encoding: 'utf8' });
    if (found.status === 0 && found.stdout.trim() !== '') return found.stdout.trim();
  }
  return null;
}

export interface ChromiumRun {
  stdout: string;
  stderr: string;
  code: number | null;
}

/** Run Chromium headless on `url` with `args` (--dump-dom, --screenshot=...) and wait for it. */
export async function runChromium(binary: string, url: string, args: readonly string[], timeoutMs = 45_000): Promise<ChromiumRun> {
  const profile = mkdtempSync(path.join(tmpdir(), 'aeronet-chromium-'));
  const argv = [
    '--headless',
    // Root in a container: Chromium's sandbox needs user namespaces it may not have.
    '--no-sandbox',
    '--disable-gpu',
    '--disable-dev-shm-usage',
    '--no-first-run',
    '--no-default-browser-check',
    '--disable-extensions',
    '--hide-scrollbars',
    `--user-data-dir=${profile}`,
    ...args,
    url,
  ];
  try {
    return await new Promise<ChromiumRun>((resolve, reject) => {
      // Its own process group, so a timeout kills the renderer and GPU helpers too.
      const child = spawn(binary, argv, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
      child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          child.kill('SIGKILL');
        }
        reject(new Error(`chromium did not finish within ${timeoutMs} ms: ${stderr.slice(-2000)}`));
      }, timeoutMs);
      child.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      child.once('close', (code) => {
        clearTimeout(timer);
        resolve({ stdout, stderr, code });
      });
    });
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

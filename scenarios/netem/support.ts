import { createHash } from 'node:crypto';
import { spawn } from 'node:child_process';
export { defineNetemScenario } from '../../harness/netem/netem-scenario.js';
export * from '../realnet-support.js';

export const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/** Run a tool (h2load, the conformance CLI) from the client namespace; its exit code and output. */
export function runTool(command: string, args: readonly string[], timeoutMs = 120_000): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (b: Buffer) => (output += b.toString()));
    child.stderr.on('data', (b: Buffer) => (output += b.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
    child.once('error', (err) => {
      clearTimeout(timer);
      resolve({ code: null, output: String(err) });
    });
  });
}

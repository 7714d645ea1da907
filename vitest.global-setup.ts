import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The CLI built for this test run (node <it> serve ...): see below. */
    aeronetCli: string;
  }
}

const ROOT = path.dirname(fileURLToPath(import.meta.url));

/**
 * Build the CLI once per test run, into a private folder under node_modules/.cache (so packages
 * resolve from the repository's node_modules), for every test that runs `aeronet` as a process
 * (cli/aeronet.test.ts, cli/proxy-command.test.ts, the proxy layer's tests). One build
 * instead of one per file, and never dist/: a test rebuilding dist/ while another file's child
 * processes load it could hand them half-written modules. Type checking is `npm run typecheck`'s
 * job (npm test runs it first), so this build skips it (noCheck) and follows cli/aeronet.ts's imports.
 */
export default async function setup(project: TestProject): Promise<() => void> {
  const cache = path.join(ROOT, 'node_modules', '.cache', 'aeronet-test-build');
  mkdirSync(cache, { recursive: true });
  const dir = mkdtempSync(path.join(cache, 'build-'));
  const tsconfig = {
    extends: path.join(ROOT, 'tsconfig.json'),
    compilerOptions: { outDir: path.join(dir, 'dist'), rootDir: ROOT, noCheck: true, declaration: false, sourceMap: false, types: [] },
    // The fuzzing entry is loaded by Jazzer, not imported by the CLI: build it too.
    files: [path.join(ROOT, 'cli', 'aeronet.ts'), path.join(ROOT, 'fuzz', 'jazzer-entry.ts')],
    include: [],
  };
  writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify(tsconfig));
  const output = await new Promise<string>((resolve) => {
    execFile(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(dir, 'tsconfig.json')], { cwd: ROOT, timeout: 170_000 }, (_err, stdout, stderr) => resolve(stdout + stderr));
  });
  const cli = path.join(dir, 'dist', 'cli', 'aeronet.js');
  if (!existsSync(cli)) throw new Error(`building the CLI for the tests failed:\n${output}`);
  project.provide('aeronetCli', cli);
  return () => rmSync(dir, { recursive: true, force: true });
}

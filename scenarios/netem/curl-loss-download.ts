import { defineNetemScenario, patternBytes, sha256 } from './support.js';

export default defineNetemScenario({
  name: 'netem/curl-loss-download',
  description: 'curl (HTTP/1.1): 1 MB over 3 % loss and 25 ms ± 10 ms delay each way',
  protocol: 'h1',
  expect: 'curl exits 0 with status 200 and the exact bytes (sha256)',
  link: () => ({ clientToServer: { delayMs: 25, jitterMs: 10, lossPct: 3 }, serverToClient: { delayMs: 25, jitterMs: 10, lossPct: 3 } }),
  async run(ctx) {
    const r = await ctx.curl('/bytes/1000000');
    ctx.note(`curl exit ${r.exitCode} status ${r.status} ${r.body.length} B in ${r.ms.toFixed(0)} ms ${r.stderr.trim()}`);
    ctx.check(r.exitCode === 0 && r.status === 200, `curl exit ${r.exitCode}, status ${r.status}: ${r.stderr.trim()}`);
    ctx.check(sha256(r.body) === sha256(patternBytes(0, 1_000_000)), `checksum mismatch on ${r.body.length} bytes`);
  },
});

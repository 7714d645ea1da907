import { defineNetemScenario, patternBytes, sha256 } from './support.js';

export default defineNetemScenario({
  name: 'netem/curl-h2-reorder',
  description: 'curl --http2-prior-knowledge: 800 KB with 20 % of packets reordered over 20 ms delay each way',
  protocol: 'h2c',
  expect: 'curl exits 0 with HTTP/2 status 200 and the exact bytes',
  link: () => ({ clientToServer: { delayMs: 20, reorderPct: 20 }, serverToClient: { delayMs: 20, reorderPct: 20 } }),
  async run(ctx) {
    const r = await ctx.curl('/bytes/800000');
    ctx.note(`curl exit ${r.exitCode} status ${r.status} HTTP/${r.httpVersion} ${r.body.length} B in ${r.ms.toFixed(0)} ms ${r.stderr.trim()}`);
    ctx.check(r.exitCode === 0 && r.status === 200 && r.httpVersion === '2', `curl exit ${r.exitCode}, status ${r.status}, HTTP/${r.httpVersion}: ${r.stderr.trim()}`);
    ctx.check(sha256(r.body) === sha256(patternBytes(0, 800_000)), `checksum mismatch on ${r.body.length} bytes`);
  },
});

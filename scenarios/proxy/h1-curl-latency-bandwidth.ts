import { createHash } from 'node:crypto';
import { defineProxyScenario, patternBytes, within } from './support.js';

export default defineProxyScenario({
  name: 'proxy/h1-curl-latency-bandwidth',
  description: 'curl over HTTP/1.1: 1 MB through 80 ms latency and a 2,000 KB/s bandwidth toxic',
  protocol: 'h1',
  expect: 'curl exits 0 with status 200 and the exact bytes (checksum), in the rate\'s time',
  toxics: [
    { type: 'latency', stream: 'downstream', attributes: { latency: 80, jitter: 10 } },
    { type: 'bandwidth', stream: 'downstream', attributes: { rate: 2000 } },
  ],
  async run(ctx) {
    const r = await ctx.curl('/bytes/1000000');
    ctx.note(`curl exit ${r.exitCode} status ${r.status} ${r.body.length} B in ${r.ms.toFixed(0)} ms ${r.stderr.trim()}`);
    ctx.check(r.exitCode === 0 && r.status === 200, `curl exit ${r.exitCode}, status ${r.status}: ${r.stderr.trim()}`);
    const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
    ctx.check(sha(r.body) === sha(patternBytes(0, 1_000_000)), `checksum mismatch on ${r.body.length} bytes`);
    within(ctx, 'curl time', r.ms, 500, 2500);
  },
});

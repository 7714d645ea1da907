import { createHash } from 'node:crypto';
import { defineProxyScenario, patternBytes } from './support.js';

export default defineProxyScenario({
  name: 'proxy/h2c-curl-latency',
  description: 'curl --http2-prior-knowledge: 500 KB under 150 ms ± 50 ms latency both ways, through 1..64-byte slices upstream',
  protocol: 'h2c',
  expect: 'curl exits 0 with status 200 and the exact bytes',
  toxics: [
    { type: 'latency', stream: 'downstream', attributes: { latency: 150, jitter: 50 } },
    { type: 'latency', stream: 'upstream', attributes: { latency: 150, jitter: 50 } },
    { type: 'slicer', stream: 'upstream', attributes: { average_size: 32, size_variation: 31, delay: 0 } },
  ],
  async run(ctx) {
    const r = await ctx.curl('/bytes/500000');
    ctx.note(`curl exit ${r.exitCode} status ${r.status} ${r.body.length} B in ${r.ms.toFixed(0)} ms ${r.stderr.trim()}`);
    ctx.check(r.exitCode === 0 && r.status === 200, `curl exit ${r.exitCode}, status ${r.status}: ${r.stderr.trim()}`);
    const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
    ctx.check(sha(r.body) === sha(patternBytes(0, 500_000)), `checksum mismatch on ${r.body.length} bytes`);
  },
});
